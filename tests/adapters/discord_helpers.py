"""What the Discord adapter's tests share: a running adapter with its coach and the fake
Discord it talks to, the fixtures that start them, and ways to read what users saw.

A test file takes the fixtures `fake`, `database` and `bot` by importing all three
(`from … import fake_fixture as fake_fixture`, the alias marking a name kept on purpose):
pytest finds fixtures only in conftest files and in the test module itself. Their
functions are named apart from the fixtures so that a test's `fake` argument does not
shadow the import.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from adapters.discord_adapter import DiscordAdapter, DiscordConfig
from core.delivery.reachability import chat_unreachable
from core.engine.coach import Coach
from core.events import ChatRef, Event, Reply
from core.storage.db import Database
from tests.conftest import build_coach
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_payloads import Message, User

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

Handler = Callable[[Event], Awaitable[list[Reply]]]


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


def delayed(coach: Coach, seconds: float) -> Handler:
    """The coach's handler, answering only after `seconds`: a slow coach, as far as
    Discord's 3 s window is concerned."""

    async def handle(event: Event) -> list[Reply]:
        await asyncio.sleep(seconds)
        return await coach.handle(event)

    return handle


async def start_bot(
    fake: FakeDiscord,
    coach: Coach,
    handle: Handler | None = None,
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


@asynccontextmanager
async def running_bot(
    fake: FakeDiscord,
    coach: Coach,
    handle: Handler | None = None,
    **config: Any,
) -> AsyncIterator[Bot]:
    """`start_bot`, stopped again however the block ends."""
    bot = await start_bot(fake, coach, handle, **config)
    try:
        yield bot
    finally:
        await bot.adapter.stop()


@pytest.fixture(name="fake")
async def fake_fixture() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.close()


@pytest.fixture(name="database")
async def database_fixture(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/c.db")
    await db.migrate()
    yield db
    await db.close()


@pytest.fixture(name="bot")
async def bot_fixture(fake: FakeDiscord, database: Database) -> AsyncIterator[Bot]:
    async with running_bot(fake, build_coach(database)) as running:
        yield running
