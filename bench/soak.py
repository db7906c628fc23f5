"""Soak test: 200 simulated users chat with the coach for 10 minutes of mixed traffic while
the database and the platform fail now and then; reminders fire and go out through the
outbox the whole time.

Drives the console core (`Coach.handle` with console events, exactly what `coach chat`
sends) with the real features, the real reminder tick (every second) and the real outbox,
on a SQLite file. Injected faults:

- database: every minute a fault window — another connection holds the write lock longer
  than the busy timeout, then random statements fail ("disk I/O error");
- platform: 429s (RetryLater), network errors, slow sends and sends that arrive but are
  never acknowledged (Unconfirmed);
- one user floods the coach at 300 messages a minute the whole time.

Users behave like people: they read the answer, think, press a button or type; told the
database is busy, they wait and send the same thing again.

Prints: events handled, errors surfaced to users, events lost (must be 0), duplicates
sent (must be 0), reminders queued and delivered, flood control, peak RSS and whether RSS
grew after the first minute (and whether it was still climbing in the second half, as a
leak would, or had levelled off). Exits 1 when something was lost or sent twice.

Run: `python bench/soak.py --minutes 10` (default: $SOAK_MINUTES, else 10).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import contextvars
import logging
import os
import random
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event as sa_event  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402

from bench.support.measure import (  # noqa: E402
    CountingHandler,
    object_counts,
    peak_rss_mb,
    rss_mb,
    top_growth,
)
from bot.app import features  # noqa: E402
from core.delivery.outbox import Outbox  # noqa: E402
from core.delivery.platform import RetryLater, Unconfirmed  # noqa: E402
from core.engine.coach import DB_BUSY, INTERNAL, Coach  # noqa: E402
from core.engine.flood import GROUP_NOTICE, SENDER_NOTICE, FloodControl  # noqa: E402
from core.events import ChatRef, Event, Reply, Sender  # noqa: E402
from core.storage.db import BUSY_TIMEOUT_MS, Database  # noqa: E402
from core.storage.schema import checkins, outbox, users  # noqa: E402

ZONE = ZoneInfo("Europe/Berlin")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
QUESTIONS = (
    "can I lift while I'm still sore?",
    "how do I warm up when sore?",
    "is soreness a sign of growth?",
    "why is my lower back always sore?",
    "should I deload?",
    "what is the repeated bout effect?",
    "does cardio kill gains?",
    "how often should I train legs?",
    "what's the best pizza topping?",
)
PAINS = (
    "dull ache in my quads two days after squats",
    "sharp pain in my shoulder during bench press",
    "my elbow hurts every time I curl",
    "lower back is stiff in the morning",
    "burning in my biceps during the set",
    "it hurts somewhere",
)
ODD = ("\u202eevil", "💪🔥", "'; DROP TABLE users; --", "<b>hi</b>", "x" * 5000, "\x00\x1b[2J")
FLOOD_PER_SECOND = 5.0
FORGED = ("q:abcdef:3:yes", "cmd:nope", "tz:Mars", "x")
Message = Callable[[random.Random], dict[str, str]]


def typed(text: str) -> Message:
    return lambda _rng: {"text": text}


# What a user does when not pressing a button: (roll below, kind, what they send), tried in
# order with one roll of the dice (presses take the rolls below 0.35 when there are buttons).
ACTIONS: tuple[tuple[float, str, Message], ...] = (
    (0.45, "/checkin", typed("/checkin")),
    (
        0.50,
        "/checkin shorthand",
        lambda rng: {"text": f"/checkin legs {rng.randint(0, 4)} chest {rng.randint(0, 4)}"},
    ),
    (0.57, "/ready", typed("/ready")),
    (0.64, "/pain", lambda rng: {"text": f"/pain {rng.choice(PAINS)}"}),
    (0.80, "question", lambda rng: {"text": rng.choice(QUESTIONS)}),
    (0.84, "/history", typed("/history")),
    (0.87, "/program", typed("/program")),
    (0.89, "odd text", lambda rng: {"text": rng.choice(ODD)}),
    (0.91, "forged button", lambda rng: {"payload": rng.choice(FORGED)}),
    (0.93, "/faq", typed("/faq")),
    (0.945, "/export", typed("/export")),
    (0.95, "/chart", typed("/chart")),
    (0.951, "/forget", typed("/forget")),
    (1.0, "/help", typed("/help")),
)


@dataclass
class Stats:
    events: int = 0
    replies: int = 0
    busy: int = 0
    internal: int = 0
    unanswered: int = 0
    retries: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    acknowledged: set[tuple[str, date]] = field(default_factory=set)
    flood_sent: int = 0
    flood_answered: int = 0
    flood_notices: int = 0


class Faults:
    """Injected database faults: a statement fails at random inside a fault window."""

    def __init__(self, rate: float, rng: random.Random) -> None:
        self.rate = rate
        self.rng = rng
        self.active = False
        self.injected = 0

    def install(self, db: Database) -> None:
        @sa_event.listens_for(db.engine.sync_engine, "before_cursor_execute")
        def _maybe_fail(*_: Any) -> None:
            if self.active and self.rng.random() < self.rate:
                self.injected += 1
                raise OperationalError("soak", {}, sqlite3.OperationalError("disk I/O error"))


def hold_write_lock(path: Path, seconds: float) -> None:
    """Another process holding the database's write lock past the busy timeout."""
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        conn.execute("BEGIN EXCLUSIVE")
        time.sleep(seconds)
        conn.execute("ROLLBACK")
    finally:
        conn.close()


