"""Platform-neutral messages in and out of the coach.

Adapters translate their platform's updates into `Event` and render `Reply`;
nothing here knows about Telegram or Discord, so a flow written once behaves the
same everywhere (and in the console).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

# Telegram caps callback data at 64 bytes; Discord custom_id at 100 characters.
MAX_PAYLOAD_BYTES = 64

# The platform's id of the event being handled (a Telegram update_id, a Discord
# interaction id), so that every log line written while handling it names it: one
# person's problem is then one search in the log, however many modules logged it.
# Set by `handling`; read by the log formatter (`bot.logs`). Here because adapters and
# the core both set it and both may import this module.
EVENT_ID: ContextVar[str] = ContextVar("event_id", default="")


@contextmanager
def handling(event_id: str | None) -> Iterator[None]:
    """Tie what is logged inside the block to `event_id` (nothing changes for None or
    ""): the current task's context only, and tasks it starts, so events handled side
    by side never borrow each other's id."""
    if not event_id:
        yield
        return
    token = EVENT_ID.set(event_id)
    try:
        yield
    finally:
        EVENT_ID.reset(token)


@dataclass(frozen=True, slots=True)
class Sender:
    platform: str
    user_id: str
    display_name: str = ""


@dataclass(frozen=True, slots=True)
class ChatRef:
    platform: str
    chat_id: str
    is_group: bool = False
    user_is_admin: bool = False


@dataclass(frozen=True, slots=True)
class Event:
    """One thing a user did: typed text, or pressed a button carrying `payload`."""

    sender: Sender
    chat: ChatRef
    text: str | None = None
    payload: str | None = None
    when: datetime = field(default_factory=lambda: datetime.now(UTC))
    update_id: str | None = None

    @property
    def is_button(self) -> bool:
        return self.payload is not None


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    payload: str

    def __post_init__(self) -> None:
        if len(self.payload.encode()) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"button payload over {MAX_PAYLOAD_BYTES} bytes: {self.payload!r}")


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Reply:
    """A message to send. `chat` is set for proactive messages (reminders, summaries);
    a reply to an event goes to the event's chat. `private` asks the adapter to keep
    it out of a group's sight (ephemeral on Discord). `link` is the `/start` argument
    that redoes a private reply in the private chat, for platforms where a bot cannot
    write first to someone who never opened that chat (Telegram deep links). `notice`
    is a few words about the press itself, shown where the button was pressed (Telegram
    answers the press with it; Discord shows this reply only to the presser), so a
    press that did nothing never looks as if it was ignored."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    image: Attachment | None = None
    file: Attachment | None = None
    chat: ChatRef | None = None
    private: bool = False
    link: str = ""
    notice: str = ""

    @property
    def flat_buttons(self) -> list[Button]:
        return [b for row in self.buttons for b in row]


def rows(*buttons: Button, per_row: int = 2) -> tuple[tuple[Button, ...], ...]:
    """Lay buttons out in rows that fit a phone screen."""
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))


class MenuCommand(Protocol):
    """What a platform's command menu needs of a command (`core.engine.coach.Command`
    fits): adapters register the coach's commands with the platform from this."""

    @property
    def name(self) -> str: ...

    @property
    def summary(self) -> str: ...

    @property
    def in_groups(self) -> bool: ...

    @property
    def in_private(self) -> bool: ...
