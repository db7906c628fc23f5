"""The reminder tick at scale: 100,000 users, 1,000 of them due.

Prints the time to create the reminders, the median and p95 duration of a tick that
claims 1,000 due rows among 100,000 (writing their outbox rows and next due times),
and the peak RSS of the process. Run: `python bench/scheduler.py --users 100000`.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, insert, update  # noqa: E402

from bot.app import features  # noqa: E402
from core.engine.coach import Coach  # noqa: E402
from core.storage.db import Database  # noqa: E402
from core.storage.schema import outbox, reminders, users  # noqa: E402

ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC", "Australia/Sydney")
DUE_PER_TICK = 1000
# Enough ticks for a p95 that is not just the second-slowest; one warm-up tick first (a
# process ticks for days: its first tick's one-off costs are not the tick's cost).
TICKS = 40


async def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite+aiosqlite:///{folder}/bench.db")
        await db.migrate()
        now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
        far = now + timedelta(days=1)
        started = time.perf_counter()
        async with db.transaction() as conn:
            for first in range(0, count, 10_000):
                ids = range(first, min(first + 10_000, count))
                await conn.execute(
                    insert(users),
                    [
                        {
                            "id": i + 1,
                            "platform": "telegram",
                            "platform_user_id": str(i),
                            "display_name": "",
                            "timezone": ZONES[i % len(ZONES)],
                            "created_at": now,
                        }
                        for i in ids
                    ],
                )
                await conn.execute(
                    insert(reminders),
                    [
                        {
                            "user_id": i + 1,
                            "kind": "workout",
                            "platform": "telegram",
                            "chat_id": str(i),
                            "at": "18:00",
                            "days": [0, 2, 4],
                            "next_due_at": far + timedelta(seconds=i),
                        }
                        for i in ids
                    ],
                )
        created = time.perf_counter() - started

        coach = Coach(db).install(features())
        durations: list[float] = []
        for n in range(TICKS + 1):
            # Make the next 1,000 reminders due, as the clock would.
            block = range(n * DUE_PER_TICK + 1, (n + 1) * DUE_PER_TICK + 1)
            async with db.transaction() as conn:
                await conn.execute(
                    update(reminders)
                    .where(reminders.c.user_id.in_(block))
                    .values(next_due_at=now - timedelta(seconds=30))
                )
            began = time.perf_counter()
            result = await coach.tick(now)
            if n:
                durations.append((time.perf_counter() - began) * 1000)
            assert result.claimed == DUE_PER_TICK, result
            async with db.transaction() as conn:
                await conn.execute(delete(outbox))
        await db.close()
    durations.sort()
    p95 = durations[int(0.95 * (len(durations) - 1))]
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"scheduler: {count:,} users; creating their reminders took {created:.2f} s")
    print(
        f"scheduler: tick claiming {DUE_PER_TICK:,} due among {count:,} (SQLite): "
        f"median {statistics.median(durations):.1f} ms, p95 {p95:.1f} ms over {TICKS} ticks "
        "(target p95 < 50 ms)"
    )
    print(f"scheduler: slowest ticks: {', '.join(f'{d:.0f}' for d in durations[-3:])} ms")
    print(f"scheduler: peak RSS {rss_mb:.0f} MB (target < 300 MB)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100_000)
    asyncio.run(main(parser.parse_args().users))
