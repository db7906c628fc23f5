"""Backups an operator can trust: `coach backup` while the bot runs, `coach restore` into an
empty database brings back everyone's check-ins, reminders and cohort memberships, and a
restore never overwrites records by accident."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from core.events import ChatRef
from core.storage.schema import checkins, cohort_members, reminders
from tests.conftest import COACH, Chat, coach_env, coach_process

MONDAY = datetime(2026, 11, 30, 12, tzinfo=UTC)


def coach(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COACH, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=coach_env(DATABASE_URL=f"sqlite+aiosqlite:///{db}"),
    )


async def counts(url: str) -> tuple[int, int, int]:
    async with coach_process(url) as running, running.db.transaction() as conn:
        found = [
            int(await conn.scalar(select(func.count()).select_from(table)) or 0)
            for table in (checkins, reminders, cohort_members)
        ]
    return found[0], found[1], found[2]


async def test_a_backup_taken_while_running_restores_everyones_records(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    url = f"sqlite+aiosqlite:///{live}"
    async with coach_process(url) as running:
        for name in ("ann", "bo", "cy"):
            chat = Chat(running, name)
            chat.when = MONDAY
            await chat.say("/checkin legs 2 chest 1")
            await chat.say("/remind checkin 07:30")
        admin = Chat(running, "ann", group="g1")
        admin.chat = ChatRef("test", "g1", is_group=True, user_is_admin=True)
        await admin.say("/cohort start 2026-12-07 mon,wed,fri 18:00 Europe/Berlin")
        for name in ("ann", "bo"):
            await Chat(running, name, group="g1").say("/join")
        # The bot is still running (its connection open) while the backup is taken.
        done = coach("backup", str(tmp_path / "b.db"), db=live)
        assert done.returncode == 0, done.stderr
        assert "3 users, 3 check-ins, 3 reminders, 2 cohort memberships" in done.stdout

    fresh = tmp_path / "fresh.db"
    done = coach("restore", str(tmp_path / "b.db"), db=fresh)
    assert done.returncode == 0, done.stderr
    assert await counts(f"sqlite+aiosqlite:///{fresh}") == (3, 3, 2)
    async with coach_process(f"sqlite+aiosqlite:///{fresh}") as restored:
        chat = Chat(restored, "bo")
        chat.when = MONDAY
        await chat.say("/history")
        assert "Today" in chat.text  # bo's check-in is back, as bo's
        await chat.say("/remind")
        assert "Morning check-in: 07:30" in chat.text


async def test_restore_refuses_a_database_with_records_unless_forced(tmp_path: Path) -> None:
    source, target = tmp_path / "source.db", tmp_path / "target.db"
    for db, name in ((source, "old"), (target, "new")):
        async with coach_process(f"sqlite+aiosqlite:///{db}") as running:
            await Chat(running, name).say("/checkin chest 2")
    assert coach("backup", str(tmp_path / "b.db"), db=source).returncode == 0

    refused = coach("restore", str(tmp_path / "b.db"), db=target)
    assert refused.returncode == 2
    assert "already holds users' records" in refused.stderr and "--force" in refused.stderr
    assert "Traceback" not in refused.stderr

    forced = coach("restore", str(tmp_path / "b.db"), "--force", db=target)
    assert forced.returncode == 0, forced.stderr
    assert await counts(f"sqlite+aiosqlite:///{target}") == (1, 0, 0)


def test_backup_points_postgresql_users_to_pg_dump(tmp_path: Path) -> None:
    done = subprocess.run(
        [*COACH, "backup", str(tmp_path / "b.dump")],
        capture_output=True,
        text=True,
        timeout=60,
        env=coach_env(DATABASE_URL="postgresql+asyncpg://coach@127.0.0.1:5432/coach"),
    )
    assert done.returncode == 2
    assert "pg_dump" in done.stderr and "Traceback" not in done.stderr


def test_stats_show_numbers_and_nothing_anyone_wrote(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    done = subprocess.run(
        [*COACH, "chat", "--user", "dana", "--db", f"sqlite+aiosqlite:///{live}"],
        input="/checkin legs 3\n/pain my secret knee story hurts\n",
        capture_output=True,
        text=True,
        timeout=60,
        env=coach_env(),
    )
    assert done.returncode == 0, done.stderr
    shown = coach("stats", db=live)
    assert shown.returncode == 0, shown.stderr
    assert "users: 1 (active in the last 1 day: 1, 7 days: 1, 30 days: 1)" in shown.stdout
    assert "cohorts: 0" in shown.stdout
    assert "secret" not in shown.stdout and "dana" not in shown.stdout
