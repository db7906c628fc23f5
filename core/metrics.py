"""What the coach counts for an operator, as a protocol the core calls without knowing
who listens.

The composition root plugs in Prometheus (`bot/metrics.py`) when `coach run` serves
/metrics; everywhere else — the console, the tests, a benchmark measuring what counting
costs — the default counts nothing. Kept at the bottom of `core`, beside `events`, so the
engine, delivery and storage all reach it without reaching each other.
"""

from __future__ import annotations

from typing import Protocol


class Metrics(Protocol):
    def event_handled(self, kind: str, platform: str, seconds: float) -> None:
        """An event answered: `kind` is command, button or text; `seconds` from arrival
        to replies."""

    def database_retried(self) -> None:
        """A transaction ran again after a passing database failure, or gave up busy."""

    def flood_dropped(self, scope: str) -> None:
        """Flood control skipped an event (`scope`: sender or group)."""

    def reminders_ticked(self, queued: int, skipped_late: int) -> None:
        """A scheduler tick queued messages and skipped reminders past their grace."""

    def message_sent(self, platform: str, kind: str, waited: float) -> None:
        """The outbox delivered a queued message (`kind`: reminder or group), `waited`
        seconds after it was due."""

    def platform_error(self, platform: str, kind: str) -> None:
        """A platform refused or failed a send (`kind`: 429, 403, network, other)."""


class NoMetrics:
    """Counts nothing."""

    def event_handled(self, kind: str, platform: str, seconds: float) -> None:
        return None

    def database_retried(self) -> None:
        return None

    def flood_dropped(self, scope: str) -> None:
        return None

    def reminders_ticked(self, queued: int, skipped_late: int) -> None:
        return None

    def message_sent(self, platform: str, kind: str, waited: float) -> None:
        return None

    def platform_error(self, platform: str, kind: str) -> None:
        return None


NO_METRICS: Metrics = NoMetrics()
