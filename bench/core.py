"""Events through `Coach.handle` on SQLite and PostgreSQL, beside the stack's own floor.

1,000 users, each doing rounds of: a check-in button press from the morning reminder
(stores a row), an FAQ question, and a whole `/ready` check (three or four steps, the
last one stores a row). Users act one event at a time, as people do; several users are
in flight at once (`--sqlite-concurrency`, `--pg-concurrency`; on PostgreSQL the coach
has `--pg-pool` connections, fewer than that, so events share transactions — see
core/storage/group_commit.py). Every event carries a fresh platform update id, as real updates
do, so de-duplication is on the path too.

The floor is the least a durable event needs: one-row inserts, one commit each,
through SQLAlchemy async Core at the same concurrency. On SQLite it is measured twice:
through SQLAlchemy's stock aiosqlite adapter (the stack of the issue's figures, about
1,200 rows/s), and through the coach's own `Database` (one driver-thread call per
statement, `core/storage/sqlite_driver.py`). On PostgreSQL the stack is the same either way.
The coach's rate is printed as a share of each floor.

Besides the wall-clock rate, each line gives the CPU this process spent per event
(all threads), which is steadier than the rate on a shared machine, and the load
average at the start.

The first round warms up (creates the users, builds the FAQ matcher) and is not
counted; afterwards every round is checked (one check-in and one readiness row per user
per round), so a fast but wrong run cannot pass. PostgreSQL runs in a database of its
own, created and dropped here; it is skipped with a note when no server answers on
COACH_BENCH_PG_URL (default: postgresql+asyncpg://postgres@127.0.0.1:5432/test).

The event loop is uvloop, as in `coach run`; `--loop asyncio` measures the standard one.

Run: `python bench/core.py` (about a minute); `--runs 3` prints the median of three.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import itertools
import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import uvloop  # noqa: E402
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine  # noqa: E402

from bot.app import features  # noqa: E402
from bot.metrics import PrometheusMetrics  # noqa: E402
from core.engine.coach import Coach  # noqa: E402
from core.events import ChatRef, Event, Reply, Sender  # noqa: E402
from core.metrics import NO_METRICS, Metrics  # noqa: E402
from core.storage.db import BUSY_TIMEOUT_MS, Database, _tune_sqlite  # noqa: E402
from core.storage.schema import checkins, readiness_checks  # noqa: E402

PG_SERVER = os.environ.get(
    "COACH_BENCH_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
FIRST_DAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
QUESTIONS = (
    "should I still train if my legs are really sore?",
    "how long does soreness last after a workout",
    "does a warm up help when I'm sore",
    "is being sore a sign that the muscle is growing?",
    "what is a deload week",
    "my lower back is always sore after deadlifts, is that normal",
    "why am I not sore anymore after a few weeks",
    "what's the weather like on mars",
)
# How the last session's soreness went: the first two go straight to the working set,
# the last two get warm-up advice and a "sharp pain?" question first.
LAST_ANSWERS = ("never", "healed-early", "on-time", "still-sore")
floor_table = Table(
    "bench_floor",
    MetaData(),
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, nullable=False),
    Column("note", String(64), nullable=False),
)
Transaction = Callable[[], AbstractAsyncContextManager[AsyncConnection]]


@dataclass(slots=True)
class Run:
    """Latencies (ms) of the counted events, the wall time and the CPU they took."""

    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    cpu: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def line(self, label: str) -> str:
        return (
            f"{label}: {len(self.latencies):,} in {self.seconds:4.1f} s = {self.rate:5,.0f}/s, "
            f"p50 {statistics.median(self.latencies):5.2f} ms, p99 {self.pct(0.99):5.2f} ms, "
            f"CPU {self.cpu / len(self.latencies) * 1000:.2f} ms each"
        )


def median_run(runs: list[Run]) -> Run:
    """The run with the median rate: its own latencies, not a mix."""
    return sorted(runs, key=lambda r: r.rate)[len(runs) // 2]


async def lanes(count: int, jobs: list[Callable[[], Awaitable[None]]]) -> float:
    """Run `jobs` on `count` concurrent lanes; returns the wall time."""
    queue = iter(jobs)

    async def lane() -> None:
        for job in queue:
            await job()

    started = time.perf_counter()
    await asyncio.gather(*(lane() for _ in range(count)))
    return time.perf_counter() - started


# --- the coach -----------------------------------------------------------------------------


RUN_NUMBER = itertools.count()


class User:
    """One simulated person: acts on the replies they get, one event at a time."""

    ids = itertools.count(1)

    def __init__(self, coach: Coach, n: int, group: str = "") -> None:
        self.coach = coach
        self.n = n
        self.sender = Sender("bench", f"{group}user{n}", f"User {n}")
        self.chat = ChatRef("bench", f"{group}user{n}")

    async def send(
        self, run: Run | None, when: datetime, text: str | None = None, payload: str | None = None
    ) -> list[Reply]:
        event = Event(self.sender, self.chat, text, payload, when, str(next(User.ids)))
        started = time.perf_counter()
        replies = await self.coach.handle(event)
        if run is not None:
            run.latencies.append((time.perf_counter() - started) * 1000)
        if not replies or "storage is busy" in replies[0].text:
            raise AssertionError(f"unexpected reply: {[r.text[:80] for r in replies]}")
        return replies

    async def round(self, r: int, run: Run | None) -> None:
        when = FIRST_DAY + timedelta(days=r, seconds=self.n)
        saved = await self.send(run, when, payload="checkin:none")
        assert saved[0].text.startswith("Saved today's check-in"), saved[0].text
        await self.send(run, when, QUESTIONS[(self.n + r) % len(QUESTIONS)])
        replies = await self.send(run, when, "/ready")
        last = LAST_ANSWERS[(self.n + r) % len(LAST_ANSWERS)]
        replies = await self.send(run, when, payload=button(replies, last))
        if "any sharp pain" in replies[-1].text:
            replies = await self.send(run, when, payload=button(replies, "no"))
        await self.send(run, when, payload=button(replies, "stronger"))


def button(replies: list[Reply], value: str) -> str:
    """The payload of the button answering `value` in the latest question."""
    for reply in replies:
        for b in reply.flat_buttons:
            if b.payload.endswith(":" + value):
                return b.payload
    raise AssertionError(f"no button for {value!r} in {[r.text[:60] for r in replies]}")


async def stored(db: Database) -> tuple[int, int]:
    """Check-ins and readiness checks in the database."""
    async with db.transaction() as conn:
        found = [
            int(await conn.scalar(select(func.count()).select_from(table)) or 0)
            for table in (checkins, readiness_checks)
        ]
    return found[0], found[1]


async def coach_run(
    db: Database, users: int, rounds: int, concurrency: int, metrics: Metrics = NO_METRICS
) -> Run:
    """`users` new people (named after the metrics setting, so runs on one database do not
    share anyone) for `rounds` counted rounds."""
    coach = Coach(db, metrics=metrics).install(features())
    group = type(metrics).__name__
    stored_before, checks_before = await stored(db)
    people = [User(coach, n, group) for n in range(users)]
    await lanes(concurrency, [functools.partial(p.round, 0, None) for p in people])  # warm-up
    run = Run()
    cpu = time.process_time()
    for r in range(1, rounds + 1):
        run.seconds += await lanes(
            concurrency, [functools.partial(p.round, r, run) for p in people]
        )
    run.cpu = time.process_time() - cpu
    after = await stored(db)
    stored_rows, checks = after[0] - stored_before, after[1] - checks_before
    want = users * (rounds + 1)
    if (stored_rows, checks) != (want, want):
        raise AssertionError(f"stored {stored_rows} check-ins and {checks} checks, expected {want}")
    return run


# --- the floor -----------------------------------------------------------------------------


async def floor_run(transaction: Transaction, rows: int, concurrency: int) -> Run:
    """One-row inserts, one commit each, `concurrency` at a time."""
    async with transaction() as conn:
        await conn.run_sync(floor_table.metadata.create_all)
    run = Run()

    async def one(n: int) -> None:
        started = time.perf_counter()
        async with transaction() as conn:
            await conn.execute(insert(floor_table), {"user_id": n, "note": "a row"})
        run.latencies.append((time.perf_counter() - started) * 1000)

    await lanes(concurrency, [functools.partial(one, n) for n in range(rows // 10)])  # warm-up
    run.latencies.clear()
    cpu = time.process_time()
    run.seconds = await lanes(concurrency, [functools.partial(one, n) for n in range(rows)])
    run.cpu = time.process_time() - cpu
    return run


def stock_sqlite(url: str) -> tuple[AsyncEngine, Transaction]:
    """SQLAlchemy's own aiosqlite adapter with the coach's pragmas and BEGIN IMMEDIATE,
    its transactions queued in-process as the coach's are."""
    engine = create_async_engine(url)
    _tune_sqlite(engine, BUSY_TIMEOUT_MS)
    turn = asyncio.Lock()

    @asynccontextmanager
    async def transaction() -> AsyncIterator[AsyncConnection]:
        async with turn, engine.begin() as conn:
            yield conn

    return engine, transaction


