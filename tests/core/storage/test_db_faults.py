"""The database failing under the coach: locked past the busy timeout, the disk full, the file
read-only, a statement failing half-way through an event, PostgreSQL dropping every
connection under load. Each time the user is told to try again, nothing is half-written,
and the coach works again by itself as soon as the database does."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import create_async_engine

from core.engine.coach import DB_BUSY, INTERNAL, Coach
from core.storage.db import Database
from core.storage.schema import USER_TABLES, checkins, pain_reports, users
from tests.conftest import PG_SERVER, Chat, _postgres_answers, _reset_postgres, build_coach

FULL_DISK_LIMIT = 1_073_741_823  # SQLite's default max_page_count: no limit in practice


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'c.db'}", busy_timeout_ms=200)
    await db.migrate()
    yield db
    await db.close()


@contextmanager
def write_lock(path: Path) -> Iterator[None]:
    """Another process holding the write lock (longer than the coach's busy timeout)."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


async def count(db: Database, table: Any, name: str) -> int:
    async with db.transaction() as conn:
        uid = select(users.c.id).where(users.c.platform_user_id == name).scalar_subquery()
        return int(
            await conn.scalar(select(func.count()).select_from(table).where(table.c.user_id == uid))
            or 0
        )


async def test_locked_past_the_busy_timeout_asks_to_try_again_and_loses_nothing(
    sqlite_db: Database,
) -> None:
    chat = Chat(build_coach(sqlite_db))
    await chat.say("/checkin")
    await chat.press("Start check-in")
    assert "Chest (1 of 12)" in chat.text
    path = Path(str(make_url(str(sqlite_db.url)).database))
    with write_lock(path):
        await chat.say("3")
        assert chat.text == DB_BUSY
        assert "send it again" in chat.text
    await chat.say("3")  # the same answer again, once the lock is gone
    assert "Back (2 of 12)" in chat.text  # the failed try moved nothing on
    await chat.press("The rest: none")
    assert chat.text.startswith("Saved today's check-in: chest 3")


async def test_a_full_disk_asks_to_try_again_keeps_what_was_saved_and_recovers(
    sqlite_db: Database,
) -> None:
    limit = FULL_DISK_LIMIT

    @event.listens_for(sqlite_db.engine.sync_engine, "begin")
    def _disk_size(conn: Connection) -> None:
        conn.exec_driver_sql(f"PRAGMA max_page_count = {limit}")

    chat = Chat(build_coach(sqlite_db))
    await chat.say("/timezone Europe/Berlin")
    limit = 1  # clamped to the current size: the disk is full from now on
    acknowledged = 0
    for n in range(200):
        await chat.say(f"/pain dull ache in my left calf, day {n} " + "x" * 900)
        if chat.text == DB_BUSY:
            break
        acknowledged += 1
    else:
        pytest.fail("the disk never filled up")
    # Every report the user saw acknowledged is stored; the one that failed is not there.
    assert await count(sqlite_db, pain_reports, "u1") == acknowledged

    limit = FULL_DISK_LIMIT  # space is freed: no restart needed
    await chat.say("/pain dull ache in my left calf, again")
    assert "DOMS" in chat.text
    assert await count(sqlite_db, pain_reports, "u1") == acknowledged + 1


async def test_a_read_only_database_still_answers_reads_and_asks_to_retry_writes(
    sqlite_db: Database, tmp_path: Path
) -> None:
    chat = Chat(build_coach(sqlite_db))
    await chat.say("/checkin legs 2")
    read_only = Database(f"sqlite+aiosqlite:///file:{tmp_path / 'c.db'}?mode=ro&uri=true")
    await read_only.migrate()  # at head already: nothing to write
    chat = Chat(build_coach(read_only))
    await chat.say("/history")
    assert "quads" in chat.text.lower() or "Qu" in chat.text  # reading still works
    await chat.say("/checkin legs 4")
    assert chat.text == DB_BUSY
    await read_only.close()

    query_only = False

    @event.listens_for(sqlite_db.engine.sync_engine, "connect")
    def _mount(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.execute(f"PRAGMA query_only = {int(query_only)}")

    @event.listens_for(sqlite_db.engine.sync_engine, "checkout")
    def _remount(dbapi_connection: Any, *_: Any) -> None:
        dbapi_connection.execute(f"PRAGMA query_only = {int(query_only)}")

    chat = Chat(build_coach(sqlite_db))
    query_only = True  # the volume was remounted read-only under the running coach
    await chat.say("/checkin legs 4")
    assert chat.text == DB_BUSY
    query_only = False  # and writable again: the same coach carries on
    await chat.say("/checkin legs 4")
    assert "Saved" in chat.text or "Replace" in chat.text or "already" in chat.text


async def rows_per_table(db: Database) -> dict[str, int]:
    async with db.transaction() as conn:
        return {
            t.name: int(await conn.scalar(select(func.count()).select_from(t)) or 0)
            for t in (*USER_TABLES, users)
        }


async def test_a_failure_half_way_through_an_event_writes_none_of_it(
    database_url: str,
) -> None:
    db = Database(database_url)
    await db.migrate()
    coach = build_coach(db)
    chat = Chat(coach)
    await chat.say("/checkin legs 3")
    await chat.say("/pain sharp pain in my knee")
    await chat.say("/remind checkin 07:30")
    await chat.say("/forget")
    before = await rows_per_table(db)
    assert before["checkins"] == before["pain_reports"] == before["reminders"] == 1
    fail_on = "DELETE FROM users"

    @event.listens_for(db.engine.sync_engine, "before_cursor_execute")
    def _fail(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        if statement.startswith(fail_on):
            raise OperationalError(statement, {}, Exception("disk I/O error"))

    await chat.say("yes")  # every other table was already emptied in this transaction
    assert chat.text == DB_BUSY
    assert await rows_per_table(db) == before  # and all of it is still there
    fail_on = "never"
    await chat.say("yes")  # still asked: the question survived the failed try
    assert "deleted" in chat.text
    await db.close()


# --- PostgreSQL dropping its connections under load ----------------------------------------

wanted = os.environ.get("COACH_TEST_DATABASES", "sqlite,postgresql").split(",")


@pytest.fixture
async def pg_coach(request: pytest.FixtureRequest) -> AsyncIterator[Coach]:
    if "postgresql" not in wanted or not _postgres_answers():
        pytest.skip("no PostgreSQL server on 127.0.0.1:5432")
    url = request.getfixturevalue("_postgres_database")
    await _reset_postgres()
    db = Database(url)
    await db.migrate()
    yield build_coach(db)
    await db.close()


async def terminate_connections(database: str) -> int:
    """What a server restart does to every client: their connections die mid-flight."""
    admin = create_async_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        killed = await conn.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = :db AND pid <> pg_backend_pid()"
            ),
            {"db": database},
        )
    await admin.dispose()
    return int(killed or 0)


@pytest.mark.postgres
async def test_postgres_dropping_every_connection_under_load(pg_coach: Coach) -> None:
    database = str(pg_coach.db.url.database)
    chats = [Chat(pg_coach, f"pg{n}") for n in range(30)]

    async def user(chat: Chat, n: int) -> list[str]:
        seen = []
        for _ in range(20):  # a person retrying until it is saved
            await chat.say(f"/checkin legs {n % 5} chest {(n + 1) % 5}")
            seen.append(chat.text)
            if chat.text.startswith("Saved"):
                break
            await asyncio.sleep(0.05)
        return seen

    async def storm() -> int:
        killed = 0
        for _ in range(4):
            await asyncio.sleep(0.05)
            killed += await terminate_connections(database)
        return killed

    *answers, killed = await asyncio.gather(*(user(c, n) for n, c in enumerate(chats)), storm())
    assert killed > 0  # events were cut mid-transaction: the coach ran them again, or
    # (cut twice) told the person to try again
    for seen in answers:
        assert seen[-1].startswith("Saved")  # everyone got there by trying again
        assert all(t.startswith("Saved") or t == DB_BUSY for t in seen)
        assert INTERNAL not in seen
    # Read through a fresh pool: the coach's may still hold a connection the storm killed
    # (the coach itself copes: see the /help below).
    check = Database(str(pg_coach.db.url.render_as_string(hide_password=False)))
    async with check.transaction() as conn:
        stored = {
            name: dict(levels)
            for name, levels in await conn.execute(
                select(users.c.platform_user_id, checkins.c.levels).join(
                    checkins, checkins.c.user_id == users.c.id
                )
            )
        }
    await check.close()
    assert len(stored) == 30  # one check-in each: none lost, none doubled
    assert all(v["quads"] == int(k[2:]) % 5 for k, v in stored.items())

    after = Chat(pg_coach, "late")
    await after.say("/help")  # the pool replaced the dead connections by itself
    assert after.text.startswith("Here's what I can do")
