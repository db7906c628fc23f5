"""Platform-neutral messages in and out of the coach.

Adapters translate their platform's updates into `Event` and render `Reply`;
nothing here knows about Telegram or Discord, so a flow written once behaves the
same everywhere (and in the console).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

# Telegram caps callback data at 64 bytes; Discord custom_id at 100 characters.
MAX_PAYLOAD_BYTES = 64


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
    write first to someone who never opened that chat (Telegram deep links)."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    image: Attachment | None = None
    file: Attachment | None = None
    chat: ChatRef | None = None
    private: bool = False
    link: str = ""

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