# --- one backend ---------------------------------------------------------------------------


async def measure_once(
    url: str, args: argparse.Namespace, concurrency: int, pool: int
) -> dict[str, Run]:
    runs: dict[str, Run] = {}
    # The floor at its best: a connection for every insert in flight.
    db = Database(url, pool_size=concurrency)
    await db.migrate()
    try:
        if db.is_sqlite:
            engine, stock = stock_sqlite(url)
            runs["floor, stock adapter"] = await floor_run(stock, args.floor_rows, concurrency)
            await engine.dispose()
        runs["floor, coach's Database"] = await floor_run(
            db.transaction, args.floor_rows, concurrency
        )
    finally:
        await db.close()
    db = Database(url, pool_size=pool)
    try:
        # With and without /metrics' counting, the order alternating from run to run so
        # neither always meets a warmer database.
        order = [("coach", NO_METRICS), ("coach, metrics on", PrometheusMetrics())]
        if next(RUN_NUMBER) % 2:
            order.reverse()
        for label, metrics in order:
            runs[label] = await coach_run(db, args.users, args.rounds, concurrency, metrics)
    finally:
        await db.close()
    return runs


async def measure(
    name: str,
    make_url: Callable[[], Awaitable[str]],
    args: argparse.Namespace,
    concurrency: int,
    pool: int,
    drop: Callable[[str], Awaitable[None]],
) -> None:
    results: dict[str, list[Run]] = {}
    for _ in range(args.runs):
        url = await make_url()
        try:
            for label, run in (await measure_once(url, args, concurrency, pool)).items():
                results.setdefault(label, []).append(run)
        finally:
            await drop(url)
    median = {label: median_run(runs) for label, runs in results.items()}
    coach = median.pop("coach")
    counted = median.pop("coach, metrics on")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    runs = f"median of {args.runs} runs" if args.runs > 1 else "one run"
    pooled = "" if name == "sqlite" else f"{pool} pooled connections, "
    print(
        f"core[{name}]: {args.users:,} users, {concurrency} events in flight, {pooled}{runs}, "
        f"{args.loop} loop, load average {load}"
    )
    width = max(len(label) for label in (*median, "coach (check-in, FAQ, /ready)"))
    for label, floor in median.items():
        print("  " + floor.line(label.ljust(width)))
    print("  " + coach.line("coach (check-in, FAQ, /ready)".ljust(width)))
    print("  " + counted.line("  … with Prometheus metrics".ljust(width)))
    for label, floor in median.items():
        print(f"  coach rate / {label}: {coach.rate / floor.rate:.2f}")
    cost = 1 - counted.rate / coach.rate
    cpu = counted.cpu / len(counted.latencies) / (coach.cpu / len(coach.latencies)) - 1
    print(f"  metrics cost: {cost:.1%} of the throughput, {cpu:+.1%} CPU per event (target < 3%)")


