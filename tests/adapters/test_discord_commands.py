"""The Discord adapter's slash commands and buttons, driven through the real discord.py
client against a wire-level fake of Discord's REST API and gateway on 127.0.0.1
(tests/fakes/discord_api.py).

Each test starts the real client (log-in, command sync, gateway IDENTIFY/READY), plays
users running slash commands and pressing buttons, and checks what they would see: here,
that every command is offered and each conversation runs to its end, in DMs and servers.
"""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from core.engine.coach import Coach
from core.events import ChatRef
from core.storage.db import Database
from core.storage.schema import checkins, cohort_members, cohorts, users
from tests.adapters.discord_helpers import PNG_MAGIC, Bot, running_bot, text, with_buttons

# The fixtures `bot`, `database` and `fake`: pytest finds them among this module's names.
from tests.adapters.discord_helpers import bot_fixture as bot_fixture
from tests.adapters.discord_helpers import database_fixture as database_fixture
from tests.adapters.discord_helpers import fake_fixture as fake_fixture
from tests.conftest import build_coach, start_coach_run
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_payloads import User

ROOT = Path(__file__).resolve().parents[2]
GUILDS_INTENT = 1


def _registered() -> set[str]:
    from bot.app import features

    probe = Coach(None)  # type: ignore[arg-type]  # registration never touches the database
    probe.install(features())
    return set(probe.commands)


REGISTERED = _registered()


def needs(command: str) -> pytest.MarkDecorator:
    """Skip until another engineer's command lands (all of these are registered today)."""
    return pytest.mark.skipif(command not in REGISTERED, reason=f"/{command} is not registered yet")


async def stored_checkins(db: Database, user: User) -> list[dict[str, int]]:
    async with db.transaction() as conn:
        uid = await conn.scalar(select(users.c.id).where(users.c.platform_user_id == str(user.id)))
        found = await conn.execute(select(checkins.c.levels).where(checkins.c.user_id == uid))
        return [dict(row.levels) for row in found]


# -- start-up ---------------------------------------------------------------------------


async def test_every_command_is_a_slash_command_and_no_privileged_intent_is_asked(
    bot: Bot,
) -> None:
    synced = {c["name"]: c for c in bot.fake.commands["global"]}
    assert set(synced) == set(bot.coach.commands)
    ask = synced["ask"]
    assert ask["description"] == bot.coach.commands["ask"].summary
    [option] = ask["options"]
    assert (option["name"], option["type"], option["required"]) == ("question", 3, False)
    assert option["description"]
    assert synced["pain"]["options"][0]["name"] == "description"
    assert synced["checkin"]["contexts"] == [0, 1]  # servers (answered privately) and DMs
    [identify] = bot.fake.identifies
    assert identify["intents"] == GUILDS_INTENT  # no message content, no members
    assert identify["shard"] == [0, 1]


async def test_a_test_guild_gets_its_commands_at_once(
    fake: FakeDiscord, database: Database
) -> None:
    async with running_bot(fake, build_coach(database), guild_id=fake.guild_id) as bot:
        assert "help" in {c["name"] for c in fake.commands[str(fake.guild_id)]}
        assert "global" not in fake.commands
        assert "What I can do" in text(await bot.slash(fake.user("Ann"), "help", guild=True))


async def test_a_process_can_run_a_subset_of_the_shards(
    fake: FakeDiscord, database: Database
) -> None:
    async with running_bot(fake, build_coach(database), shard_ids=(1,), shard_count=2):
        assert [i["shard"] for i in fake.identifies] == [[1, 2]]
        assert fake.commands == {}  # only the process running shard 0 syncs commands


async def test_coach_run_serves_discord_and_stops_cleanly(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DISCORD_TOKEN": "test-token",
        "DISCORD_API_BASE_URL": fake.api_base_url,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "TELEGRAM_TOKEN": "",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/run.db",
    }
    process = await start_coach_run(env, tmp_path)
    try:
        await fake.wait_for(lambda: bool(fake.identifies), within=20)
        interaction = await fake.slash(fake.user("Quinn"), "help")
        await fake.wait_acked(interaction)
        assert "What I can do" in text(fake.replies(interaction))
        process.send_signal(signal.SIGTERM)
        _, errors = await asyncio.wait_for(process.communicate(), 15)
        assert process.returncode == 0, errors.decode()
        assert b"Traceback" not in errors
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


# -- conversations ------------------------------------------------------------------------


@needs("checkin")
async def test_checkin_in_a_dm_by_buttons_to_the_end(bot: Bot) -> None:
    alice = bot.fake.user("Alice")
    shown = await bot.slash(alice, "checkin")
    assert "12 quick questions" in text(shown)
    assert [m.ephemeral for m in shown] == [False]  # a DM: nothing to hide
    assert with_buttons(shown).buttons[1][0] == "Start check-in"

    shown = await bot.press(alice, with_buttons(shown), "Start check-in")
    assert "Chest (1 of 12): how sore?" in text(shown)
    answers = ["1 Mild", "0 None", "0 None", "0 None", "0 None", "3 Very sore"]
    answers += ["2 Moderate", "0 None", "0 None", "0 None", "0 None", "0 None"]
    for label in answers:
        shown = await bot.press(alice, with_buttons(shown), label)

    assert "Saved today's check-in: quads 3, hamstrings 2, chest 1" in text(shown)
    [levels] = await stored_checkins(bot.coach.db, alice)
    assert (levels["quads"], levels["hamstrings"], levels["chest"]) == (3, 2, 1)


