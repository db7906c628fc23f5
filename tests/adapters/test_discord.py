"""The Discord adapter, driven through the real discord.py client against a wire-level fake
of Discord's REST API and gateway on 127.0.0.1 (tests/fakes/discord_api.py).

Each test starts the real client (log-in, command sync, gateway IDENTIFY/READY), plays
users running slash commands and pressing buttons, and checks what they would see.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from adapters.discord_adapter import DiscordAdapter, DiscordConfig, render
from core.delivery.outbox import Outbox
from core.delivery.platform import RetryLater
from core.delivery.reachability import chat_unreachable
from core.engine.coach import Coach, Command
from core.engine.turn import Turn
from core.events import Attachment, Button, ChatRef, Event, Reply, rows
from core.storage.db import Database
from core.storage.schema import as_utc, checkins, cohort_members, cohorts, outbox, reminders, users
from tests.conftest import build_coach, start_coach_run
from tests.fakes.discord_api import FakeDiscord, Message, User

ROOT = Path(__file__).resolve().parents[2]
GUILDS_INTENT = 1
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _registered() -> set[str]:
    from bot.app import features

    probe = Coach(None)  # type: ignore[arg-type]  # registration never touches the database
    probe.install(features())
    return set(probe.commands)


REGISTERED = _registered()


def needs(command: str) -> pytest.MarkDecorator:
    """Skip until another engineer's command lands (all of these are registered today)."""
    return pytest.mark.skipif(command not in REGISTERED, reason=f"/{command} is not registered yet")


@dataclass
class Bot:
    """A running adapter with its coach and the fake it talks to."""

    fake: FakeDiscord
    coach: Coach
    adapter: DiscordAdapter
    unreachable: list[ChatRef]

    async def slash(
        self, user: User, name: str, value: str | None = None, *, guild: bool = False
    ) -> list[Message]:
        interaction = await self.fake.slash(user, name, value, guild=guild)
        return await self.answers(interaction)

    async def press(self, user: User, message: Message, label: str) -> list[Message]:
        return await self.answers(await self.fake.press(user, message, label))

    async def answers(self, interaction: int) -> list[Message]:
        await self.fake.wait_acked(interaction)
        await self.adapter.drain()
        return self.fake.replies(interaction)


def text(messages: list[Message]) -> str:
    return "\n".join(m.content for m in messages)


def with_buttons(messages: list[Message]) -> Message:
    return next(m for m in reversed(messages) if m.buttons)


async def start_bot(
    fake: FakeDiscord,
    coach: Coach,
    handle: Callable[[Event], Awaitable[list[Reply]]] | None = None,
    **config: Any,
) -> Bot:
    settings: dict[str, Any] = {
        "token": "test-token",
        "api_base_url": fake.api_base_url,
        "gateway_url": fake.gateway_url,
        "guild_ready_timeout": 0.05,
        **config,
    }
    unreachable: list[ChatRef] = []

    async def on_unreachable(chat: ChatRef) -> None:
        await chat_unreachable(coach.db, chat)  # as `coach run` wires it
        unreachable.append(chat)

    adapter = DiscordAdapter(
        handle or coach.handle,
        coach.commands.values(),
        DiscordConfig(**settings),
        on_unreachable=on_unreachable,
    )
    await adapter.start()
    await adapter.wait_ready()
    return Bot(fake, coach, adapter, unreachable)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/c.db")
    await db.migrate()
    yield db
    await db.close()


@pytest.fixture
async def bot(fake: FakeDiscord, database: Database) -> AsyncIterator[Bot]:
    running = await start_bot(fake, build_coach(database))
    yield running
    await running.adapter.stop()


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
    bot = await start_bot(fake, build_coach(database), guild_id=fake.guild_id)
    try:
        assert "help" in {c["name"] for c in fake.commands[str(fake.guild_id)]}
        assert "global" not in fake.commands
        assert "What I can do" in text(await bot.slash(fake.user("Ann"), "help", guild=True))
    finally:
        await bot.adapter.stop()


async def test_a_process_can_run_a_subset_of_the_shards(
    fake: FakeDiscord, database: Database
) -> None:
    bot = await start_bot(fake, build_coach(database), shard_ids=(1,), shard_count=2)
    try:
        assert [i["shard"] for i in fake.identifies] == [[1, 2]]
        assert fake.commands == {}  # only the process running shard 0 syncs commands
    finally:
        await bot.adapter.stop()


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


