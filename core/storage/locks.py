"""Process-wide exclusive locks: "only one process at a time does this, on this database".

Used for what must not run twice: the scheduler on SQLite (whose claims have no row
locks to skip), and each platform's outbox sender (the platforms' rate limits are per
bot, and a sender keeps them in its own memory).

The lock dies with its holder, so a crashed process never blocks its successor:
- SQLite: an OS file lock (`flock`) on a file beside the database, holding the
  holder's process id for the message a second process prints.
- PostgreSQL: a session advisory lock on a connection of its own (autocommit, so it
  never sits idle in a transaction); the server drops it when that connection ends.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import zlib
from pathlib import Path
from typing import IO, Protocol

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from core.storage.db import Database


class ExclusiveLock(Protocol):
    name: str
    # Who holds it, when `acquire` failed and that is known (e.g. "process 4242").
    holder: str | None

    async def acquire(self) -> bool:
        """Take the lock if it is free; never waits."""
        ...

    async def held(self) -> bool:
        """Still ours? (A PostgreSQL connection can drop, and its lock with it.)"""
        ...

    async def release(self) -> None: ...


def exclusive_lock(db: Database, name: str) -> ExclusiveLock:
    if not db.is_sqlite:
        return _AdvisoryLock(db, name)
    path = db.lock_file(name)
    return _Unshared(name) if path is None else _FileLock(name, path)


class _Unshared:
    holder: str | None = None

    def __init__(self, name: str) -> None:
        self.name = name

    async def acquire(self) -> bool:
        return True

    async def held(self) -> bool:
        return True

    async def release(self) -> None:
        return None


class _FileLock:
    def __init__(self, name: str, path: Path) -> None:
        self.name = name
        self.path = path
        self.holder: str | None = None
        self._file: IO[str] | None = None

    async def acquire(self) -> bool:
        if self._file is not None:
            return True
        file = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.seek(0)
            pid = file.read().strip()
            self.holder = f"process {pid}" if pid.isdigit() else None
            file.close()
            return False
        file.seek(0)
        file.truncate()
        file.write(str(os.getpid()))
        file.flush()
        self._file = file
        return True

    async def held(self) -> bool:
        return self._file is not None

    async def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class _AdvisoryLock:
    def __init__(self, db: Database, name: str) -> None:
        self.name = name
        self.db = db
        self.holder: str | None = None
        # Advisory locks are keyed by a number; a stable one per name.
        self.key = zlib.crc32(f"doms-coach:{name}".encode())
        self._conn: AsyncConnection | None = None

    async def acquire(self) -> bool:
        if self._conn is not None:
            return True
        conn = await self.db.engine.connect()
        try:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            query = text("SELECT pg_try_advisory_lock(:key)")
            got = bool(await conn.scalar(query, {"key": self.key}))
        except BaseException:
            await conn.close()
            raise
        if not got:
            await conn.close()
            return False
        self._conn = conn
        return True

    async def held(self) -> bool:
        if self._conn is None:
            return False
        try:
            await self._conn.execute(text("SELECT 1"))
        except DBAPIError:
            await self._drop()
            return False
        return True

    async def release(self) -> None:
        if self._conn is None:
            return
        with contextlib.suppress(DBAPIError):
            await self._conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
        await self._drop()

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(DBAPIError, OSError):
                await conn.close()
