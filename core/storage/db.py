"""The database handle: one engine, SQLite tuned for several writers, migrations on start.

SQLite: WAL so readers never block the writer, a busy timeout so short waits don't
fail, and `BEGIN IMMEDIATE` for every transaction — a read-then-write transaction
started with a plain BEGIN fails with "database is locked" when another writer
committed in between, and busy_timeout does not help there. SQLite has one writer at
a time anyway, so transactions of this process queue on an asyncio lock instead of
on the file lock: SQLite's busy handler sleeps in growing steps (up to 100 ms), which
made a busy moment cost concurrent users hundreds of milliseconds each.

PostgreSQL: a pool of `pool_size` connections (plus as many again in bursts), without
a ping on every checkout — with asyncpg that ping is three round trips per event. A
connection that died meanwhile fails its first statement instead, the transaction
is rolled back whole, and callers that can (`Coach.handle`) run it again
(`is_transient`).
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import IO, Any

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from core.storage import sqlite_driver
from core.storage.schema import SCHEMA_HEAD

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
MIGRATIONS = Path(__file__).with_name("migrations")
DEFAULT_POOL_SIZE = 10
# PostgreSQL errors after which the whole transaction can simply run again:
# serialization failure and deadlock victim.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})


def is_transient(exc: DBAPIError) -> bool:
    """A failure that says nothing about the work itself — the pooled connection had
    died, or PostgreSQL picked this transaction as a deadlock victim — so running the
    same transaction again is safe and likely to succeed."""
    sqlstate = getattr(exc.orig, "sqlstate", None)
    return bool(exc.connection_invalidated) or sqlstate in RETRYABLE_SQLSTATES


class Database:
    def __init__(
        self,
        url: str,
        *,
        pool_size: int = DEFAULT_POOL_SIZE,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    ) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        # How many transactions can usefully run at once: SQLite has one writer.
        self.parallel = 1 if self.is_sqlite else pool_size
        kwargs: dict[str, Any] = {}
        self._writer: asyncio.Lock | None = None
        if self.is_sqlite:
            _ensure_parent_dir(url)
            self._writer = asyncio.Lock()
            if self.url.get_driver_name() == "aiosqlite":
                kwargs = {"module": sqlite_driver.dbapi()}
        else:
            kwargs = {"pool_size": pool_size, "max_overflow": pool_size}
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        if self.is_sqlite:
            _tune_sqlite(self.engine, busy_timeout_ms)
        self._migrate_lock = self.lock_file("migrate")

    @asynccontextmanager
    async def transaction(self, *, short: bool = False) -> AsyncIterator[AsyncConnection]:
        """One unit of work: committed on success, rolled back on any error. Never
        nest them: on SQLite the inner one would wait for the outer one forever.

        `short`: every statement is a small indexed one (an event's), so on SQLite they
        may run on the loop's thread once the write lock is held (`sqlite_driver`)."""
        if self._writer is None:
            async with self.engine.begin() as conn:
                yield conn
            return
        async with self._writer, self.engine.begin() as conn:
            if short:
                raw = await conn.get_raw_connection()
                driver = raw.dbapi_connection
                if isinstance(driver, sqlite_driver.OneHopConnection):
                    driver.short_statements = True
            yield conn

    async def migrate(self) -> None:
        """Bring the schema to head; cheap when it already is (no Alembic import).
        Processes starting together take turns (see `_migration_turn`)."""
        async with self._migration_turn(), self.engine.begin() as conn:
            if not self.is_sqlite:
                await conn.execute(text("SELECT pg_advisory_xact_lock(720301)"))
            if await conn.run_sync(_current_revision) == SCHEMA_HEAD:
                return
            await conn.run_sync(_upgrade)
            log.info("database migrated to %s", SCHEMA_HEAD)

    @asynccontextmanager
    async def _migration_turn(self) -> AsyncIterator[None]:
        """One process at a time migrates. PostgreSQL: the advisory lock `migrate` takes.
        SQLite: a file lock beside the database, taken before the first connection —
        two processes opening a new file at once otherwise race to switch it to WAL and
        to migrate it, and one fails with "database is locked"."""
        if self._migrate_lock is None:
            yield
            return
        lock = await asyncio.to_thread(_wait_for_lock, self._migrate_lock)
        try:
            yield
        finally:
            lock.close()  # closing the file releases the lock

    def lock_file(self, name: str) -> Path | None:
        """`<file>.<name>.lock` beside a SQLite database, for a lock between processes;
        None on PostgreSQL, or for an in-memory database (it lives in this process)."""
        database = self.url.database or ""
        if not self.is_sqlite or database in ("", ":memory:") or database.startswith("file:"):
            return None
        path = Path(database).expanduser()
        return path.with_name(f"{path.name}.{name}.lock")

    async def close(self) -> None:
        await self.engine.dispose()


def _ensure_parent_dir(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _wait_for_lock(path: Path) -> IO[str]:
    file = path.open("a", encoding="utf-8")
    fcntl.flock(file.fileno(), fcntl.LOCK_EX)
    return file


def _tune_sqlite(engine: AsyncEngine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so `begin` below decides how to BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # NORMAL in WAL mode: a commit survives a crash of the process (SIGKILL);
        # only a power cut can lose the last transactions.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        driver = conn.connection.dbapi_connection
        if isinstance(driver, sqlite_driver.OneHopConnection):
            driver.begin_pending = True  # sent with the first statement, in its hop
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def _current_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    return None if row is None else str(row[0])


def _upgrade(conn: Connection) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")
