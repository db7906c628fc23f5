"""Cold-start time of `coach chat` answering /help: what a new user waits for.

Prints the median (and spread) of the wall time of a fresh process, database already
migrated (the common case), and separately the very first start that creates it.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 11


def once(db: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--json", "--db", f"sqlite+aiosqlite:///{db}"],
        input="/help\n",
        capture_output=True,
        check=True,
        text=True,
    )
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "coach.db"
        first = once(db)
        times = sorted(once(db) for _ in range(RUNS))
    print(f"startup: first start (creates and migrates the database): {first:.3f} s")
    print(
        f"startup: coach chat answering /help, {RUNS} cold processes: "
        f"median {statistics.median(times):.3f} s, min {times[0]:.3f} s, max {times[-1]:.3f} s "
        f"(target < 1.0 s)"
    )


if __name__ == "__main__":
    main()
