"""SQLite through aiosqlite with one thread hop per statement.

aiosqlite runs each call on its connection's thread, and SQLAlchemy's adapter makes
four such calls per statement: create the cursor, execute, fetch the rows, close the
cursor. Each hop is a thread wake-up and a GIL hand-over, and together they were most
of the time of a whole coach event (about 200 µs of CPU per statement, against 30 µs
for the same query in a single aiosqlite call). This adapter does the four steps in
one call on the driver's thread, and folds the transaction's `BEGIN IMMEDIATE` into
the hop of its first statement.

It changes nothing else: the same aiosqlite thread (so a busy wait on another
process's write lock never blocks the event loop), the same SQLAlchemy dialect,
statements and results.

Short statements (`Database.transaction(short=True)`, the coach's events): once the
transaction's first statement has taken the write lock, the rest run on the event
loop's thread. In WAL mode a writer holding the lock never waits for anyone, and an
indexed one-row statement takes 10–50 µs — less than the thread hop it would need.
BEGIN IMMEDIATE (which can wait for another process) and COMMIT (which can run a
checkpoint) still go to the driver's thread.
"""

from __future__ import annotations

import collections
import sqlite3
from threading import Thread
from typing import Any

import aiosqlite
from sqlalchemy.connectors.asyncio import AsyncAdapt_dbapi_connection
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

_Outcome = tuple[Any, int, int | None, list[Any]]


def _run(conn: sqlite3.Connection, begin: bool, sql: str, params: Any, many: bool) -> _Outcome:
    """On the driver's thread: (BEGIN IMMEDIATE,) execute, read everything, close."""
    if begin:
        conn.execute("BEGIN IMMEDIATE")
    cursor = conn.cursor()
    try:
        if many:
            cursor.executemany(sql, params)
        else:
            cursor.execute(sql, params if params is not None else ())
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    """A cursor whose whole statement is one call on the driver's thread."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_dbapi_connection) -> None:
        # No driver cursor is opened here (that was a hop of its own): `_run` makes one.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._rows = collections.deque()
        self._soft_closed_memoized = EMPTY_DICT
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> Any:
        return self._lastrowid

    @property
    def arraysize(self) -> int:
        return 1

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        pass

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        await self._call(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        await self._call(operation, seq_of_parameters, many=True)

    async def _call(self, operation: str, parameters: Any, *, many: bool) -> None:
        adapt = self._adapt_connection
        assert isinstance(adapt, OneHopConnection)
        async with adapt._execute_mutex:
            conn = self._connection
            if adapt.in_write and adapt.short_statements:
                outcome = _run(conn._conn, False, operation, parameters, many)
            else:
                begin, adapt.begin_pending = adapt.begin_pending, False
                outcome = await conn._execute(_run, conn._conn, begin, operation, parameters, many)
                adapt.in_write = begin
        self._description, self._rowcount, self._lastrowid, rows = outcome
        self._rows = collections.deque(rows)

    async def _async_soft_close(self) -> None:
        return None  # the driver cursor is already closed

    def close(self) -> None:
        self._rows.clear()

    def nextset(self) -> None:
        return None


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    """`begin_pending`: a transaction was begun and its BEGIN IMMEDIATE still has to be
    sent, with the first statement. `in_write`: it was sent, the write lock is held.
    `short_statements`: this transaction's statements may run on the loop's thread."""

    __slots__ = ("begin_pending", "in_write", "short_statements")
    _cursor_cls = OneHopCursor

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self.begin_pending = False
        self.in_write = False
        self.short_statements = False

    def cursor(self, server_side: bool = False) -> OneHopCursor:
        """Streaming results are read whole as well: a streaming cursor of its own would
        skip the pending BEGIN IMMEDIATE."""
        return OneHopCursor(self)

    def commit(self) -> None:
        # If nothing ran, there is no transaction to commit.
        self.begin_pending = self.in_write = self.short_statements = False
        super().commit()

    def rollback(self) -> None:
        self.begin_pending = self.in_write = self.short_statements = False
        super().rollback()


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        kw.setdefault("check_same_thread", False)  # see `OneHopCursor._call`
        connection = self.aiosqlite.connect(*arg, **kw)
        thread = connection if isinstance(connection, Thread) else connection._thread
        thread.daemon = True  # as SQLAlchemy's own adapter: never hold up interpreter exit
        return OneHopConnection(self, await_(connection))


def dbapi() -> OneHopDBAPI:
    """The module to give `create_async_engine(..., module=...)` for sqlite+aiosqlite."""
    return OneHopDBAPI(aiosqlite, sqlite3)
