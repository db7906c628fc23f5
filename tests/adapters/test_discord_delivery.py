"""Proactive messages through the Discord adapter (the outbox's `send`), driven through
the real discord.py client against the fake Discord on 127.0.0.1
(tests/fakes/discord_api.py): reminders reach DMs and their buttons work; closed DMs,
rate limits, server and network faults end in what the outbox expects; long replies are
cut to Discord's limits; and the token never reaches the logs.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from adapters.discord_adapter import render
from core.delivery.outbox import Outbox
from core.delivery.platform import RetryLater
from core.events import Attachment, Button, ChatRef, Reply, rows
from core.storage.db import Database
from core.storage.schema import as_utc, outbox, reminders, users
from tests.adapters.discord_helpers import PNG_MAGIC, Bot, running_bot, text

# The fixtures `bot`, `database` and `fake`: pytest finds them among this module's names.
from tests.adapters.discord_helpers import bot_fixture as bot_fixture
from tests.adapters.discord_helpers import database_fixture as database_fixture
from tests.adapters.discord_helpers import fake_fixture as fake_fixture
from tests.conftest import build_coach
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_payloads import User


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
        async with running_bot(fake, build_coach(database)) as bot:
            await bot.slash(fake.user("Pat"), "help")
            fake.fail_next(r"^/channels/\d+/messages$", 0)
            with pytest.raises(RetryLater):
                await bot.adapter.send(ChatRef("discord", str(fake.channel_id), True), Reply("x"))
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    assert any("IDENTIFY" in line for line in lines)  # it logged the handshake, in detail
    assert not any("test-token" in line for line in lines)
