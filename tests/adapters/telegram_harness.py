"""What the Telegram adapter tests share: the real adapter started against the fake Bot
API (`running`, driven through a `Harness`), a stand-in coach (`Scripted`) and the users
and group they talk as. The fixtures built on them are in `telegram_fixtures`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from adapters.telegram import TelegramAdapter, TelegramConfig
from core.delivery.reachability import chat_unreachable
from core.events import ChatRef, Event, MenuCommand, Reply
from core.storage.db import Database
from tests.fakes.telegram_api import TOKEN, Call, FakeTelegram

ALICE = 4242
BOB = 5151
CAROL = 6363
GROUP = -100777


class Collected(list[Any]):
    """A list that can be waited on: filled by callbacks, read by the test."""

    def __init__(self) -> None:
        super().__init__()
        self.changed = asyncio.Event()

    def append(self, item: Any) -> None:
        super().append(item)
        self.changed.set()

    async def until(self, count: int, within: float = 5.0) -> None:
        async with asyncio.timeout(within):
            while len(self) < count:
                self.changed.clear()
                await self.changed.wait()


@dataclass
class Harness:
    tg: FakeTelegram
    adapter: TelegramAdapter
    unreachable: Collected = field(default_factory=Collected)

    async def say(self, user: int, text: str, *, group: int | None = None, **kw: Any) -> Call:
        """Send a message and wait for the bot's first answer to it."""
        mark = self.tg.mark()
        self.tg.push(self.tg.text(user, text, group=group, **kw))
        [call] = await self.tg.wait_for("sendMessage", since=mark)
        return call

    async def press(self, user: int, call: Call, label: str) -> Call:
        """Press a button on the message `call` produced; wait for the edit or new message."""
        mark = self.tg.mark()
        self.tg.push(self.tg.press(user, call.result, label))
        await self.tg.wait_for("answerCallbackQuery", since=mark)
        [answer] = await self.tg.wait_for(("editMessageText", "sendMessage"), since=mark)
        return answer


@asynccontextmanager
async def running(
    tg: FakeTelegram,
    handle: Callable[[Event], Awaitable[list[Reply]]],
    commands: Iterable[MenuCommand] = (),
    gone: Database | None = None,
    **config: Any,
) -> AsyncIterator[Harness]:
    """Run the adapter; chats it reports gone are collected and, with `gone`, also handed
    to the coach's own handling, as `coach run` does."""
    unreachable = Collected()

    async def on_unreachable(chat: ChatRef) -> None:
        if gone is not None:
            await chat_unreachable(gone, chat)
        unreachable.append(chat)

    settings = TelegramConfig(TOKEN, api_base_url=tg.url, poll_timeout=10, **config)
    adapter = TelegramAdapter(
        settings, handle=handle, commands=commands, on_unreachable=on_unreachable
    )
    await adapter.start()
    try:
        yield Harness(tg, adapter, unreachable)
    finally:
        await adapter.stop()


class Scripted:
    """Answers every event with the replies it is given, and remembers the events."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.events: list[Event] = []

    async def __call__(self, event: Event) -> list[Reply]:
        self.events.append(event)
        return list(self.replies)
