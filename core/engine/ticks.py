"""The scheduler's tick: the work each feature queues when it is due, in one transaction.

Features register a `DueWork` on the coach (`Coach.due_work`): personal reminders claim
their due rows, cohorts queue their group posts. One tick runs every registered piece in
one transaction, so what a tick claims, reschedules and queues is stored together or not
at all. Each queued message is an outbox row with a unique key naming what it is for and
when it was due, so a second scheduler ticking at the same moment, or a tick run again
after a crash, queues nothing twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from core.storage.db import Database
from core.storage.schema import utcnow

# How late a due message may still go out (after downtime); later ones are skipped.
DEFAULT_GRACE = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class TickResult:
    """Rows claimed, messages queued, and due rows skipped as past the grace period."""

    claimed: int
    queued: int
    skipped_late: int

    def __add__(self, other: TickResult) -> TickResult:
        return TickResult(
            self.claimed + other.claimed,
            self.queued + other.queued,
            self.skipped_late + other.skipped_late,
        )


# `(conn, now, grace) -> TickResult`: queue what is due at `now` through `conn`.
DueWork = Callable[[AsyncConnection, datetime, timedelta], Awaitable[TickResult]]


async def run_tick(
    db: Database,
    work: Sequence[DueWork],
    now: datetime | None = None,
    *,
    grace: timedelta = DEFAULT_GRACE,
) -> TickResult:
    now = now or utcnow()
    total = TickResult(0, 0, 0)
    async with db.transaction() as conn:
        for queue in work:
            total += await queue(conn, now, grace)
    return total
