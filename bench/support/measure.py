"""What the long-running benchmarks measure besides time: memory and what got logged."""

from __future__ import annotations

import gc
import logging
from collections import Counter
from pathlib import Path


def proc_status_mb(field: str) -> float:
    """A memory figure of this process from /proc (VmRSS: now, VmHWM: peak), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def rss_mb() -> float:
    return proc_status_mb("VmRSS")


def peak_rss_mb() -> float:
    return proc_status_mb("VmHWM")


def object_counts() -> Counter[str]:
    gc.collect()
    return Counter(type(o).__name__ for o in gc.get_objects())


def top_growth(before: Counter[str], after: Counter[str]) -> str:
    grown = (after - before).most_common(4)
    return ", ".join(f"{name} +{n:,}" for name, n in grown) or "none"


class CountingHandler(logging.Handler):
    """Counts warnings and errors by logger and message (its first line, before the
    arguments are filled in), instead of printing a traceback per injected fault."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        message = str(record.msg).splitlines()[0] if str(record.msg) else ""
        self.counts[f"{record.levelname} {record.name}: {message}"[:90]] += 1
