"""How the Discord adapter answers an interaction, driven through the real discord.py
client against the fake Discord on 127.0.0.1 (tests/fakes/discord_api.py): in time
(directly, or deferred and followed up within Discord's 3 s), by direct message once
the interaction has expired, and visible to the right people — the channel sees
group-level replies only, and nobody is ever pinged.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from core.engine.coach import Command
from core.engine.turn import Turn
from core.events import ChatRef, Event, Reply
from core.storage.db import Database
from tests.adapters.discord_helpers import Bot, delayed, running_bot, text

# The fixtures `bot`, `database` and `fake`: pytest finds them among this module's names.
from tests.adapters.discord_helpers import bot_fixture as bot_fixture
from tests.adapters.discord_helpers import database_fixture as database_fixture
from tests.adapters.discord_helpers import fake_fixture as fake_fixture
from tests.conftest import build_coach
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_payloads import EPHEMERAL

# What an older version of the bot left on a message: a button of a feature this version
# does not have, and a select menu (this version draws buttons only).
LEGACY_COMPONENTS: list[dict[str, Any]] = [
    {
        "type": 1,
        "components": [{"type": 2, "style": 2, "label": "My streak", "custom_id": "streak:show"}],
    },
    {
        "type": 1,
        "components": [
            {
                "type": 3,
                "custom_id": "pick-group",
                "options": [{"label": "Quads", "value": "quads"}],
                "min_values": 1,
                "max_values": 1,
            }
        ],
    },
]
MAIN_ACTIONS = ["Check in", "Am I ready?", "Describe a pain", "Ask a question"]


async def test_a_slow_answer_is_deferred_in_time_then_followed_up(
    fake: FakeDiscord, database: Database
) -> None:
    coach = build_coach(database)
    async with running_bot(fake, coach, delayed(coach, 0.6), defer_after=0.1) as bot:
        hank = fake.user("Hank")
        interaction = await fake.slash(hank, "help", guild=True)
        record = await fake.wait_acked(interaction)
        assert record.callbacks == [5]  # "thinking…", well inside Discord's 3 s
        assert record.acked_at is not None and record.acked_at - record.sent_at < 0.5
        [shown] = await bot.answers(interaction)
        assert "What I can do" in shown.content  # the follow-up filled the deferred message
        assert shown.ephemeral and not shown.loading
        assert shown.id == record.original_id


async def test_an_interaction_that_expired_is_answered_by_direct_message(
    fake: FakeDiscord, database: Database
) -> None:
    coach = build_coach(database)
    # Stuck past Discord's window, e.g. the process was paused.
    async with running_bot(fake, coach, delayed(coach, 0.4), defer_after=5.0) as bot:
        fake.ack_window = 0.2
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
    async with running_bot(fake, coach) as bot:
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


async def test_a_deferred_public_answer_never_shows_a_private_part_to_the_channel(
    fake: FakeDiscord, database: Database
) -> None:
    coach = build_coach(database)

    async def standing(turn: Turn, args: str) -> list[Reply]:
        return [Reply("Your streak: 4 days", private=True), Reply("Cohort: 3 of 4 trained")]

    coach.command(
        Command("standing", "Cohort standings", standing, in_groups=True, in_private=False)
    )
    async with running_bot(fake, coach, delayed(coach, 0.3), defer_after=0.05) as bot:
        interaction = await fake.slash(fake.user("Pat"), "standing", guild=True)
        shown = await bot.answers(interaction)
        assert fake.interactions[interaction].callbacks == [5]
        assert [(m.content, m.ephemeral) for m in shown] == [
            ("Your streak: 4 days", True),
            ("Cohort: 3 of 4 trained", False),
        ]
        visible = [m for m in fake.channel(fake.channel_id) if not m.ephemeral]
        assert [m.content for m in visible] == ["Cohort: 3 of 4 trained"]  # no "thinking…" left


async def test_names_and_quoted_text_never_ping_anyone(
    fake: FakeDiscord, database: Database
) -> None:
    async def welcome(event: Event) -> list[Reply]:
        return [Reply(f"Welcome to the cohort, {event.sender.display_name} <@&42> <@7>!")]

    async with running_bot(fake, build_coach(database), handle=welcome) as bot:
        [shown] = await bot.slash(fake.user("@everyone"), "help", guild=True)
        assert shown.content.startswith("Welcome to the cohort, @everyone")
        channel = ChatRef("discord", str(fake.channel_id), is_group=True)
        await bot.adapter.send(channel, Reply("Leg day, @here!"))
    posted = [
        c.body.get("data", c.body)
        for c in fake.calls
        if c.method == "POST" and isinstance(c.body, dict) and "content" in str(c.body)
    ]
    assert len(posted) == 2
    assert all(p["allowed_mentions"]["parse"] == [] for p in posted)  # shown, never pinged


async def test_a_press_nothing_handles_is_answered_privately_and_never_fails(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    """An older version's button, a custom_id no message carries, an old select menu:
    each is answered at once — "expired", and what to do now — for the presser's eyes
    only, instead of Discord's "This interaction failed"."""
    fake = bot.fake
    kim = fake.user("Kim")
    old = fake.post(fake.dm_channel(kim), "Your streak: 4 days", LEGACY_COMPONENTS)
    presses = [
        await fake.press(kim, old, "My streak"),
        await fake.use(kim, old, "forged:" + "x" * 60),
        await fake.use(kim, old, "pick-group", component_type=3, values=["quads"]),
    ]
    for interaction in presses:
        [expired] = await bot.answers(interaction)
        [callback] = fake.calls_to("POST", rf"/interactions/{interaction}/.+/callback")
        assert callback.body["type"] == 4  # answered directly, with a message
        assert callback.body["data"]["flags"] & EPHEMERAL and expired.ephemeral
        assert expired.content.startswith("This button has expired")
        assert [label for label, _ in expired.buttons] == MAIN_ACTIONS
    started = await bot.press(kim, expired, "Check in")  # and what it offers works
    assert "Start check-in" in [label for m in started for label, _ in m.buttons]

    public = fake.post(fake.channel_id, "Cohort week 1", LEGACY_COMPONENTS)
    [shown] = await bot.press(fake.user("Lou"), public, "My streak")
    assert "This button has expired" in text([shown]) and shown.ephemeral
    assert [label for label, _ in shown.buttons] == ["What I can do"]  # works in a channel
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
