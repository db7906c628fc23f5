"""Prometheus metrics for `coach run`, served as text on /metrics.

`prometheus-client` does the counting and the exposition format; this module names the
metrics and keeps them in a registry of their own, so a test or a second coach in one
process starts from zero. The outbox's backlog is a database question, asked when
/metrics is scraped rather than on every event.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from core.storage.db import Database
from core.storage.schema import utcnow
from core.storage.stats import outbox_backlog

CONTENT_TYPE = CONTENT_TYPE_LATEST
# A reminder delivered this long after it was due counts as late (ticks come every 15 s
# by default; a platform's rate limit may hold a burst for a minute).
LATE_AFTER = 120.0
REPLY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class PrometheusMetrics:
    """`core.metrics.Metrics`, counted with prometheus-client."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.events = Counter("coach_events", "Events handled", ("kind", "platform"), registry=r)
        self.reply_seconds = Histogram(
            "coach_reply_seconds",
            "From an event's arrival to its replies",
            ("platform",),
            buckets=REPLY_BUCKETS,
            registry=r,
        )
        self.database_retries = Counter(
            "coach_database_retries", "Transactions run again or refused as busy", registry=r
        )
        self.flood_drops = Counter(
            "coach_flood_drops", "Events skipped by flood control", ("scope",), registry=r
        )
        self.reminders_queued = Counter(
            "coach_reminders_queued", "Messages queued by scheduler ticks", registry=r
        )
        self.reminders_skipped = Counter(
            "coach_reminders_skipped", "Reminders skipped as past their grace", registry=r
        )
        self.sent = Counter(
            "coach_messages_sent", "Queued messages delivered", ("platform", "kind"), registry=r
        )
        self.reminders_late = Counter(
            "coach_reminders_late",
            f"Reminders delivered more than {LATE_AFTER:.0f} s after they were due",
            registry=r,
        )
        self.platform_errors = Counter(
            "coach_platform_errors",
            "Sends a platform refused or failed",
            ("platform", "kind"),
            registry=r,
        )
        self.outbox_depth = Gauge("coach_outbox_depth", "Messages waiting to go out", registry=r)
        self._per_event: dict[tuple[str, str], tuple[Counter, Histogram]] = {}
        self.outbox_oldest = Gauge(
            "coach_outbox_oldest_due_seconds",
            "How long the oldest waiting message has been due",
            registry=r,
        )

    def event_handled(self, kind: str, platform: str, seconds: float) -> None:
        # On every event: the labelled children are looked up once, not per call (a
        # labels() call takes a lock and builds a key each time).
        counted = self._per_event.get((kind, platform))
        if counted is None:
            counted = self._per_event.setdefault(
                (kind, platform),
                (self.events.labels(kind, platform), self.reply_seconds.labels(platform)),
            )
        counted[0].inc()
        counted[1].observe(seconds)

    def database_retried(self) -> None:
        self.database_retries.inc()

    def flood_dropped(self, scope: str) -> None:
        self.flood_drops.labels(scope).inc()

    def reminders_ticked(self, queued: int, skipped_late: int) -> None:
        self.reminders_queued.inc(queued)
        self.reminders_skipped.inc(skipped_late)

    def message_sent(self, platform: str, kind: str, waited: float) -> None:
        self.sent.labels(platform, kind).inc()
        if kind == "reminder" and waited > LATE_AFTER:
            self.reminders_late.inc()

    def platform_error(self, platform: str, kind: str) -> None:
        self.platform_errors.labels(platform, kind).inc()

    async def exposition(self, db: Database) -> bytes:
        """The text a Prometheus server scrapes, the outbox backlog read fresh."""
        async with db.transaction() as conn:
            depth, oldest = await outbox_backlog(conn, utcnow())
        self.outbox_depth.set(depth)
        self.outbox_oldest.set(oldest)
        return generate_latest(self.registry)
