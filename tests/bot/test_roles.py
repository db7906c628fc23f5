"""Worker roles: what each `coach run` process does, and what only one process may do."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from bot.app import send_while_elected
from bot.settings import Settings
from core.events import ChatRef, Reply
from core.storage.db import Database
from core.storage.schema import outbox, utcnow
from tests.conftest import COACH, coach_env


def start(db_url: str, *args: str, cwd: Path) -> subprocess.Popen[str]:
    env = coach_env(DATABASE_URL=db_url, TICK_SECONDS="0.2", LOG_LEVEL="INFO")
    return subprocess.Popen(
        [*COACH, "run", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=cwd,
    )


def wait_for_line(proc: subprocess.Popen[str], text: str, within: float = 30) -> str:
    """Read the process's log until `text` shows up."""
    assert proc.stderr is not None
    deadline = time.monotonic() + within
    seen = ""
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        seen += line
        if text in line:
            return seen
    raise AssertionError(f"{text!r} not logged; got:\n{seen}")


def stop(proc: subprocess.Popen[str]) -> int:
    proc.send_signal(signal.SIGTERM)
    return proc.wait(timeout=30)


def test_roles_come_from_the_cli_or_settings_and_named_ones_must_be_configured() -> None:
    assert Settings(roles="scheduler").runs("scheduler")
    assert not Settings(roles="scheduler", telegram_token="t").runs("telegram")
    assert Settings(roles="all", telegram_token="t").runs("telegram")
    assert not Settings(roles="all").runs("discord")  # no token: not started
    assert Settings(roles="").roles == ("all",)
    with pytest.raises(ValueError, match="the telegram role needs TELEGRAM_TOKEN"):
        Settings(roles="telegram,scheduler", telegram_token="")
    with pytest.raises(ValueError, match="roles are telegram, discord, scheduler or all"):
        Settings(roles="webhooks")
    done = subprocess.run(
        [*COACH, "run", "--role", "discord"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DISCORD_TOKEN": ""},
    )
    assert done.returncode == 2
    assert "coach: bad setting" in done.stderr and "DISCORD_TOKEN" in done.stderr


async def a_due_reminder(url: str) -> None:
    from tests.core.engine.test_workers import due_reminders

    db = Database(url)
    await db.migrate()
    await due_reminders(db, 1)
    await db.close()


async def queued_count(url: str) -> int:
    db = Database(url)
    async with db.transaction() as conn:
        found = int(await conn.scalar(select(func.count()).select_from(outbox)) or 0)
    await db.close()
    return found


def test_a_second_scheduler_on_sqlite_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'c.db'}"
    asyncio.run(a_due_reminder(url))
    first = start(url, "--role", "scheduler", cwd=tmp_path)
    try:
        wait_for_line(first, "running: scheduler")
        deadline = time.monotonic() + 20
        while asyncio.run(queued_count(url)) == 0:  # it ticks: the reminder is queued
            assert time.monotonic() < deadline
            time.sleep(0.1)
        second = start(url, "--role", "scheduler", cwd=tmp_path)
        _, errors = second.communicate(timeout=60)
        assert second.returncode == 2
        assert f"another process (process {first.pid}) already runs the scheduler" in errors
        assert "move to PostgreSQL" in errors and "Traceback" not in errors
    finally:
        assert stop(first) == 0
    # Once the first has stopped, the role is free again.
    third = start(url, "--role", "scheduler", cwd=tmp_path)
    wait_for_line(third, "running: scheduler")
    assert stop(third) == 0


@pytest.mark.postgres
def test_several_schedulers_run_side_by_side_on_postgresql(
    postgres_url: str, tmp_path: Path
) -> None:
    schedulers = [start(postgres_url, "--role", "scheduler", cwd=tmp_path) for _ in range(2)]
    try:
        for proc in schedulers:
            wait_for_line(proc, "running: scheduler")
    finally:
        assert [stop(proc) for proc in schedulers] == [0, 0]


class Recorder:
    name = "test"

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, chat: ChatRef, reply: Reply) -> None:
        self.sent.append(chat.chat_id)


async def queue(db: Database, *chat_ids: str) -> None:
    now = utcnow() - timedelta(seconds=1)
    async with db.transaction() as conn:
        await conn.execute(
            insert(outbox),
            [
                {
                    "dedupe_key": f"k-{chat_id}",
                    "platform": "test",
                    "chat_id": chat_id,
                    "message": {"text": "hi", "buttons": []},
                    "created_at": now,
                    "not_before": now,
                }
                for chat_id in chat_ids
            ],
        )


async def unsent(db: Database) -> int:
    async with db.transaction() as conn:
        pending = select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))
        return int(await conn.scalar(pending) or 0)


async def until(check: Callable[[], Awaitable[bool]], within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


async def test_one_process_sends_per_platform_and_a_standby_takes_over(
    database_url: str,
) -> None:
    dbs = (Database(database_url), Database(database_url))
    await dbs[0].migrate()
    first, second = Recorder(), Recorder()
    stops = (asyncio.Event(), asyncio.Event())
    tasks = [
        asyncio.create_task(send_while_elected(db, platform, halt, retry=0.1))
        for db, platform, halt in zip(dbs, (first, second), stops, strict=True)
    ]
    try:
        await queue(dbs[0], "a", "b", "c")

        async def all_sent() -> bool:
            return await unsent(dbs[0]) == 0

        await until(all_sent)
        # Exactly one of the two processes is the sender.
        assert sorted(first.sent + second.sent) == ["a", "b", "c"]
        sender, standby = (0, 1) if first.sent else (1, 0)
        assert [first, second][standby].sent == []
        # The sender stops (a deploy, a crash): the standby takes over.
        stops[sender].set()
        await tasks[sender]
        await queue(dbs[0], "d")
        await until(all_sent)
        assert [first, second][standby].sent == ["d"]
    finally:
        for halt in stops:
            halt.set()
        await asyncio.gather(*tasks)
        await asyncio.gather(*(db.close() for db in dbs))
