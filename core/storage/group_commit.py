"""Group commit: events handled at the same moment share one transaction.

An event's own work is a handful of statements; what it costs on top is opening and
committing its transaction (a pool checkout, BEGIN, COMMIT, on PostgreSQL a WAL flush
each). When several events are waiting, one transaction runs them one after another
and commits once; each caller gets its result only after that commit, so nothing is
acknowledged before it is durable.

If any unit of a batch fails, the batch is rolled back whole and every unit is run
again in a transaction of its own: the others then commit as if they had been alone,
and the failing one fails on its own. Units must therefore be safe to run twice when
the first run was rolled back — a unit only touches the database through the
connection it is given — and short (`Database.transaction(short=True)`).

Units are put in lanes by a key (the user): one lane's units run in order, one batch
at a time. SQLite has one lane (it has one writer anyway); PostgreSQL one per pooled
connection, so a person's two events never sit in two concurrent transactions of this
process, waiting on each other's row lock.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection

from core.storage.db import Database

T = TypeVar("T")
Unit = Callable[[AsyncConnection], Awaitable[Any]]
MAX_BATCH = 32


class GroupCommit:
    def __init__(self, db: Database, *, lanes: int, max_batch: int = MAX_BATCH) -> None:
        self.db = db
        self.max_batch = max_batch
        self._queues: list[deque[tuple[Unit, asyncio.Future[Any]]]] = [
            deque() for _ in range(max(1, lanes))
        ]
        self._draining: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def run(self, key: str, unit: Callable[[AsyncConnection], Awaitable[T]]) -> T:
        """`unit(conn)`'s result, once the transaction it ran in has committed."""
        lane = hash(key) % len(self._queues)
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queues[lane].append((unit, future))
        if lane not in self._draining:
            self._draining.add(lane)
            # Started by one caller, working for many: it runs in a context of its own,
            # not the starter's (which would tag every unit's log lines with that
            # caller's event id); each unit sets what it needs itself.
            task = asyncio.create_task(self._drain(lane), context=contextvars.Context())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return await future

    async def _drain(self, lane: int) -> None:
        queue = self._queues[lane]
        batch: list[tuple[Unit, asyncio.Future[Any]]] = []
        try:
            while queue:
                batch = [queue.popleft() for _ in range(min(len(queue), self.max_batch))]
                await self._commit(batch)
        finally:
            self._draining.discard(lane)
            # Normally every future here is settled already; if this task was cancelled
            # (shutting down), nobody may be left waiting forever.
            for _, future in (*batch, *queue):
                future.cancel()
            queue.clear()

    async def _commit(self, batch: list[tuple[Unit, asyncio.Future[Any]]]) -> None:
        if len(batch) > 1:
            try:
                async with self.db.transaction(short=True) as conn:
                    results = [await unit(conn) for unit, _ in batch]
            except Exception:  # one unit's failure, or the commit's: each alone
                pass
            else:
                for (_, future), result in zip(batch, results, strict=True):
                    _settle(future, result)
                return
        for unit, future in batch:
            try:
                async with self.db.transaction(short=True) as conn:
                    result = await unit(conn)
            except Exception as exc:
                _fail(future, exc)
            else:
                _settle(future, result)


def _settle(future: asyncio.Future[Any], result: Any) -> None:
    if not future.done():  # its caller may have been cancelled meanwhile
        future.set_result(result)


def _fail(future: asyncio.Future[Any], exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)