# -- commands and buttons -----------------------------------------------------------------


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
    first = await start_bot(fake, build_coach(first_db))
    shown = await first.slash(gina, "checkin")
    shown = await first.press(gina, with_buttons(shown), "Start check-in")
    question = with_buttons(shown)  # "Chest (1 of 12)", sent by the old process
    await first.adapter.stop()
    await first_db.close()

    second_db = Database(url)
    try:
        second = await start_bot(fake, build_coach(second_db))
        shown = await second.press(gina, question, "1 Mild")
        assert "(2 of 12)" in text(shown)  # the conversation went on where it was
        await second.adapter.stop()
    finally:
        await second_db.close()


async def test_a_slow_answer_is_deferred_in_time_then_followed_up(
    fake: FakeDiscord, database: Database
) -> None:
    coach = build_coach(database)

    async def slow(event: Event) -> list[Reply]:
        await asyncio.sleep(0.6)
        return await coach.handle(event)

    bot = await start_bot(fake, coach, slow, defer_after=0.1)
    try:
        hank = fake.user("Hank")
        interaction = await fake.slash(hank, "help", guild=True)
        record = await fake.wait_acked(interaction)
        assert record.callbacks == [5]  # "thinking…", well inside Discord's 3 s
        assert record.acked_at is not None and record.acked_at - record.sent_at < 0.5
        [shown] = await bot.answers(interaction)
        assert "What I can do" in shown.content  # the follow-up filled the deferred message
        assert shown.ephemeral and not shown.loading
        assert shown.id == record.original_id
    finally:
        await bot.adapter.stop()


async def test_an_interaction_that_expired_is_answered_by_direct_message(
    fake: FakeDiscord, database: Database
) -> None:
    coach = build_coach(database)

    async def stuck(event: Event) -> list[Reply]:
        await asyncio.sleep(0.4)  # e.g. the process was paused past Discord's window
        return await coach.handle(event)

    bot = await start_bot(fake, coach, stuck, defer_after=5.0)
    fake.ack_window = 0.2
    try:
        nora = fake.user("Nora")
        interaction = await fake.slash(nora, "help", guild=True)
        await fake.wait_for(
            lambda: any(m.channel_id != fake.channel_id for m in fake.messages.values())
        )
        await bot.adapter.drain()
        assert fake.interactions[interaction].acked_at is None
        [sent] = fake.channel(fake.dm_channels[nora.id])  # private, so to her DM
        assert "What I can do" in sent.content
        assert fake.channel(fake.channel_id) == []
    finally:
        await bot.adapter.stop()


async def test_a_quick_answer_is_sent_directly(bot: Bot) -> None:
    interaction = await bot.fake.slash(bot.fake.user("Ivy"), "help")
    [shown] = await bot.answers(interaction)
    assert bot.fake.interactions[interaction].callbacks == [4]
    assert "What I can do" in shown.content


async def test_group_level_replies_post_in_the_channel_and_private_ones_stay_hidden(
    fake: FakeDiscord, database: Database
) -> None:
    coach = build_coach(database)

    async def summary(turn: Turn, args: str) -> list[Reply]:
        admin = "admin" if turn.event.chat.is_group and turn.event.chat.user_is_admin else "member"
        return [
            Reply(f"Cohort summary: 3 of 4 checked in ({admin})"),
            Reply("Yours: 2", private=True),
        ]

    # A scripted group-only command, so the routing is checked apart from the cohort feature.
    coach.command(
        Command("summary", "Today's cohort summary", summary, in_groups=True, in_private=False)
    )
    bot = await start_bot(fake, coach)
    try:
        shown = await bot.slash(fake.user("Jo", admin=True), "summary", guild=True)
        assert [(m.content, m.ephemeral) for m in shown] == [
            ("Cohort summary: 3 of 4 checked in (admin)", False),
            ("Yours: 2", True),
        ]
        synced = {c["name"]: c for c in fake.commands["global"]}
        assert synced["summary"]["contexts"] == [0]  # offered in servers only

        stale = {"id": "1", "name": "oldcommand", "type": 1, "options": []}
        fake.commands["global"].append(stale)  # still shown by Discord, gone from the bot
        [shown] = await bot.slash(fake.user("Ola"), "oldcommand", guild=True)
        assert "I don't know that command any more" in shown.content and shown.ephemeral

        channel = ChatRef("discord", str(fake.channel_id), is_group=True)
        await bot.adapter.send(channel, Reply("Leg day!"))
        assert fake.channel(fake.channel_id)[-1].content == "Leg day!"
    finally:
        await bot.adapter.stop()


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


