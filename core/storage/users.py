"""Users and chats: created on first contact by platform identity; export and forget."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.events import ChatRef, Sender
from core.rules.text import clean_name
from core.storage.schema import USER_TABLES, chats, users, utcnow
from core.storage.sql import insert_ignoring_duplicates


@dataclass(slots=True)
class UserRecord:
    id: int
    platform: str
    platform_user_id: str
    display_name: str
    timezone: str | None
    trained_groups: list[str] | None
    program_start: date | None = None
    training_days: list[int] | None = None
    paused: bool = False
    away_until: date | None = None
    unreachable: bool = False
    nudge: bool = False


def user_record(row: Any) -> UserRecord:
    """A `users` row (or a row holding all of its columns) as a UserRecord."""
    return UserRecord(
        id=row.id,
        platform=row.platform,
        platform_user_id=row.platform_user_id,
        display_name=row.display_name,
        timezone=row.timezone,
        trained_groups=row.trained_groups,
        program_start=row.program_start,
        training_days=row.training_days,
        paused=row.paused,
        away_until=row.away_until,
        unreachable=row.unreachable,
        nudge=row.nudge,
    )


async def create_user(conn: AsyncConnection, sender: Sender) -> None:
    """First contact. Two workers may see someone's first two messages at once: the
    second insert waits for the first and then does nothing."""
    await conn.execute(
        insert_ignoring_duplicates(conn, users),
        {
            "platform": sender.platform,
            "platform_user_id": sender.user_id,
            "display_name": clean_name(sender.display_name),
            "created_at": utcnow(),
        },
    )


async def ensure_chat(conn: AsyncConnection, chat: ChatRef) -> None:
    await conn.execute(
        insert_ignoring_duplicates(conn, chats),
        {
            "platform": chat.platform,
            "chat_id": chat.chat_id,
            "is_group": chat.is_group,
            "created_at": utcnow(),
        },
    )


async def set_user_fields(conn: AsyncConnection, user: UserRecord, **fields: Any) -> None:
    await conn.execute(update(users).where(users.c.id == user.id).values(**fields))
    for name, value in fields.items():
        setattr(user, name, value)


async def forget_user(conn: AsyncConnection, user_id: int) -> None:
    """Delete every row about the user. Child tables first, so it also holds where
    foreign keys are not enforced."""
    for table in USER_TABLES:
        await conn.execute(delete(table).where(table.c.user_id == user_id))
    await conn.execute(delete(users).where(users.c.id == user_id))
