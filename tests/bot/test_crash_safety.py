"""Crash safety, shown with real processes killed by SIGKILL: a conversation continues after
a restart, a check-in the user saw acknowledged is on disk, and a reminder is never sent
twice across the crash."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from tests.conftest import COACH, coach_env

ENV = coach_env()


class Console:
    """A `coach chat --json` process driven line by line, as a user at the keyboard."""

    def __init__(self, db: Path, user: str = "k") -> None:
        self.proc = subprocess.Popen(
            [*COACH, "chat", "--json", "--user", user, "--db", f"sqlite+aiosqlite:///{db}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=ENV,
        )

    def say(self, line: str, answers: int = 1) -> list[dict[str, Any]]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return [json.loads(self.proc.stdout.readline()) for _ in range(answers)]

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        assert self.proc.wait(timeout=10) == -signal.SIGKILL


def rows(db: Path, sql: str, *args: Any) -> list[Any]:
    """Read the file as another program would, after the process died."""
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def test_killed_in_the_middle_of_a_checkin_continues_after_restart(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    first = Console(db)
    [intro] = first.say("/checkin")
    assert "Start check-in" in str(intro["buttons"])
    [chest] = first.say("Start check-in")
    assert "Chest (1 of 12)" in chest["text"]
    [back] = first.say("3")
    assert "Back (2 of 12)" in back["text"]
    first.kill()
    assert rows(db, "SELECT count(*) FROM checkins") == [(0,)]  # nothing half-saved

    second = Console(db)
    [again] = second.say("1")  # typed, as the buttons of the old process are gone
    assert "Shoulders (3 of 12)" in again["text"]
    [saved] = second.say("The rest: none")  # a button of the restarted process
    assert "Saved today's check-in" in saved["text"]
    second.say("/quit", answers=0)
    second.proc.wait(timeout=10)
    [(levels,)] = rows(db, "SELECT levels FROM checkins")
    assert json.loads(levels)["chest"] == 3 and json.loads(levels)["back"] == 1


def test_a_checkin_acknowledged_to_the_user_is_on_disk(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    console = Console(db)
    [saved] = console.say("/checkin legs 3 chest 1")
    assert saved["text"].startswith("Saved today's check-in")
    console.kill()  # at once: no clean shutdown, no checkpoint
    [(levels,)] = rows(db, "SELECT levels FROM checkins")
    assert json.loads(levels)["quads"] == 3 and json.loads(levels)["chest"] == 1


def _read_until(stream: IO[str], marker: str, within: float) -> list[str]:
    """Lines from a process's output up to the one holding `marker`."""
    seen: list[str] = []
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            break
        seen.append(line)
        if marker in line:
            return seen
    raise AssertionError(f"{marker!r} not seen within {within} s; got {seen}")


def _coach_run(db: Path) -> subprocess.Popen[str]:
    env = {**ENV, "DATABASE_URL": f"sqlite+aiosqlite:///{db}", "TICK_SECONDS": "0.2"}
    return subprocess.Popen(
        [*COACH, "run", "--user", "k"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_a_reminder_is_never_sent_twice_across_a_crash(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    console = Console(db)
    [set_up] = console.say("/remind checkin 07:30")
    assert "07:30" in set_up["text"]
    console.say("/quit", answers=0)
    console.proc.wait(timeout=10)
    due = (datetime.now(UTC) - timedelta(seconds=5)).strftime("%Y-%m-%d %H:%M:%S.%f")
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE reminders SET next_due_at = ?", (due,))

    first = _coach_run(db)  # console mode: the reminder is printed in the chat
    assert first.stdout is not None
    _read_until(first.stdout, "How sore are you today?", within=30)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)

    second = _coach_run(db)
    assert second.stdin is not None and second.stdout is not None
    time.sleep(2)  # ten ticks and outbox rounds
    second.stdin.write("/help\n")
    second.stdin.flush()
    after = _read_until(second.stdout, "Here's what I can do", within=30)
    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=30) == 0
    assert not any("How sore are you today?" in line for line in after)
    [(sent, failed)] = rows(db, "SELECT sent_at IS NOT NULL, failed FROM outbox")
    assert sent or failed in ("sending", "unconfirmed")  # shown once; never re-queued
    [(next_due,)] = rows(db, "SELECT next_due_at FROM reminders")
    assert next_due > due  # and the reminder moved on to its next time