async def test_a_deferred_public_answer_never_shows_a_private_part_to_the_channel(
    fake: FakeDiscord, database: Database
) -> None:
    coach = build_coach(database)

    async def standing(turn: Turn, args: str) -> list[Reply]:
        return [Reply("Your streak: 4 days", private=True), Reply("Cohort: 3 of 4 trained")]

    coach.command(
        Command("standing", "Cohort standings", standing, in_groups=True, in_private=False)
    )

    async def slow(event: Event) -> list[Reply]:
        await asyncio.sleep(0.3)
        return await coach.handle(event)

    bot = await start_bot(fake, coach, slow, defer_after=0.05)
    try:
        interaction = await fake.slash(fake.user("Pat"), "standing", guild=True)
        shown = await bot.answers(interaction)
        assert fake.interactions[interaction].callbacks == [5]
        assert [(m.content, m.ephemeral) for m in shown] == [
            ("Your streak: 4 days", True),
            ("Cohort: 3 of 4 trained", False),
        ]
        visible = [m for m in fake.channel(fake.channel_id) if not m.ephemeral]
        assert [m.content for m in visible] == ["Cohort: 3 of 4 trained"]  # no "thinking…" left
    finally:
        await bot.adapter.stop()


# -- proactive messages ---------------------------------------------------------------------


async def remind(bot: Bot, user: User) -> datetime:
    shown = await bot.slash(user, "remind", "checkin 08:00")
    assert "reminder set for 08:00" in text(shown)
    async with bot.coach.db.transaction() as conn:
        due = await conn.scalar(select(reminders.c.next_due_at))
    assert due is not None
    return as_utc(due)


async def test_a_reminder_reaches_the_users_dm_and_its_buttons_work(bot: Bot) -> None:
    kim = bot.fake.user("Kim")
    due = await remind(bot, kim)
    at = due + timedelta(minutes=1)
    assert (await bot.coach.tick(at)).queued == 1
    sender = Outbox(bot.coach.db, {"discord": bot.adapter})
    assert await sender.deliver_once(at) == 1
    assert sender.stats.sent == 1

    [opened] = bot.fake.calls_to("POST", "/users/@me/channels")
    assert int(opened.body["recipient_id"]) == kim.id
    [reminder] = bot.fake.channel(bot.fake.dm_channels[kim.id])[-1:]
    assert reminder.content.startswith("Good morning! How sore are you today?")
    assert [label for label, _ in reminder.buttons] == ["Check in", "Nothing is sore"]

    shown = await bot.press(kim, reminder, "Check in")
    assert "Chest (1 of 12): how sore?" in text(shown)  # the press reached the coach


async def test_closed_dms_mark_the_user_unreachable(bot: Bot) -> None:
    lee = bot.fake.user("Lee")
    due = await remind(bot, lee)
    bot.fake.close_dms(lee)
    at = due + timedelta(minutes=1)
    await bot.coach.tick(at)
    sender = Outbox(bot.coach.db, {"discord": bot.adapter})
    await sender.deliver_once(at)

    assert sender.stats.unreachable == 1
    assert bot.unreachable == [ChatRef("discord", str(lee.id))]
    async with bot.coach.db.transaction() as conn:
        assert await conn.scalar(select(users.c.unreachable)) is True
        assert await conn.scalar(select(reminders.c.next_due_at)) is None  # paused
        assert await conn.scalar(select(outbox.c.failed)) == "unreachable"


async def test_rate_limits_are_waited_out_or_handed_to_the_outbox(bot: Bot) -> None:
    mia = bot.fake.user("Mia")
    chat = ChatRef("discord", str(mia.id))
    bot.fake.rate_limit_next(r"^/channels/\d+/messages$", 0.05)
    await bot.adapter.send(chat, Reply("Workout day!"))  # discord.py waited 50 ms and retried
    assert len(bot.fake.calls_to("POST", r"/channels/\d+/messages")) == 2
    assert bot.fake.channel(bot.fake.dm_channels[mia.id])[-1].content == "Workout day!"

    bot.fake.rate_limit_next(r"^/channels/\d+/messages$", 120.0)
    with pytest.raises(RetryLater) as raised:
        await bot.adapter.send(chat, Reply("Workout day!"))
    assert raised.value.after == 120.0


