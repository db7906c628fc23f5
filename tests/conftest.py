"""Shared fixtures: a migrated database on SQLite and, where a server answers, PostgreSQL.

Every test taking `database_url` (or a fixture built on it) runs once per backend.
`--db sqlite|postgresql|both` (or `COACH_TEST_DB`) selects them. Left unset, PostgreSQL
runs when its server answers and is skipped with the reason otherwise; named
explicitly, a missing server is an error, so CI cannot pass without it by accident.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from core.engine.coach import Coach
from core.events import ChatRef, Event, Reply, Sender
from core.storage.db import Database
from core.storage.schema import checkins, pain_reports, users, utcnow

PG_SERVER = os.environ.get("COACH_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
# Each pytest session works in a database of its own on that server, so two runs at
# once (or a developer's run beside CI) never drop each other's tables.
PG_URL = str(make_url(PG_SERVER).set(database=f"coach_test_{os.getpid()}"))


def _postgres_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            return True
    except OSError:
        return False


POSTGRES_UP = _postgres_answers()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=("sqlite", "postgresql", "both"),
        default=os.environ.get("COACH_TEST_DB") or None,
        help="storage backends to test (default: both, PostgreSQL skipped without a server)",
    )


def pytest_configure(config: pytest.Config) -> None:
    chosen = config.getoption("--db")
    if chosen in ("postgresql", "both") and not POSTGRES_UP:
        raise pytest.UsageError(f"--db {chosen}: no PostgreSQL server answers on 127.0.0.1:5432")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Drop the parametrised runs on backends not asked for."""
    chosen = config.getoption("--db")
    if chosen in (None, "both"):
        return
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("database_url") if callspec else None
        if backend is None and item.get_closest_marker("postgres") is not None:
            backend = "postgresql"
        (drop if backend not in (None, chosen) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _backends() -> list[object]:
    return [
        "sqlite",
        pytest.param(
            "postgresql",
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(
                    not POSTGRES_UP, reason="no PostgreSQL server on 127.0.0.1:5432"
                ),
            ],
        ),
    ]


@pytest.fixture(scope="session")
def _postgres_database() -> Iterator[str]:
    async def statements(*sql: str) -> None:
        engine = create_async_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            for statement in sql:
                await conn.exec_driver_sql(statement)
        await engine.dispose()

    def admin(*sql: str) -> None:
        # First requested from inside a running test loop: run on a thread of its own.
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, statements(*sql)).result()

    name = make_url(PG_URL).database
    admin(f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}")
    yield PG_URL
    admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


async def _reset_postgres() -> None:
    db = Database(PG_URL)
    async with db.engine.begin() as conn:
        await conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        await conn.exec_driver_sql("CREATE SCHEMA public")
    await db.close()


@pytest.fixture(params=_backends())
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}"
    request.getfixturevalue("_postgres_database")
    await _reset_postgres()
    return PG_URL


@pytest.fixture
async def postgres_url(request: pytest.FixtureRequest) -> str:
    """An empty database on the PostgreSQL server, for tests only it can run (mark
    them `postgres`): several workers on one server, connections cut under a worker."""
    if not POSTGRES_UP:
        pytest.skip("no PostgreSQL server on 127.0.0.1:5432")
    request.getfixturevalue("_postgres_database")
    await _reset_postgres()
    return PG_URL


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}"


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    await database.migrate()
    yield database
    await database.close()


def build_coach(database: Database, default_tz: str = "UTC") -> Coach:
    from bot.app import features

    return Coach(database, default_tz=default_tz).install(features())


@pytest.fixture
def coach(db: Database) -> Coach:
    return build_coach(db)


@asynccontextmanager
async def coach_process(database_url: str) -> AsyncIterator[Coach]:
    """One process's coach, on a connection of its own that closes at the end: two in a
    row are a restart, two side by side are two workers."""
    database = Database(database_url)
    await database.migrate()
    try:
        yield build_coach(database)
    finally:
        await database.close()


NOON = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)

# The `coach` command as a subprocess, from this checkout.
COACH = [sys.executable, "-m", "bot.cli"]


