"""Stopping `coach run` while a scheduled job is inside a database transaction: the job
finishes and commits, and nothing is left behind to keep the process from exiting."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import func, insert, select

from bot.app import JobRuns
from core.storage.db import Database
from core.storage.schema import processed_updates


async def test_shutdown_waits_for_a_job_in_the_middle_of_a_transaction(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    await db.migrate()
    inside = asyncio.Event()

    async def job() -> None:
        async with db.transaction() as conn:
            inside.set()
            await asyncio.sleep(0.3)  # SIGTERM arrives now
            await conn.execute(
                insert(processed_updates).values(
                    platform="test", update_id="1", handled_at=datetime.now(UTC)
                )
            )

    runs = JobRuns()
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(runs.shielded(job), next_run_time=datetime.now(UTC))
    threads = threading.active_count()
    scheduler.start()
    await inside.wait()
    scheduler.shutdown(wait=False)  # APScheduler cancels the running job here…
    await runs.wait(within=5)  # …but the run itself goes on to its commit
    async with db.transaction() as conn:
        assert await conn.scalar(select(func.count()).select_from(processed_updates)) == 1
    await db.close()
    await asyncio.sleep(0.1)
    assert threading.active_count() <= threads  # no database thread left to block exit
    assert runs.running == set()
