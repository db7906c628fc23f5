"""The storage layer's promises, on both backends: a transaction is all or nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from core.storage.db import Database
from core.storage.schema import users, utcnow


async def user_count(db: Database) -> int:
    async with db.transaction() as conn:
        return int(await conn.scalar(select(func.count()).select_from(users)) or 0)


def a_user(name: str) -> dict[str, object]:
    return {"platform": "test", "platform_user_id": name, "created_at": utcnow()}


async def test_a_failed_transaction_leaves_nothing_behind(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await conn.execute(insert(users), a_user("half"))
            raise RuntimeError("the handler failed after its first write")
    assert await user_count(db) == 0
    async with db.transaction() as conn:
        await conn.execute(insert(users), a_user("whole"))
        streamed = await conn.stream(select(users.c.platform_user_id))
        assert [row[0] async for row in streamed] == ["whole"]
    assert await user_count(db) == 1


async def test_concurrent_transactions_in_one_process_all_commit(db: Database) -> None:
    async def add(n: int) -> None:
        async with db.transaction() as conn:
            await conn.execute(insert(users), a_user(f"u{n}"))
            await asyncio.sleep(0)  # others are waiting to start theirs meanwhile

    await asyncio.gather(*(add(n) for n in range(50)))
    assert await user_count(db) == 50


async def test_processes_starting_together_on_a_new_file_all_come_up(tmp_path: Path) -> None:
    """Workers started at once on a new SQLite file take turns to set it up: none fails
    with "database is locked", and the schema is migrated once."""
    for n in range(8):
        url = f"sqlite+aiosqlite:///{tmp_path / f'new{n}.db'}"
        workers = [Database(url) for _ in range(3)]
        try:
            await asyncio.gather(*(db.migrate() for db in workers))
            assert [await user_count(db) for db in workers] == [0, 0, 0]
        finally:
            await asyncio.gather(*(db.close() for db in workers))