def coach_env(**settings: str) -> dict[str, str]:
    """The environment of a `coach` subprocess: no platform token, whatever the shell
    running the tests holds, plus `settings`."""
    return {**os.environ, "TELEGRAM_TOKEN": "", "DISCORD_TOKEN": "", **settings}


def console(db: Path, lines: str, *extra: str, user: str = "tester") -> list[dict[str, object]]:
    """`coach chat --json` on the SQLite file `db`, fed `lines`: the messages it printed."""
    done = subprocess.run(
        [*COACH, "chat", "--json", "--user", user, "--db", f"sqlite+aiosqlite:///{db}", *extra],
        input=lines,
        capture_output=True,
        text=True,
        timeout=120,
        env=coach_env(),
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


async def start_coach_run(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    """`coach run` in the background (in `cwd`, so no stray .env is read), its stderr kept
    for the test to read."""
    return await asyncio.create_subprocess_exec(
        *COACH,
        "run",
        env=env,
        cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


class Chat:
    """Drives the coach as one user in a private chat, like the console does."""

    def __init__(self, coach: Coach, user: str = "u1", *, group: str | None = None) -> None:
        self.coach = coach
        self.sender = Sender("test", user, user.title())
        self.chat = ChatRef("test", group or user, is_group=group is not None)
        self.last: list[Reply] = []
        self.when = NOON

    async def say(self, text: str, *, update_id: str | None = None) -> list[Reply]:
        event = Event(self.sender, self.chat, text=text, when=self.when, update_id=update_id)
        self.last = await self.coach.handle(event)
        return self.last

    async def press(self, label: str, replies: list[Reply] | None = None) -> list[Reply]:
        """Press the button with this label (or label prefix) in the latest replies."""
        for reply in reversed(replies if replies is not None else self.last):
            for button in reply.flat_buttons:
                if button.label == label or button.label.startswith(label):
                    return await self.send_payload(button.payload)
        labels = [b.label for r in self.last for b in r.flat_buttons]
        raise AssertionError(f"no button {label!r} in {labels}")

    async def send_payload(self, payload: str) -> list[Reply]:
        event = Event(self.sender, self.chat, payload=payload, when=self.when)
        self.last = await self.coach.handle(event)
        return self.last

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.last)


@pytest.fixture
def chat_as(coach: Coach) -> Callable[..., Chat]:
    return lambda user="u1", **kw: Chat(coach, user, **kw)


async def user_id(coach: Coach, name: str = "u1") -> int:
    """The stored id of a test user (created by their first message)."""
    async with coach.db.transaction() as conn:
        found = await conn.scalar(select(users.c.id).where(users.c.platform_user_id == name))
    assert found is not None
    return int(found)


async def add_past(coach: Coach, name: str, days_ago: int, levels: dict[str, int]) -> None:
    """A check-in stored as if made `days_ago` days before the test chat's day."""
    uid = await user_id(coach, name)
    now = utcnow()
    async with coach.db.transaction() as conn:
        await conn.execute(
            insert(checkins).values(
                user_id=uid,
                day=NOON.date() - timedelta(days=days_ago),
                levels=levels,
                created_at=now,
                updated_at=now,
            )
        )


async def stored_checkins(coach: Coach, name: str = "u1") -> dict[date, dict[str, int]]:
    """The check-ins stored for user `name`, by day."""
    uid = await user_id(coach, name)
    async with coach.db.transaction() as conn:
        rows = await conn.execute(select(checkins).where(checkins.c.user_id == uid))
        return {row.day: dict(row.levels) for row in rows}


async def stored_pain_reports(coach: Coach, name: str = "u1") -> list[Any]:
    """The pain reports stored for user `name`, oldest first."""
    async with coach.db.transaction() as conn:
        uid = await conn.scalar(select(users.c.id).where(users.c.platform_user_id == name))
        rows = await conn.execute(
            select(pain_reports).where(pain_reports.c.user_id == uid).order_by(pain_reports.c.id)
        )
        return list(rows)
