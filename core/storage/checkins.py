"""The `checkins` table: one row per user per local day, the levels as JSON."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.rules.trends import CheckinDay
from core.storage.schema import checkins, utcnow
from core.storage.sql import upsert


def stored_levels(raw: Any) -> dict[str, int]:
    """Stored JSON back to levels; anything malformed is dropped rather than breaking a reply."""
    if not isinstance(raw, dict):
        return {}
    out: dict[str, int] = {}
    for area, value in raw.items():
        try:
            out[str(area)] = int(value)
        except (TypeError, ValueError):
            continue
    return out


async def load_checkin(conn: AsyncConnection, user_id: int, day: date) -> dict[str, int] | None:
    query = select(checkins.c.levels).where(checkins.c.user_id == user_id, checkins.c.day == day)
    row = (await conn.execute(query)).first()
    return None if row is None else stored_levels(row.levels)


async def save_checkin(
    conn: AsyncConnection, user_id: int, day: date, levels: Mapping[str, int]
) -> None:
    """Insert or replace the user's check-in for `day` (one per user per local day)."""
    now = utcnow()
    values = {
        "user_id": user_id,
        "day": day,
        "levels": dict(levels),
        "created_at": now,
        "updated_at": now,
    }
    stmt = upsert(conn, checkins, ["user_id", "day"], ["levels", "updated_at"])
    await conn.execute(stmt, values)


_CHECKIN_DAYS = (
    select(checkins.c.day, checkins.c.levels)
    .where(
        checkins.c.user_id == bindparam("uid"),
        checkins.c.day >= bindparam("first"),
        checkins.c.day <= bindparam("last"),
    )
    .order_by(checkins.c.day)
)


async def load_checkin_days(
    conn: AsyncConnection, user_id: int, first: date, last: date
) -> list[CheckinDay]:
    """The user's check-ins from `first` to `last` inclusive, oldest first."""
    result = await conn.execute(_CHECKIN_DAYS, {"uid": user_id, "first": first, "last": last})
    return [CheckinDay(row.day, stored_levels(row.levels)) for row in result]
