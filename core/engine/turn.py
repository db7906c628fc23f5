"""One event being handled: who, their conversation state, and how to ask the next question
(its buttons carry question payloads, `core.engine.payloads`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from core.engine.payloads import owner_tag, question_payload
from core.events import Button, Event, Reply, rows
from core.rules.timezones import zone_or_utc
from core.storage.conversations import Conversation
from core.storage.users import UserRecord


@dataclass(slots=True)
class Turn:
    """What a handler sees of one event, and the conversation state it leaves behind."""

    event: Event
    conn: AsyncConnection
    user: UserRecord
    convo: Conversation | None
    default_tz: str
    _last_seq: int = 0
    changed: bool = field(default=False)
    forgotten: bool = field(default=False)

    def __post_init__(self) -> None:
        self._last_seq = self.convo.seq if self.convo else 0

    @property
    def tz(self) -> ZoneInfo:
        return zone_or_utc(self.user.timezone or self.default_tz)

    @property
    def now(self) -> datetime:
        return self.event.when

    @property
    def today(self) -> date:
        return self.event.when.astimezone(self.tz).date()

    @property
    def owner(self) -> str:
        return owner_tag(self.user.platform, self.user.platform_user_id)

    def ask(
        self,
        flow: str,
        step: str,
        text: str,
        options: Sequence[tuple[str, str]] = (),
        *,
        data: dict[str, Any] | None = None,
        per_row: int = 2,
    ) -> Reply:
        """Move the user to `flow`/`step` and return the question with its buttons."""
        self._last_seq += 1
        kept = data if data is not None else (self.convo.data if self.convo else {})
        self.convo = Conversation(flow, step, dict(kept), self._last_seq)
        self.changed = True
        buttons = [
            Button(label, question_payload(self.owner, self._last_seq, value))
            for label, value in options
        ]
        return Reply(text, rows(*buttons, per_row=per_row))

    def finish(self) -> None:
        if self.convo is not None:
            self.convo = None
            self.changed = True


Replies = list[Reply]
CommandHandler = Callable[[Turn, str], Awaitable[Replies]]


class Flow(Protocol):
    """A guided conversation. Each method returns the replies, or None when the input
    does not fit the current step (the coach then explains and asks again)."""

    name: str

    async def on_text(self, turn: Turn, text: str) -> Replies | None: ...

    async def on_choice(self, turn: Turn, value: str) -> Replies | None: ...

    async def resume(self, turn: Turn) -> Replies: ...