@needs("checkin")
async def test_checkin_in_a_server_is_private_and_a_stale_press_is_explained(bot: Bot) -> None:
    bob = bot.fake.user("Bob")
    shown = await bot.slash(bob, "checkin", guild=True)
    assert "12 quick questions" in text(shown)
    assert all(m.ephemeral for m in shown)  # only Bob sees it
    question = with_buttons(shown)

    shown = await bot.press(bob, question, "Nothing is sore")
    assert "Saved" in text(shown) and all(m.ephemeral for m in shown)
    assert await stored_checkins(bot.coach.db, bob) != []

    shown = await bot.press(bob, question, "Start check-in")  # the same old message again
    assert "earlier question" in text(shown)
    assert all(m.ephemeral for m in shown)
    # Nothing private was ever posted for the channel to see.
    assert all(m.ephemeral for m in bot.fake.channel(bot.fake.channel_id))


@needs("ready")
async def test_ready_to_a_verdict(bot: Bot) -> None:
    carol = bot.fake.user("Carol")
    shown = await bot.slash(carol, "ready")
    assert "how did the soreness from their last session go?" in text(shown)
    shown = await bot.press(carol, with_buttons(shown), "Never got sore")
    assert with_buttons(shown).rows == [["Stronger", "About the same", "Weaker"]]
    shown = await bot.press(carol, with_buttons(shown), "Stronger")
    assert "Train as planned" in text(shown)


@needs("pain")
async def test_pain_red_flag_in_a_server_is_shown_only_to_the_user(bot: Bot) -> None:
    dan = bot.fake.user("Dan")
    shown = await bot.slash(dan, "pain", "my foot has gone numb after deadlifts", guild=True)
    assert "red flag" in text(shown) and "See a doctor urgently" in text(shown)
    assert all(m.ephemeral for m in shown)


async def test_ask_answers_from_the_knowledge_base(bot: Bot) -> None:
    erin = bot.fake.user("Erin")
    shown = await bot.slash(erin, "ask", "does cardio interfere with muscle growth")
    assert "interference effect" in text(shown)  # the cardio-interference topic
    assert with_buttons(shown).buttons  # related topics, pressable


@needs("chart")
async def test_chart_arrives_as_a_png_attachment(bot: Bot) -> None:
    finn = bot.fake.user("Finn")
    assert "Saved" in text(await bot.slash(finn, "checkin", "legs 3 chest 1"))
    shown = await bot.slash(finn, "chart")
    [message] = shown
    assert "check-in" in message.content
    assert list(message.files) == ["soreness.png"]
    assert message.files["soreness.png"].startswith(PNG_MAGIC)
    assert message.raw["attachments"][0]["filename"] == "soreness.png"


@needs("checkin")
async def test_a_button_from_before_a_restart_still_works(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/c.db"
    gina = fake.user("Gina")
    first_db = Database(url)
    await first_db.migrate()
    async with running_bot(fake, build_coach(first_db)) as first:
        shown = await first.slash(gina, "checkin")
        shown = await first.press(gina, with_buttons(shown), "Start check-in")
        question = with_buttons(shown)  # "Chest (1 of 12)", sent by the old process
    await first_db.close()

    second_db = Database(url)
    try:
        async with running_bot(fake, build_coach(second_db)) as second:
            shown = await second.press(gina, question, "1 Mild")
            assert "(2 of 12)" in text(shown)  # the conversation went on where it was
    finally:
        await second_db.close()


async def test_a_cohort_in_a_channel_keeps_everyones_answers_private(bot: Bot) -> None:
    fake = bot.fake

    async def count(table: Any) -> int:
        async with bot.coach.db.transaction() as conn:
            return len((await conn.execute(select(table))).all())

    ann, bo, cy = fake.user("Ann", admin=True), fake.user("Bo"), fake.user("Cy")
    start = "start 2026-11-23 mon,wed,fri 18:00 UTC"
    [refused] = await bot.slash(bo, "cohort", start, guild=True)
    assert "Only this chat's admins" in refused.content and await count(cohorts) == 0
    [started] = await bot.slash(ann, "cohort", start, guild=True)
    assert "Cohort started" in started.content and not started.ephemeral

    for person in (ann, bo, cy):
        welcome, details = await bot.slash(person, "join", guild=True)
        assert f"Welcome to the cohort, {person.name}" in welcome.content
        assert not welcome.ephemeral and "Week" not in welcome.content
        assert details.ephemeral and "follows the cohort's plan: Week" in details.content
    for person, level in ((ann, 1), (bo, 3), (cy, 2)):
        await bot.slash(person, "checkin", f"chest {level}")

    [summary] = await bot.slash(bo, "summary", guild=True)
    assert not summary.ephemeral
    assert "3 of 3 checked in" in summary.content and "chest 2.0" in summary.content
    for private in ("Ann", "Bo", "Cy", "chest 1", "chest 3 "):
        assert private not in summary.content

    reported = asyncio.Event()
    report = bot.adapter.on_unreachable
    assert report is not None

    async def and_note(chat: ChatRef) -> None:
        await report(chat)
        reported.set()

    bot.adapter.on_unreachable = and_note
    await fake.remove_bot()
    await asyncio.wait_for(reported.wait(), 5)
    assert bot.unreachable == [ChatRef("discord", str(fake.channel_id), is_group=True)]
    assert await count(cohorts) == 0 and await count(cohort_members) == 0
