"""The `cohorts` and `cohort_members` tables: a group's program, and who is in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.rules.program import program_for
from core.rules.timezones import zone_or_utc
from core.storage.schema import cohort_members, cohorts, outbox


@dataclass(frozen=True, slots=True)
class Cohort:
    id: int
    platform: str
    chat_id: str
    start: date
    days: tuple[int, ...]
    at: str
    timezone: str

    def today(self, now: datetime) -> date:
        return now.astimezone(zone_or_utc(self.timezone)).date()

    def week(self, now: datetime) -> int:
        return program_for(self.start, self.today(now), self.days).week


async def cohort_in_chat(conn: AsyncConnection, platform: str, chat_id: str) -> Cohort | None:
    return await _active_cohort(conn, cohorts.c.platform == platform, cohorts.c.chat_id == chat_id)


async def cohort_by_id(conn: AsyncConnection, cohort_id: int) -> Cohort | None:
    return await _active_cohort(conn, cohorts.c.id == cohort_id)


async def _active_cohort(conn: AsyncConnection, *where: ColumnElement[bool]) -> Cohort | None:
    row = (await conn.execute(select(cohorts).where(*where, cohorts.c.active.is_(True)))).first()
    return None if row is None else _cohort(row)


def _cohort(row: Any) -> Cohort:
    return Cohort(
        row.id, row.platform, row.chat_id, row.start, tuple(row.days), row.at, row.timezone
    )


async def active_cohorts(conn: AsyncConnection) -> list[Cohort]:
    result = await conn.execute(select(cohorts).where(cohorts.c.active.is_(True)))
    return [_cohort(row) for row in result]


async def remove_cohort_for_chat(conn: AsyncConnection, platform: str, chat_id: str) -> bool:
    """The chat removed the bot (or an admin stopped the cohort): delete the cohort and its
    member list. Members' own records stay theirs. True when there was one."""
    ids = list(
        (
            await conn.execute(
                select(cohorts.c.id).where(
                    cohorts.c.platform == platform, cohorts.c.chat_id == chat_id
                )
            )
        ).scalars()
    )
    if not ids:
        return False
    await conn.execute(delete(cohort_members).where(cohort_members.c.cohort_id.in_(ids)))
    await conn.execute(
        delete(outbox).where(
            outbox.c.platform == platform,
            outbox.c.chat_id == chat_id,
            outbox.c.user_id.is_(None),
            outbox.c.sent_at.is_(None),
        )
    )
    await conn.execute(delete(cohorts).where(cohorts.c.id.in_(ids)))
    return True


async def member_count(conn: AsyncConnection, cohort_id: int) -> int:
    query = select(func.count()).where(cohort_members.c.cohort_id == cohort_id)
    return int(await conn.scalar(query) or 0)