# --- databases -----------------------------------------------------------------------------


async def postgres_database() -> str:
    """A fresh database on the server (raises OSError when no server answers)."""
    name = f"coach_bench_{os.getpid()}"
    engine = create_async_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
            await conn.exec_driver_sql(f"CREATE DATABASE {name}")
    finally:
        await engine.dispose()
    return str(make_url(PG_SERVER).set(database=name))


async def drop_postgres(url: str) -> None:
    engine = create_async_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {make_url(url).database} WITH (FORCE)")
    await engine.dispose()


async def postgres_answers() -> bool:
    url = make_url(PG_SERVER)
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(url.host or "127.0.0.1", url.port or 5432), timeout=1
        )
    except (OSError, TimeoutError):
        return False
    writer.close()
    return True


async def main(args: argparse.Namespace) -> None:
    if args.backend in ("both", "sqlite"):
        with tempfile.TemporaryDirectory() as folder:
            files = (f"sqlite+aiosqlite:///{folder}/bench{n}.db" for n in itertools.count())

            async def sqlite_url() -> str:
                return next(files)

            async def keep(url: str) -> None:
                return None

            concurrency = args.sqlite_concurrency
            await measure("sqlite", sqlite_url, args, concurrency, concurrency, keep)
    if args.backend in ("both", "postgresql"):
        if not await postgres_answers():
            print(f"core[postgresql]: skipped, no server answers at {make_url(PG_SERVER).host}")
            return
        await measure(
            "postgresql", postgres_database, args, args.pg_concurrency, args.pg_pool, drop_postgres
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=1, help="counted rounds after the warm-up")
    parser.add_argument("--runs", type=int, default=1, help="repeat and print the median run")
    parser.add_argument("--floor-rows", type=int, default=3000)
    parser.add_argument("--sqlite-concurrency", type=int, default=4)
    parser.add_argument("--pg-concurrency", type=int, default=32)
    parser.add_argument(
        "--pg-pool",
        type=int,
        default=8,
        help="the coach's DATABASE_POOL_SIZE: with fewer connections than events in flight, "
        "events share transactions (core/storage/group_commit.py)",
    )
    parser.add_argument("--backend", choices=("both", "sqlite", "postgresql"), default="both")
    parser.add_argument(
        "--loop",
        choices=("uvloop", "asyncio"),
        default="uvloop",
        help="event loop (default: uvloop, as `coach run` uses)",
    )
    options = parser.parse_args()
    factory = uvloop.new_event_loop if options.loop == "uvloop" else None
    with asyncio.Runner(loop_factory=factory) as runner:
        runner.run(main(options))
