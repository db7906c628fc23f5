"""The numbers an operator looks at: how many people use the coach, how many check in,
whether reminders go out on time, how big the cohorts are. Aggregates only — nothing
here reads what anyone wrote or how sore anyone is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Subquery, func, select, union
from sqlalchemy.ext.asyncio import AsyncConnection

from core.storage.schema import (
    as_utc,
    checkins,
    cohort_members,
    cohorts,
    outbox,
    pain_reports,
    readiness_checks,
    reminders,
    users,
)

ACTIVE_WINDOWS = (1, 7, 30)  # days
CHECKIN_DAYS = 7


@dataclass(frozen=True, slots=True)
class CohortSize:
    id: int
    platform: str
    start: date
    members: int


@dataclass(frozen=True, slots=True)
class Stats:
    users: int
    active: dict[int, int]  # window in days → users who did something in it
    checkins_per_day: list[tuple[date, int]]  # oldest first
    overdue_reminders: int  # due longer ago than the grace and not yet claimed
    late_messages: int  # queued longer ago than the grace and not yet sent
    cohorts: list[CohortSize]


def _active_since(since: datetime) -> Subquery:
    """Users who did something recorded since `since`: checked in, ran /ready, described
    a pain, answered a question, or first wrote to the coach."""
    return union(
        select(checkins.c.user_id).where(checkins.c.updated_at >= since),
        select(readiness_checks.c.user_id).where(readiness_checks.c.at >= since),
        select(pain_reports.c.user_id).where(pain_reports.c.at >= since),
        select(users.c.id).where(users.c.convo_updated_at >= since),
        select(users.c.id).where(users.c.created_at >= since),
    ).subquery()


async def gather_stats(conn: AsyncConnection, now: datetime, grace: timedelta) -> Stats:
    total = int(await conn.scalar(select(func.count()).select_from(users)) or 0)
    active: dict[int, int] = {}
    for days in ACTIVE_WINDOWS:
        who = _active_since(now - timedelta(days=days))
        active[days] = int(await conn.scalar(select(func.count()).select_from(who)) or 0)
    first = now.date() - timedelta(days=CHECKIN_DAYS - 1)
    counted = await conn.execute(
        select(checkins.c.day, func.count().label("n"))
        .where(checkins.c.day >= first)
        .group_by(checkins.c.day)
    )
    per_day: dict[date, int] = {row.day: int(row.n) for row in counted}
    week = [first + timedelta(days=n) for n in range(CHECKIN_DAYS)]
    overdue = await conn.scalar(select(func.count()).where(reminders.c.next_due_at < now - grace))
    late = await conn.scalar(
        select(func.count()).where(
            outbox.c.sent_at.is_(None),
            outbox.c.failed.is_(None),
            outbox.c.not_before < now - grace,
        )
    )
    sizes = (
        select(
            cohorts.c.id, cohorts.c.platform, cohorts.c.start, func.count(cohort_members.c.user_id)
        )
        .select_from(cohorts.outerjoin(cohort_members, cohort_members.c.cohort_id == cohorts.c.id))
        .where(cohorts.c.active.is_(True))
        .group_by(cohorts.c.id, cohorts.c.platform, cohorts.c.start)
        .order_by(cohorts.c.id)
    )
    groups = [CohortSize(r[0], r[1], r[2], int(r[3])) for r in await conn.execute(sizes)]
    return Stats(
        users=total,
        active=active,
        checkins_per_day=[(d, per_day.get(d, 0)) for d in week],
        overdue_reminders=int(overdue or 0),
        late_messages=int(late or 0),
        cohorts=groups,
    )


async def outbox_backlog(conn: AsyncConnection, now: datetime) -> tuple[int, float]:
    """Messages waiting to go out, and how long the oldest has been due (seconds, 0 when
    none): what a stuck sender or a rate limit looks like from outside."""
    row = (
        await conn.execute(
            select(func.count(), func.min(outbox.c.not_before)).where(
                outbox.c.sent_at.is_(None), outbox.c.failed.is_(None)
            )
        )
    ).one()
    oldest = as_utc(row[1]) if row[1] is not None else None
    waited = max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
    return int(row[0] or 0), waited
