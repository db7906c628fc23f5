"""The console contract, driven as others drive it: a real `coach chat` process."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

import pytest

from tests.conftest import COACH, coach_env, console


def test_help_prints_json_lines_describing_the_commands(tmp_path: Path) -> None:
    [message] = console(tmp_path / "c.db", "/help\n")
    assert set(message) == {"text", "buttons", "image", "file"}
    assert "/timezone" in str(message["text"])


def test_buttons_are_listed_and_pressed_by_number_or_label(tmp_path: Path) -> None:
    out = console(tmp_path / "c.db", "/forget\n2\n/forget\nYes, delete everything\n")
    assert out[0]["buttons"] == [["Yes, delete everything"], ["No, keep it"]]
    assert "Kept" in str(out[1]["text"])
    assert "deleted" in str(out[3]["text"])


def test_bad_zone_is_refused_and_a_good_one_persists_across_processes(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    [refused] = console(db, "/timezone Mars/Olympus\n")
    assert "don't know the time zone" in str(refused["text"])
    console(db, "/timezone Europe/Berlin\n")
    [shown] = console(db, "/timezone\n")
    assert "Europe/Berlin" in str(shown["text"])


def test_tz_flag_sets_the_zone_for_users_who_have_none(tmp_path: Path) -> None:
    [shown] = console(tmp_path / "c.db", "/timezone\n", "--tz", "America/New_York")
    assert "America/New_York" in str(shown["text"])


def test_plain_output_numbers_buttons(tmp_path: Path) -> None:
    done = subprocess.run(
        [*COACH, "chat", "--user", "t", "--db", f"sqlite+aiosqlite:///{tmp_path / 'c.db'}"],
        input="/forget\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "  [1] Yes, delete everything\n  [2] No, keep it" in done.stdout


def test_process_killed_between_steps_continues_where_it_was(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'c.db'}"
    proc = subprocess.Popen(
        [*COACH, "chat", "--json", "--user", "k", "--db", db],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("/forget\n")
    proc.stdin.flush()
    question = json.loads(proc.stdout.readline())
    assert "Delete it all?" in question["text"]
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL

    [answer] = console(tmp_path / "c.db", "yes\n", user="k")
    assert "everything I stored about you is deleted" in str(answer["text"])


@pytest.mark.parametrize("bad", ["--tz Mars/Olympus", "--db notaurl://"])
def test_bad_flags_fail_with_a_clear_message(tmp_path: Path, bad: str) -> None:
    done = subprocess.run(
        [*COACH, "chat", *bad.split()], input="", capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "coach:" in done.stderr


def test_run_without_tokens_starts_the_console_and_stops_cleanly_on_sigterm(
    tmp_path: Path,
) -> None:
    env = coach_env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    proc = subprocess.Popen(
        [*COACH, "run"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("/help\n")
    proc.stdin.flush()
    assert "Here's what I can do" in proc.stdout.readline()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 0
