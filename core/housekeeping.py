"""Periodic clean-up the scheduler runs."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from core.db import Database
from core.schema import processed_updates, utcnow

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
