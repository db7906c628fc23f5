"""/history, /chart and /export, and the console showing a check-in from one process in the
history and chart of the next."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from core.engine.coach import Coach
from core.storage.schema import pain_reports, readiness_checks, users, utcnow
from tests.conftest import NOON, Chat, add_past, console, user_id

TODAY = NOON.date()


async def test_history_and_chart_have_a_friendly_empty_state(chat_as: Callable[..., Chat]) -> None:
    chat = chat_as()
    await chat.say("/history")
    assert "No check-ins in the last two weeks yet" in chat.text and "/checkin" in chat.text
    await chat.say("/chart")
    assert "Nothing to chart yet" in chat.text
    assert chat.last[0].image is None


async def test_history_shows_the_last_two_weeks_as_a_table(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/checkin legs 3 chest 1")
    await add_past(coach, "u1", 2, {"chest": 2, "quads": 0})
    await add_past(coach, "u1", 20, {"chest": 4})  # older than two weeks: not shown
    uid = await user_id(coach)
    async with coach.db.transaction() as conn:
        await conn.execute(
            insert(readiness_checks).values(
                user_id=uid,
                day=TODAY - timedelta(days=2),
                at=NOON - timedelta(days=2),
                last_soreness="still-sore",
                sharp_pain=False,
                set_result="weaker",
                verdict="active-recovery",
            )
        )
    await chat.say("/history")
    lines = chat.text.splitlines()
    assert "Your last 14 days (2 check-ins):" in chat.text
    header = next(line for line in lines if line.startswith("Day"))
    abbreviations = "Ch Bk Sh Bi Tr Qu Hm Gl Ca Ab Jt LB"
    assert header.split() == ["Day", *abbreviations.split()]
    today = next(line for line in lines if line.startswith("Today"))
    assert today.split()[1:] == ["1", "0", "0", "0", "0", "3", "3", "3", "3", "0", "0", "0"]
    older = next(line for line in lines if line.startswith("Sat 28 Nov"))
    assert older.split()[3:6] == ["2", "·", "·"]  # chest 2, back and shoulders not asked
    assert older.endswith("ready: light day")
    assert not any("4" in line.split()[1:] for line in lines if line.startswith(("Mon", "Tue")))
    assert "Qu=quads" in chat.text and "4=crippling" in chat.text
    assert "No patterns to act on so far." in chat.text


async def test_history_lists_trend_insights(coach: Coach, chat_as: Callable[..., Chat]) -> None:
    chat = chat_as()
    await chat.say("/checkin lower back 2")
    for days_ago in range(1, 8):
        await add_past(coach, "u1", days_ago, {"lower_back": 1, "chest": 0})
    await chat.say("/history")
    assert "Your lower back has been sore at every check-in for 8 days" in chat.text
    assert "abs and glutes" in chat.text


async def test_chart_is_a_png_heat_map(coach: Coach, chat_as: Callable[..., Chat]) -> None:
    chat = chat_as()
    await chat.say("/checkin legs 3 chest 1")
    await add_past(coach, "u1", 5, {"chest": 4, "joints": 2})
    await add_past(coach, "u1", 40, {"chest": 4})  # outside the four weeks
    await chat.say("/chart")
    [reply] = chat.last
    assert reply.image is not None
    assert reply.image.name == "soreness.png"
    assert reply.image.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(reply.image.data) > 5_000
    assert "2 check-ins" in reply.text and "blank = no check-in" in reply.text


async def test_export_holds_the_users_rows_and_no_one_elses(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    alice, bob = chat_as("alice"), chat_as("bob")
    await alice.say("/timezone Europe/Berlin")
    await alice.say("/checkin groups chest quads")
    await alice.say("/checkin quads 3")
    await bob.say("/checkin chest 4")
    uid = await user_id(coach, "alice")
    bob_id = await user_id(coach, "bob")
    async with coach.db.transaction() as conn:
        for who, text in ((uid, "=HYPERLINK(x) sharp knee"), (bob_id, "bob's secret elbow")):
            await conn.execute(
                insert(pain_reports).values(user_id=who, at=utcnow(), description=text, kind="x")
            )
    await alice.say("/checkin")  # an unfinished question is stored too

    await alice.say("/export")
    [reply] = alice.last
    assert reply.file is not None and reply.file.name == "doms-coach-export.csv"
    assert "your settings, 1 check-in, 1 pain report, 1 unfinished question" in reply.text
    rows = list(csv.reader(io.StringIO(reply.file.data.decode())))
    assert rows[0] == ["section", "record", "field", "value"]
    values = {(r[0], r[2]): r[3] for r in rows[1:]}
    assert values[("profile", "platform_user_id")] == "alice"
    assert values[("profile", "timezone")] == "Europe/Berlin"
    assert json.loads(values[("profile", "trained_groups")]) == ["chest", "quads"]
    assert ["checkins", TODAY.isoformat(), "levels.quads", "3"] in rows
    assert values[("pain_reports", "description")] == "'=HYPERLINK(x) sharp knee"
    assert values[("conversations", "flow")] == "checkin"
    # Times say their zone, on every database.
    assert datetime.fromisoformat(values[("profile", "created_at")]).utcoffset() is not None
    text = reply.file.data.decode()
    assert "bob" not in text and "secret" not in text
    assert ["checkins", TODAY.isoformat(), "levels.chest", "4"] not in rows


async def test_forget_then_export_is_empty(coach: Coach, chat_as: Callable[..., Chat]) -> None:
    chat = chat_as()
    await chat.say("/checkin chest 2")
    await chat.say("/forget")
    await chat.press("Yes")
    await chat.say("/history")
    assert "No check-ins" in chat.text
    async with coach.db.transaction() as conn:
        assert await conn.scalar(select(users.c.trained_groups)) is None


def test_console_checkin_shows_in_history_and_chart_of_the_next_process(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    out = console(db, "/checkin\n2\n2\n3\n0\nThe rest: none\n", user="lifter")
    assert "Chest (1 of 12)" in str(out[1]["text"])
    assert "Saved today's check-in: back 3, chest 2; nothing else sore." in str(out[-1]["text"])

    history, chart, export = console(db, "/history\n/chart\n/export\n", user="lifter")
    today = next(line for line in str(history["text"]).splitlines() if line.startswith("Today"))
    assert today.split()[1:4] == ["2", "3", "0"]
    assert history["image"] is None
    image = Path(str(chart["image"]))
    assert image.name == "soreness.png" and image.exists()
    assert image.read_bytes().startswith(b"\x89PNG")
    exported = Path(str(export["file"])).read_text()
    assert "levels.back,3" in exported
