"""The `reminders` table: each user's reminders (a wall-clock time, weekdays and the next
UTC instant it is due), read and changed by `/remind`, `/program`, `/timezone`, cohorts
and the tick."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.rules.schedule import next_due
from core.rules.timezones import zone_or_utc
from core.storage.schema import reminders
from core.storage.sql import insert_ignoring_duplicates
from core.storage.users import UserRecord

# The kinds of reminder, as stored: the morning check-in, the workout day, and the optional
# follow-up nudge when no check-in came.
CHECKIN, WORKOUT, NUDGE = "checkin", "workout", "nudge"
KINDS = (CHECKIN, WORKOUT, NUDGE)


@dataclass(frozen=True, slots=True)
class Setting:
    kind: str
    at: time
    days: frozenset[int]


async def user_reminders(conn: AsyncConnection, user_id: int) -> dict[str, Setting]:
    result = await conn.execute(select(reminders).where(reminders.c.user_id == user_id))
    return {r.kind: Setting(r.kind, time.fromisoformat(r.at), frozenset(r.days)) for r in result}


async def save_reminder(
    conn: AsyncConnection,
    *,
    user_id: int,
    platform: str,
    chat_id: str,
    setting: Setting,
    timezone: str,
    active: bool,
    now: datetime,
) -> datetime | None:
    """Create or change one reminder; returns when it is next due (None if inactive)."""
    due = next_due(now, setting.at, zone_or_utc(timezone), setting.days) if active else None
    values = {
        "user_id": user_id,
        "kind": setting.kind,
        "platform": platform,
        "chat_id": chat_id,
        "at": setting.at.strftime("%H:%M"),
        "days": sorted(setting.days),
        "next_due_at": due,
    }
    existing = await conn.scalar(
        select(reminders.c.id).where(
            reminders.c.user_id == user_id, reminders.c.kind == setting.kind
        )
    )
    if existing is None:
        await conn.execute(insert_ignoring_duplicates(conn, reminders).values(**values))
    else:
        await conn.execute(update(reminders).where(reminders.c.id == existing).values(**values))
    return due


async def delete_reminder(conn: AsyncConnection, user_id: int, kind: str) -> None:
    await conn.execute(
        delete(reminders).where(reminders.c.user_id == user_id, reminders.c.kind == kind)
    )


async def reschedule(
    conn: AsyncConnection, user_id: int, timezone: str, *, active: bool, now: datetime
) -> None:
    """Recompute every reminder of a user: after a zone change, a pause or a resume."""
    tz = zone_or_utc(timezone)
    for setting in (await user_reminders(conn, user_id)).values():
        due = next_due(now, setting.at, tz, setting.days) if active else None
        await conn.execute(
            update(reminders)
            .where(reminders.c.user_id == user_id, reminders.c.kind == setting.kind)
            .values(next_due_at=due)
        )


async def follow_training_days(
    conn: AsyncConnection, user: UserRecord, days: Sequence[int], *, timezone: str, now: datetime
) -> bool:
    """New training days: the workout reminder, if the user has one, moves with them (to
    their private chat). True when there was one to move."""
    workout = (await user_reminders(conn, user.id)).get(WORKOUT)
    if workout is None:
        return False
    await save_reminder(
        conn,
        user_id=user.id,
        platform=user.platform,
        chat_id=user.platform_user_id,
        setting=Setting(WORKOUT, workout.at, frozenset(days)),
        timezone=timezone,
        active=not (user.paused or user.unreachable),
        now=now,
    )
    return True