async def test_server_errors_are_retried_and_network_errors_handed_to_the_outbox(
    bot: Bot,
) -> None:
    ned = bot.fake.user("Ned")
    chat = ChatRef("discord", str(ned.id))
    bot.fake.fail_next(r"^/channels/\d+/messages$", 502)
    await bot.adapter.send(chat, Reply("Workout day!"))  # discord.py retried after a pause
    posts = bot.fake.calls_to("POST", r"/channels/\d+/messages")
    assert len(posts) == 2
    assert [m.content for m in bot.fake.channel(bot.fake.dm_channels[ned.id])] == ["Workout day!"]

    bot.fake.fail_next(r"^/channels/\d+/messages$", 0)  # the connection drops, nothing done
    with pytest.raises(RetryLater):
        await bot.adapter.send(chat, Reply("Check in?"))
    await bot.adapter.send(chat, Reply("Check in?"))  # the outbox's next round
    shown = [m.content for m in bot.fake.channel(bot.fake.dm_channels[ned.id])]
    assert shown == ["Workout day!", "Check in?"]  # each exactly once

    answer = await bot.slash(ned, "help")  # and the bot carries on
    assert "/checkin" in text(answer)


async def test_names_and_quoted_text_never_ping_anyone(
    fake: FakeDiscord, database: Database
) -> None:
    async def welcome(event: Event) -> list[Reply]:
        return [Reply(f"Welcome to the cohort, {event.sender.display_name} <@&42> <@7>!")]

    bot = await start_bot(fake, build_coach(database), handle=welcome)
    try:
        [shown] = await bot.slash(fake.user("@everyone"), "help", guild=True)
        assert shown.content.startswith("Welcome to the cohort, @everyone")
        channel = ChatRef("discord", str(fake.channel_id), is_group=True)
        await bot.adapter.send(channel, Reply("Leg day, @here!"))
    finally:
        await bot.adapter.stop()
    posted = [
        c.body.get("data", c.body)
        for c in fake.calls
        if c.method == "POST" and isinstance(c.body, dict) and "content" in str(c.body)
    ]
    assert len(posted) == 2
    assert all(p["allowed_mentions"]["parse"] == [] for p in posted)  # shown, never pinged


# -- rendering --------------------------------------------------------------------------------


def test_long_text_is_split_and_media_and_buttons_ride_on_the_last_part() -> None:
    paragraph = "Warm up with light sets before the working set.\n" * 60  # ~2,900 characters
    buttons = rows(*(Button(f"Option {n}", f"p:{n}") for n in range(30)), per_row=2)
    chart = Attachment("soreness.png", PNG_MAGIC)
    messages = render(Reply(paragraph, buttons, image=chart))
    assert [len(m.content) <= 2000 for m in messages] == [True] * len(messages)
    assert "".join(m.content for m in messages[:2]).count("Warm up") == 60
    assert messages[0].attachments == () and messages[0].buttons == ()
    assert messages[1].attachments == (chart,)
    assert [len(r) for r in messages[1].buttons] == [5] * 5  # packed: 25 buttons at most
    assert [len(r) for r in messages[2].buttons] == [5]
    assert messages[2].content == "More choices:"


async def test_a_run_at_debug_never_logs_the_token(fake: FakeDiscord, database: Database) -> None:
    lines: list[str] = []

    class Everything(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(logging.Formatter("%(name)s %(message)s").format(record))

    root, handler = logging.getLogger(), Everything(logging.DEBUG)
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        bot = await start_bot(fake, build_coach(database))
        try:
            await bot.slash(fake.user("Pat"), "help")
            fake.fail_next(r"^/channels/\d+/messages$", 0)
            with pytest.raises(RetryLater):
                await bot.adapter.send(ChatRef("discord", str(fake.channel_id), True), Reply("x"))
        finally:
            await bot.adapter.stop()
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    assert any("IDENTIFY" in line for line in lines)  # it logged the handshake, in detail
    assert not any("test-token" in line for line in lines)
