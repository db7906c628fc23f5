"""Reminder fan-out: 600 users due at once, through the real Telegram adapter.

The real path end to end: 600 users with a due workout reminder in a fresh SQLite file,
one `tick` queues their outbox rows, and the core Outbox sends them through the real
TelegramAdapter (python-telegram-bot's Application) to the loopback fake Bot API, which
enforces Telegram's global flood limit (at most 30 messages in any rolling second,
beyond it 429 with `retry_after`). Each user has a private chat of their own, so the
per-chat limit never binds and 600 / 30 = 20 s is the floor.

Prints the wall time against that floor (target: within 10 %), the 429s the fake
answered, messages lost (queued, never received) and sent twice (target: 0 and 0), and
the send rate the fake saw. Run: `python bench/fanout.py --users 600 --limit 30`.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import logging
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from adapters.telegram import TelegramAdapter, TelegramConfig  # noqa: E402
from bench.support.measure import CountingHandler  # noqa: E402
from bot.app import features  # noqa: E402
from core.delivery.outbox import Outbox  # noqa: E402
from core.engine.coach import Coach  # noqa: E402
from core.events import Event, Reply  # noqa: E402
from core.storage.db import Database  # noqa: E402
from core.storage.schema import outbox, reminders, users  # noqa: E402
from tests.fakes.telegram_api import TOKEN, FakeTelegram  # noqa: E402

FIRST_CHAT = 700_000_000  # private chat ids are the users' ids: positive
TIMEOUT = 120.0
IDLE = 0.05


async def nobody(_event: Event) -> list[Reply]:
    return []


async def queue_reminders(db: Database, count: int, now: datetime) -> int:
    """`count` users with a workout reminder due a minute ago, then one real tick."""
    async with db.transaction() as conn:
        await conn.execute(
            insert(users),
            [
                {
                    "id": i + 1,
                    "platform": "telegram",
                    "platform_user_id": str(FIRST_CHAT + i),
                    "display_name": "",
                    "timezone": "UTC",
                    "created_at": now - timedelta(days=30),
                }
                for i in range(count)
            ],
        )
        await conn.execute(
            insert(reminders),
            [
                {
                    "user_id": i + 1,
                    "kind": "workout",
                    "platform": "telegram",
                    "chat_id": str(FIRST_CHAT + i),
                    "at": now.strftime("%H:%M"),
                    "days": list(range(7)),
                    "next_due_at": now - timedelta(minutes=1),
                }
                for i in range(count)
            ],
        )
    return (await Coach(db).install(features()).tick(now)).queued


async def unsent(db: Database) -> int:
    async with db.transaction() as conn:
        count = await conn.scalar(
            select(func.count()).where(outbox.c.sent_at.is_(None), outbox.c.failed.is_(None))
        )
    return int(count or 0)


async def main(count: int, limit: int) -> None:
    counting = CountingHandler()
    logging.getLogger().addHandler(counting)
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite+aiosqlite:///{folder}/fanout.db")
        await db.migrate()
        queued = await queue_reminders(db, count, datetime.now(UTC))
        async with FakeTelegram(sends_per_second=limit) as tg:
            adapter = TelegramAdapter(
                TelegramConfig(TOKEN, api_base_url=tg.url, poll_timeout=10), handle=nobody
            )
            await adapter.start()
            sender = Outbox(db, {adapter.name: adapter})
            mark = tg.mark()
            started = time.perf_counter()
            try:
                async with asyncio.timeout(TIMEOUT):
                    # Outbox.run's loop, ending when nothing is left to send.
                    while (worked := await sender.deliver_once()) or await unsent(db):
                        if not worked:
                            await asyncio.sleep(IDLE)
            except TimeoutError:
                print(f"fanout: gave up after {TIMEOUT:.0f} s")
            wall = time.perf_counter() - started
            again = await sender.deliver_once()  # nothing may be up for sending twice
            await adapter.stop()
            sends = [c for c in tg.calls[mark:] if c.method == "sendMessage"]
        failed, chats = await _outcome(db)
        await db.close()

    received = collections.Counter(c.chat_id for c in sends if c.ok)
    lost = len(chats - set(received))
    twice = sum(n - 1 for n in received.values() if n > 1)
    floor = count / limit
    accepted = sorted(c.at for c in sends if c.ok) or [0.0]
    per_second = collections.Counter(int(at - accepted[0]) for at in accepted)
    full = [per_second[s] for s in range(1, int(accepted[-1] - accepted[0]))] or [0]
    print(f"fanout: {count} reminders queued by one tick ({queued} outbox rows)")
    print(
        f"fanout: all delivered in {wall:.2f} s vs a floor of {floor:.1f} s "
        f"({count} / {limit} per s): ratio {wall / floor:.3f} (target <= 1.10)"
    )
    print(
        f"fanout: 429s answered by the fake: {tg.throttled}; "
        f"lost: {lost}; sent twice: {twice}; outbox rows failed: {failed}, "
        f"leased again after the end: {again} (targets 0, 0)"
    )
    print(
        f"fanout: sends accepted per whole second: median {statistics.median(full):.0f}, "
        f"min {min(full)}, max {max(full)} (limit {limit}); outbox retries {sender.stats.retried}"
    )
    for line, n in counting.counts.most_common(5):
        print(f"fanout: logged {n}x {line}")


async def _outcome(db: Database) -> tuple[int, set[int]]:
    """Outbox rows given up on, and every chat a row was queued for."""
    async with db.transaction() as conn:
        failed = await conn.scalar(select(func.count()).where(outbox.c.failed.is_not(None)))
        chats = {int(c) for c in await conn.scalars(select(outbox.c.chat_id))}
    return int(failed or 0), chats


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=600)
    parser.add_argument("--limit", type=int, default=30, help="the fake's sends per second")
    args = parser.parse_args()
    asyncio.run(main(args.users, args.limit))
