"""Periodic clean-up the scheduler runs."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, update

from core.storage.conversations import NO_QUESTION
from core.storage.db import Database
from core.storage.schema import (
    checkins,
    outbox,
    pain_reports,
    processed_updates,
    readiness_checks,
    users,
    utcnow,
)

# Platforms redeliver an update within minutes (Telegram gives up after about a day),
# so a week of remembered update ids is ample for de-duplication.
KEEP_UPDATE_IDS = timedelta(days=7)


async def prune_processed_updates(db: Database) -> int:
    async with db.transaction() as conn:
        result = await conn.execute(
            delete(processed_updates).where(
                processed_updates.c.handled_at < utcnow() - KEEP_UPDATE_IDS
            )
        )
    return int(result.rowcount or 0)


async def prune_old_records(
    db: Database, keep: timedelta, now: datetime | None = None
) -> dict[str, int]:
    """Data retention: delete what is older than `keep` — check-ins (by their day),
    readiness checks and pain reports (by when they were made), questions left unanswered,
    and messages that went out or failed. A message still waiting to go out is kept, as is
    each user's profile and settings (removed by /forget). Returns rows deleted per table
    ("conversations": questions cleared, as they are kept in the user's row)."""
    cutoff = (now or utcnow()) - keep
    statements = {
        checkins.name: delete(checkins).where(checkins.c.day < cutoff.date()),
        readiness_checks.name: delete(readiness_checks).where(readiness_checks.c.at < cutoff),
        pain_reports.name: delete(pain_reports).where(pain_reports.c.at < cutoff),
        # The question a user is on is kept in their row: left unanswered, it is cleared.
        "conversations": update(users).where(users.c.convo_updated_at < cutoff).values(NO_QUESTION),
        outbox.name: delete(outbox).where(
            and_(
                outbox.c.created_at < cutoff,
                or_(outbox.c.sent_at.is_not(None), outbox.c.failed.is_not(None)),
            )
        ),
    }
    deleted: dict[str, int] = {}
    async with db.transaction() as conn:
        for name, statement in statements.items():
            deleted[name] = int((await conn.execute(statement)).rowcount or 0)
    return deleted