# Which outbox row is being sent: set by TracingOutbox, read by the platform, so a
# duplicate is the same row arriving twice (not two rows that happen to say the same).
SENDING_ROW: contextvars.ContextVar[str] = contextvars.ContextVar("sending_row")


class TracingOutbox(Outbox):
    async def _send(self, row: Any, last_start: float) -> None:
        SENDING_ROW.set(row.dedupe_key)  # each row is sent in a task of its own
        await super()._send(row, last_start)


class FlakyPlatform:
    """The console platform as the outbox sees it, with platform faults injected. Records
    which outbox rows arrived and how often."""

    name = "console"

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.delivered: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()

    async def send(self, chat: ChatRef, reply: Reply) -> None:
        roll = self.rng.random()
        if roll < 0.05:
            self.faults["429"] += 1
            raise RetryLater(self.rng.uniform(0.05, 0.5), "soak: 429")
        if roll < 0.07:
            self.faults["network"] += 1
            raise ConnectionResetError("soak: connection reset")
        if roll < 0.08:
            self.faults["slow"] += 1
            await asyncio.sleep(2.0)
        self.delivered[SENDING_ROW.get()] += 1
        if roll > 0.995:
            self.faults["unconfirmed"] += 1
            raise Unconfirmed("soak: arrived, but no answer")


class User:
    def __init__(self, coach: Coach, name: str, stats: Stats, rng: random.Random) -> None:
        self.coach = coach
        self.sender = Sender("console", name, name.title())
        self.chat = ChatRef("console", name)
        self.stats = stats
        self.rng = rng
        self.last: list[Reply] = []

    async def send(self, *, text: str | None = None, payload: str | None = None) -> None:
        """One message, sent again after a pause while the database is busy."""
        while True:
            now = datetime.now(UTC)
            event = Event(self.sender, self.chat, text=text, payload=payload, when=now)
            self.stats.events += 1
            replies = await self.coach.handle(event)
            self.stats.replies += len(replies)
            texts = [r.text for r in replies]
            if INTERNAL in texts:
                self.stats.internal += 1
            if DB_BUSY not in texts:
                break
            self.stats.busy += 1
            self.stats.retries += 1
            await asyncio.sleep(self.rng.uniform(1.0, 3.0))
        if not replies:
            self.stats.unanswered += 1
            return
        if any(t.startswith("Saved today's check-in") for t in texts):
            self.stats.acknowledged.add((self.sender.user_id, now.astimezone(ZONE).date()))
        if any(t.startswith("Done — everything I stored about you is deleted") for t in texts):
            self.stats.acknowledged = {
                a for a in self.stats.acknowledged if a[0] != self.sender.user_id
            }
        if any(r.buttons for r in replies):
            self.last = replies

    async def setup(self, minutes: float) -> None:
        """Berlin time, a check-in reminder and a workout reminder due during the soak."""
        await self.send(text="/timezone Europe/Berlin")
        local = datetime.now(ZONE)

        def during_the_soak() -> str:
            later = local + timedelta(minutes=self.rng.uniform(1, max(1.5, minutes - 0.5)))
            return later.strftime("%H:%M")

        soon, later = during_the_soak(), during_the_soak()
        await self.send(text=f"/remind checkin {soon}")
        await self.send(text=f"/remind workout {DAYS[local.weekday()]} {later}")

    async def act(self) -> None:
        roll = self.rng.random()
        buttons = [b for r in self.last for b in r.flat_buttons]
        if roll < 0.35 and buttons:
            self.stats.kinds["press"] += 1
            await self.send(payload=self.rng.choice(buttons).payload)
            return
        kind, message = next((k, m) for upto, k, m in ACTIONS if roll < upto)
        self.stats.kinds[kind] += 1
        await self.send(**message(self.rng))
        if kind == "/forget":
            await self.send(text="yes")
            await self.setup(1.0)

    async def live(self, until: float, think: float) -> None:
        while time.monotonic() < until:
            await asyncio.sleep(self.rng.expovariate(1.0 / think))
            await self.act()


