"""Oversized and odd input: 20,000-character messages, control characters, right-to-left
marks, emoji, SQL and HTML fragments. The user gets a clear reply, what is stored is what
they meant (minus invisible control characters), nothing is run as code, and the platforms'
message limits hold however long a reply gets."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from core.engine.coach import Coach
from core.events import ChatRef, Sender
from core.rules.text import MAX_TEXT
from core.storage.schema import checkins, pain_reports, users
from tests.conftest import Chat

HUGE = 20_000


async def pain_descriptions(coach: Coach) -> list[str]:
    async with coach.db.transaction() as conn:
        found = await conn.execute(select(pain_reports.c.description).order_by(pain_reports.c.id))
        return [row.description for row in found]


@pytest.mark.parametrize(
    "message",
    [
        "x" * HUGE,
        "/pain " + "sharp " * (HUGE // 6),
        "/checkin " + "legs 3 " * (HUGE // 7),
        "💪" * HUGE,
        "\u202e" * HUGE,
    ],
    ids=["plain", "pain", "checkin", "emoji", "rtl-override"],
)
async def test_a_20000_character_message_gets_a_clear_reply_and_stores_nothing(
    coach: Coach, chat_as: Callable[..., Chat], message: str
) -> None:
    chat = chat_as()
    await chat.say(message)
    assert chat.text == (
        f"That message is too long for me — I read up to {MAX_TEXT:,} characters at a time. "
        "Could you send a shorter version?"
    )
    async with coach.db.transaction() as conn:
        for table in (pain_reports, checkins, users):
            assert await conn.scalar(select(func.count()).select_from(table)) == 0


async def test_a_red_flag_in_a_20000_character_message_still_gets_the_warning(
    chat_as: Callable[..., Chat],
) -> None:
    chat = chat_as()
    await chat.say("crushing chest pain and my left arm is numb " + "so scared " * (HUGE // 10))
    assert "red flag" in chat.text  # read from the part that fits
    assert f"read only its first {MAX_TEXT:,} characters" in chat.text
    assert "too long for me" not in chat.text


async def test_a_huge_message_mid_checkin_leaves_the_question_where_it_was(
    chat_as: Callable[..., Chat],
) -> None:
    chat = chat_as()
    await chat.say("/checkin")
    await chat.press("Start check-in")
    await chat.say("3" * HUGE)
    assert "too long for me" in chat.text
    await chat.say("3")
    assert "Back (2 of 12)" in chat.text  # the huge one was not taken as an answer


CLEAR = " — a dull ache two days after squats"
ODD = [
    # (what the user types after /pain, what is stored)
    ("💪🔥 my quads 🦵🏽", "💪🔥 my quads 🦵🏽"),
    ("\u200fألم خفيف في الفخذ\u200f", "ألم خفيف في الفخذ"),
    ("\u202eevil\u202c calves", "evil calves"),
    ("'; DROP TABLE users; -- calves", "'; DROP TABLE users; -- calves"),
    ("<script>alert(1)</script> <b>glutes</b>", "<script>alert(1)</script> <b>glutes</b>"),
    ("\x00\x07\x1b[31mhamstrings\x1b[0m\x7f", "[31mhamstrings[0m"),
    ('=HYPERLINK("http://x") chest', '=HYPERLINK("http://x") chest'),
    ("ｑｕａｄｓ", "quads"),  # full-width letters normalised
]


@pytest.mark.parametrize(("typed", "stored"), ODD, ids=[t[:12] for t, _ in ODD])
async def test_odd_text_is_stored_as_meant_and_never_run(
    coach: Coach, chat_as: Callable[..., Chat], typed: str, stored: str
) -> None:
    chat = chat_as()
    await chat.say(f"/pain {typed}{CLEAR}")
    assert "normal muscle soreness (DOMS)" in chat.text
    [description] = await pain_descriptions(coach)
    assert description == stored + CLEAR
    async with coach.db.transaction() as conn:  # the SQL was data, the tables are all there
        assert await conn.scalar(select(func.count()).select_from(users)) == 1

    await chat.say("/export")
    exported = chat.last[0].file
    assert exported is not None
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8"))))
    [cell] = [r[3] for r in rows if r[0] == "pain_reports" and r[2] == "description"]
    # A spreadsheet would run a cell starting with = as a formula: the export defuses it.
    assert cell == ("'" + description if description.startswith("=") else description)


async def test_control_and_direction_characters_never_reach_a_group(
    chat_as: Callable[..., Chat],
) -> None:
    admin = chat_as("ada", group="-100")
    admin.chat = ChatRef("test", "-100", is_group=True, user_is_admin=True)
    await admin.say("/cohort start 2026-12-07 mon wed fri 18:00 Europe/Berlin")
    assert "Cohort started" in admin.text
    mal = chat_as("mal", group="-100")
    mal.sender = Sender("test", "mal", "\u202eNIMDA\u202c\x1b[2J Mal\nlory")
    await mal.say("/join")
    assert "Welcome to the cohort, NIMDA[2J Mal lory!" in mal.text
    for reply in mal.last:
        assert not re.search("[\u0000-\u0008\u000b-\u001f\u202a-\u202e\u2066-\u2069]", reply.text)