async def flooder(coach: Coach, stats: Stats, until: float) -> None:
    sender = Sender("console", "flooder", "Flood")
    chat = ChatRef("console", "flooder")
    while time.monotonic() < until:
        await asyncio.sleep(1.0 / FLOOD_PER_SECOND)
        replies = await coach.handle(Event(sender, chat, text="/help"))
        stats.flood_sent += 1
        if any(r.text in (SENDER_NOTICE, GROUP_NOTICE) for r in replies):
            stats.flood_notices += 1
        elif replies:
            stats.flood_answered += 1


async def ticker(coach: Coach, stop: asyncio.Event, failed: Counter[str]) -> None:
    """The scheduler's job, as APScheduler runs it: a failed tick is logged and the next
    one comes anyway."""
    while not stop.is_set():
        try:
            await coach.tick()
        except Exception:
            failed["tick"] += 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)


async def sampler(samples: list[tuple[float, float]], start: float, stop: asyncio.Event) -> None:
    while not stop.is_set():
        samples.append((time.monotonic() - start, rss_mb()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 5.0)


async def fault_windows(
    path: Path, faults: Faults, until: float, log: list[str], start: float
) -> None:
    """Every minute from 0:30: the write lock held past the busy timeout, then random
    statement failures for 10 seconds."""
    await asyncio.sleep(30)
    while time.monotonic() < until - 20:
        hold = BUSY_TIMEOUT_MS / 1000 + 2
        log.append(f"{time.monotonic() - start:5.0f}s write lock held {hold:.0f} s")
        await asyncio.to_thread(hold_write_lock, path, hold)
        log.append(f"{time.monotonic() - start:5.0f}s statements fail at random for 10 s")
        faults.active = True
        await asyncio.sleep(10)
        faults.active = False
        await asyncio.sleep(max(0.0, 60 - hold - 10))


async def missing_checkins(db: Database, acknowledged: set[tuple[str, date]]) -> int:
    async with db.transaction() as conn:
        stored = {
            (row.platform_user_id, row.day)
            for row in await conn.execute(
                select(users.c.platform_user_id, checkins.c.day).join(
                    checkins, checkins.c.user_id == users.c.id
                )
            )
        }
    return len(acknowledged - stored)


async def outbox_state(db: Database) -> tuple[Counter[str], set[str]]:
    """Rows by state, and the rows that went (or may have gone) out."""
    states: Counter[str] = Counter()
    out: set[str] = set()
    async with db.transaction() as conn:
        for row in await conn.execute(select(outbox)):
            state = "sent" if row.sent_at is not None else (row.failed or "pending")
            states[state] += 1
            if state in ("sent", "unconfirmed", "sending"):
                out.add(row.dedupe_key)
    return states, out


async def soak(minutes: float, count: int, think: float, seed: int, url: str | None) -> int:
    logged = CountingHandler()
    logging.basicConfig(level=logging.WARNING, handlers=[logged], force=True)
    folder = tempfile.TemporaryDirectory()
    path = Path(folder.name) / "soak.db"
    db = Database(url or f"sqlite+aiosqlite:///{path}")
    await db.migrate()
    faults = Faults(rate=0.05, rng=random.Random(seed + 1))
    faults.install(db)
    coach = Coach(db, default_tz="Europe/Berlin", flood=FloodControl()).install(features())
    platform = FlakyPlatform(random.Random(seed + 2))
    sender = TracingOutbox(db, {"console": platform})
    stats = Stats()
    fault_log: list[str] = []
    samples: list[tuple[float, float]] = []
    stop = asyncio.Event()
    failed_ticks: Counter[str] = Counter()

    people = [
        User(coach, f"user{n:03d}", stats, random.Random(seed + 10 + n)) for n in range(count)
    ]
    start = time.monotonic()
    until = start + minutes * 60
    background = [
        asyncio.create_task(ticker(coach, stop, failed_ticks)),
        asyncio.create_task(sender.run(stop, idle=0.2)),
        asyncio.create_task(sampler(samples, start, stop)),
    ]
    await asyncio.gather(*(p.setup(minutes) for p in people))
    objects_start: Counter[str] = Counter()

    async def after_first_minute() -> None:
        await asyncio.sleep(max(0.0, start + 60 - time.monotonic()))
        objects_start.update(object_counts())

    work = [asyncio.create_task(p.live(until, think)) for p in people]
    work.append(asyncio.create_task(flooder(coach, stats, until)))
    work.append(asyncio.create_task(after_first_minute()))
    if url is None:
        work.append(asyncio.create_task(fault_windows(path, faults, until, fault_log, start)))
    await asyncio.gather(*work)
    elapsed = time.monotonic() - start

    # Let the outbox finish what is due (backoffs run up to half a minute).
    drain_until = time.monotonic() + 90
    while time.monotonic() < drain_until:
        states, _ = await outbox_state(db)
        if not states["pending"]:
            break
        await asyncio.sleep(1)
    stop.set()
    await asyncio.gather(*background)
    samples.append((time.monotonic() - start, rss_mb()))

    states, out = await outbox_state(db)
    duplicates = sum(n - 1 for n in platform.delivered.values() if n > 1)
    lost_checkins = await missing_checkins(db, stats.acknowledged)
    never_arrived = sum(1 for key in out if key not in platform.delivered)
    lost_reminders = states["gave up after errors"] + states["pending"] + never_arrived
    lost = stats.unanswered + lost_checkins + lost_reminders
    await db.close()
    folder.cleanup()

    objects_end = object_counts()
    first_minute = [mb for t, mb in samples if t <= 60] or [samples[0][1]]
    after = [mb for t, mb in samples if t > 60] or [first_minute[-1]]
    base, end, top = first_minute[-1], after[-1], max(mb for _, mb in samples)
    growth = end - base
    # Still growing at the end, or settled? Compare the second half's start and end: a leak
    # keeps climbing, caches and the allocator's high-water mark level off.
    half = elapsed / 2
    second_half = [mb for t, mb in samples if t >= half] or [end]
    late_growth = second_half[-1] - second_half[0]
    grew = growth > max(20.0, 0.1 * base)
    climbing = late_growth > max(10.0, 0.05 * base)

    print(f"soak: {count} users + 1 flooder, {elapsed / 60:.1f} min, seed {seed}")
    print(f"events handled:            {stats.events:,} ({stats.events / elapsed:.0f}/s)")
    print(f"  mix: {', '.join(f'{k} {n}' for k, n in stats.kinds.most_common())}")
    print(
        f"errors surfaced to users:  {stats.busy + stats.internal:,} "
        f"(storage busy, try again: {stats.busy}; internal errors: {stats.internal}); "
        f"all {stats.retries} retried by the user and answered"
    )
    print(
        f"  database faults: {len(fault_log) // 2} windows, {faults.injected} statements "
        f"failed, {failed_ticks['tick']} reminder ticks failed (the next one carried on)"
    )
    for line in fault_log:
        print(f"    {line}")
    print(
        f"events lost:               {lost} (unanswered {stats.unanswered}, acknowledged "
        f"check-ins missing {lost_checkins} of {len(stats.acknowledged)}, reminders given up, "
        f"stuck or marked sent but never arrived {lost_reminders})"
    )
    print(
        f"duplicates sent:           {duplicates} (outbox rows delivered more than once, of "
        f"{len(platform.delivered)} delivered)"
    )
    print("logged:")
    for line, n in logged.counts.most_common(8):
        print(f"  {n:5} × {line}")
    print(
        f"reminders: {sum(states.values())} queued — "
        + ", ".join(f"{k} {n}" for k, n in sorted(states.items()))
        + f"; platform faults: {dict(platform.faults)}; outbox retried {sender.stats.retried}"
    )
    print(
        f"flood control: flooder sent {stats.flood_sent}, answered {stats.flood_answered}, "
        f"notices {stats.flood_notices}, skipped "
        f"{stats.flood_sent - stats.flood_answered - stats.flood_notices}"
    )
    by_minute: dict[int, float] = {}
    for t, mb in samples:
        by_minute.setdefault(int(t // 60), mb)
    print("RSS by minute (MB): " + " ".join(f"{m}:{mb:.0f}" for m, mb in sorted(by_minute.items())))
    print(f"  objects grown since the first minute: {top_growth(objects_start, objects_end)}")
    print(
        f"peak RSS: {max(top, peak_rss_mb()):.0f} MB; after the first minute "
        f"{base:.0f} MB → end {end:.0f} MB: "
        + (f"grew by {growth:.0f} MB" if grew else f"no growth ({growth:+.0f} MB)")
        + f"; second half {second_half[0]:.0f} → {second_half[-1]:.0f} MB: "
        + ("STILL CLIMBING" if climbing else "level")
    )
    return 1 if lost or duplicates or stats.internal else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--minutes", type=float, default=float(os.environ.get("SOAK_MINUTES", "10"))
    )
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--think", type=float, default=3.0, help="mean seconds between messages")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", default=None, help="database URL (default: a temporary SQLite)")
    args = parser.parse_args()
    return asyncio.run(soak(args.minutes, args.users, args.think, args.seed, args.db))


if __name__ == "__main__":
    sys.exit(main())
