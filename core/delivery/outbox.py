"""Delivering queued messages: leased, rate-limited, retried, never sent twice.

A sender leases a batch of pending rows (so another sender skips them), sends them
outside any transaction — a network call must not hold the database — and records each
outcome. Platform limits are kept per process: a global rate and a minimum gap per chat
(Telegram: about 30 messages/s, 1/s per chat, 20/min per group); `coach run` lets one
process per platform send at a time, so they are the bot's limits. A 429 holds the
whole platform for the time it asks; a blocked user is marked unreachable and their
reminders paused.

Several senders at once (during a hand-over, or in the tests) never send a row twice:
on PostgreSQL the lease skips rows another sender is leasing (`FOR UPDATE SKIP
LOCKED`, and a row leased meanwhile fails the re-checked condition), on SQLite the
lease transactions take turns. A lease lasts `LEASE`; a row whose send could not start
well inside it (rate limits waited out, a group's per-minute budget) goes back to the
queue instead, so no other sender can lease it while this one still sends it.

At most once, across crashes too: just before a message is handed to the platform its
row is marked `failed = "sending"` (committed). A process killed after the platform took
the message but before `sent_at` was written leaves that mark, and the row is never
picked again — a crash can cost a reminder in that instant, but never doubles one. The
same holds for a send that timed out waiting for the platform's answer (`Unconfirmed`).
`recover()` relabels such rows "unconfirmed" once their lease has run out, and logs them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time as clock
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import DBAPIError

from core.delivery.platform import Platform, RetryLater, Unconfirmed, Unreachable
from core.events import Button, ChatRef, Reply
from core.metrics import NO_METRICS, Metrics
from core.storage.db import Database
from core.storage.schema import as_utc, outbox, reminders, users, utcnow

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
# A send must start at least this long before its lease ends: time for the request
# itself, with the platform's own timeouts and retries.
SEND_MARGIN = timedelta(seconds=20)
MAX_ATTEMPTS = 6
# Rate-limit answers waited out in a row before the row goes back to the queue.
MAX_WAITS = 20
# After a 429 slowed the pace, each send wins back this much of it (messages/s).
RECOVERY_STEP = 0.01
# `failed` values: handed to the platform, outcome not recorded (yet); and for good.
SENDING = "sending"
UNCONFIRMED = "unconfirmed"
# Writing a row's state is retried this many times, waiting 0.2 s, 0.4 s, … in between.
WRITE_ATTEMPTS = 6
WRITE_BACKOFF = 0.2


def encode_reply(reply: Reply) -> dict[str, Any]:
    return {
        "text": reply.text,
        "buttons": [[[b.label, b.payload] for b in row] for row in reply.buttons],
    }


def decode_reply(data: Mapping[str, Any]) -> Reply:
    buttons = tuple(
        tuple(Button(label, payload) for label, payload in row) for row in data["buttons"]
    )
    return Reply(str(data["text"]), buttons)


@dataclass(frozen=True, slots=True)
class Limits:
    per_second: float
    chat_gap: float = 0.0
    group_per_minute: int = 0


PLATFORM_LIMITS: dict[str, Limits] = {
    # Slightly under the published figures, so bursts stay clear of 429s.
    "telegram": Limits(per_second=29.0, chat_gap=1.0, group_per_minute=20),
    "discord": Limits(per_second=45.0, chat_gap=0.25),
}


class RateLimiter:
    """Spaces sends evenly at `per_second`, keeps `chat_gap` between two sends to one
    chat, and can be held (after a 429) for everyone."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.per_second = limits.per_second
        self._next_slot = 0.0
        self._held_until = 0.0
        self._chat_next: dict[str, float] = {}
        self._group_sent: dict[str, list[float]] = {}
        self._lock = asyncio.Lock()

    def hold(self, seconds: float) -> None:
        """A 429: nobody sends until it is over, and the pace drops a tenth (it creeps
        back up with each send), so a platform stricter than our figures is met without
        running into its limit again and again."""
        self._held_until = max(self._held_until, clock.monotonic() + seconds)
        self._next_slot = max(self._next_slot, self._held_until)
        self.per_second = max(1.0, self.per_second * 0.9)

    async def acquire(self, chat: ChatRef) -> None:
        while True:
            start = await self._wait_for_slot(chat)
            # A 429 that came in while this send waited holds it too: queue again behind
            # the hold, evenly spaced, instead of sending into the platform's refusal.
            if self._held_until <= start:
                return

    async def _wait_for_slot(self, chat: ChatRef) -> float:
        async with self._lock:
            now = clock.monotonic()
            start = max(now, self._next_slot, self._chat_next.get(chat.chat_id, 0.0))
            if chat.is_group and self.limits.group_per_minute:
                recent = [t for t in self._group_sent.get(chat.chat_id, []) if t > now - 60]
                if len(recent) >= self.limits.group_per_minute:
                    start = max(start, recent[0] + 60)
                self._group_sent[chat.chat_id] = [*recent, start]
            self._next_slot = start + 1.0 / self.per_second
            self.per_second = min(self.limits.per_second, self.per_second + RECOVERY_STEP)
            if self.limits.chat_gap:
                self._chat_next[chat.chat_id] = start + self.limits.chat_gap
        delay = start - clock.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        return start


@dataclass(slots=True)
class DeliveryStats:
    sent: int = 0
    retried: int = 0
    unreachable: int = 0
    failed: int = 0
    unconfirmed: int = 0


def message_kind(dedupe_key: str) -> str:
    """What a queued message is, from its key: a person's reminder ("r…") or a group post."""
    return "reminder" if dedupe_key.startswith("r") else "group"


class Outbox:
    def __init__(
        self,
        db: Database,
        platforms: Mapping[str, Platform],
        *,
        on_unreachable: Callable[[ChatRef], Awaitable[None]] | None = None,
        batch: int = 200,
        concurrency: int = 32,
        metrics: Metrics = NO_METRICS,
    ) -> None:
        self.db = db
        self.metrics = metrics
        self.platforms = dict(platforms)
        self.limiters = {
            name: RateLimiter(PLATFORM_LIMITS.get(name, Limits(per_second=1000.0)))
            for name in self.platforms
        }
        self.on_unreachable = on_unreachable
        self.batch = batch
        self.concurrency = asyncio.Semaphore(concurrency)
        self.stats = DeliveryStats()

    async def deliver_once(self, now: datetime | None = None) -> int:
        """Lease and send one batch; returns how many rows were attempted."""
        now = now or utcnow()
        leased = await self._lease(now)
        last_start = clock.monotonic() + (LEASE - SEND_MARGIN).total_seconds()
        await asyncio.gather(*(self._send(row, last_start) for row in leased))
        return len(leased)

    async def run(
        self,
        stop: asyncio.Event,
        idle: float = 0.5,
        *,
        still_elected: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        """Send until `stop` — or until `still_elected` says another process took over."""
        try:
            await self.recover()
        except DBAPIError as exc:
            log.warning("outbox: database unavailable for recovery, carrying on: %s", exc.orig)
        except Exception:
            log.exception("outbox recovery failed; carrying on")
        while not stop.is_set():
            if still_elected is not None and not await still_elected():
                log.warning("outbox: no longer the sender for %s", ", ".join(self.platforms))
                return
            try:
                worked = await self.deliver_once()
            except DBAPIError as exc:  # the database is away: handled, the loop retries
                log.warning("outbox: database unavailable, retrying shortly: %s", exc.orig)
                worked = 0
            except Exception:
                log.exception("outbox delivery failed; retrying shortly")
                worked = 0
            if not worked:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=idle)

    async def recover(self, now: datetime | None = None) -> int:
        """Rows a dead process was sending (their lease ran out with the "sending" mark
        still on): they may have arrived, so they are marked unconfirmed, not resent."""
        now = now or utcnow()
        async with self.db.transaction() as conn:
            result = await conn.execute(
                update(outbox)
                .where(
                    outbox.c.failed == SENDING,
                    outbox.c.sent_at.is_(None),
                    or_(outbox.c.lease_until.is_(None), outbox.c.lease_until < now),
                )
                .values(failed=UNCONFIRMED, lease_until=None)
            )
        count = int(result.rowcount or 0)
        if count:
            log.warning(
                "%d queued message(s) were being sent when a process stopped; they may have "
                "arrived, so they are not sent again",
                count,
            )
        return count

    async def _lease(self, now: datetime) -> list[Any]:
        pending = and_(
            outbox.c.sent_at.is_(None),
            outbox.c.failed.is_(None),
            outbox.c.not_before <= now,
            outbox.c.platform.in_(self.platforms),
            or_(outbox.c.lease_until.is_(None), outbox.c.lease_until < now),
        )
        async with self.db.transaction() as conn:
            query = select(outbox).where(pending).order_by(outbox.c.id).limit(self.batch)
            if conn.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            found = list(await conn.execute(query))
            if found:
                await conn.execute(
                    update(outbox)
                    .where(outbox.c.id.in_([r.id for r in found]))
                    .values(lease_until=now + LEASE)
                )
        return found

    async def _send(self, row: Any, last_start: float) -> None:
        chat = ChatRef(row.platform, row.chat_id, is_group=row.is_group)
        platform = self.platforms[row.platform]
        limiter = self.limiters[row.platform]
        async with self.concurrency:
            for _ in range(MAX_WAITS):
                await limiter.acquire(chat)
                if clock.monotonic() > last_start:
                    await self._give_back(row.id)  # the lease is running out
                    return
                await self._mark(row.id, SENDING)
                try:
                    await platform.send(chat, decode_reply(row.message))
                except RetryLater as exc:
                    self.metrics.platform_error(
                        row.platform, "429" if exc.rate_limited else "network"
                    )
                    # Surely not delivered. Wait it out here: the lease keeps other
                    # senders off this row. Handled, so a warning: an operator sees a
                    # platform pushing back, not a failure.
                    log.warning(
                        "outbox row %s to %s chat %s held back (%s); sending again in %.1f s",
                        row.id,
                        row.platform,
                        row.chat_id,
                        exc,
                        exc.after,
                    )
                    self.stats.retried += 1
                    await self._mark(row.id, None)
                    limiter.hold(exc.after)
                    continue
                except Unconfirmed as exc:
                    self.metrics.platform_error(row.platform, "network")
                    self.stats.unconfirmed += 1
                    log.warning("outbox row %s may or may not have arrived: %s", row.id, exc)
                    await self._finish(row.id, failed=UNCONFIRMED)
                    return
                except Unreachable as exc:
                    self.metrics.platform_error(row.platform, "403")
                    # The user blocked the bot or the chat is gone: an everyday event.
                    log.info(
                        "outbox row %s to %s chat %s not sent: the chat is unreachable (%s)",
                        row.id,
                        row.platform,
                        row.chat_id,
                        exc,
                    )
                    self.stats.unreachable += 1
                    await self._finish(row.id, failed="unreachable")
                    await self._mark_unreachable(row.user_id, chat)
                    return
                except Exception as exc:
                    self.metrics.platform_error(row.platform, "other")
                    log.warning("sending outbox row %s failed: %s", row.id, type(exc).__name__)
                    await self._retry_later(row)
                    return
                self.stats.sent += 1
                await self._finish(row.id)
                waited = (utcnow() - as_utc(row.created_at)).total_seconds()
                self.metrics.message_sent(row.platform, message_kind(row.dedupe_key), waited)
                return
            await self._retry_later(row)

    async def _mark(self, row_id: int, failed: str | None) -> None:
        await self._update(row_id, failed=failed)

    async def _finish(self, row_id: int, *, failed: str | None = None) -> None:
        values: dict[str, Any] = {"lease_until": None, "failed": failed}
        if not failed:
            values["sent_at"] = utcnow()
        await self._update(row_id, **values)

    async def _give_back(self, row_id: int) -> None:
        """Unsent, not failed: the next lease takes it (no attempt counted)."""
        await self._update(row_id, lease_until=None)

    async def _retry_later(self, row: Any) -> None:
        attempts = row.attempts + 1
        values: dict[str, Any] = {"attempts": attempts, "lease_until": None, "failed": None}
        if attempts >= MAX_ATTEMPTS:
            self.stats.failed += 1
            values["failed"] = "gave up after errors"
        else:
            values["not_before"] = utcnow() + timedelta(seconds=2**attempts)
        await self._update(row.id, **values)

    async def _update(self, row_id: int, **values: Any) -> None:
        """Record a row's state. The database may be failing for a moment (locked, being
        restarted), so the write is retried for a while: given up, it would leave the
        row's last state — "sending" for a message that may never have gone out."""
        for attempt in range(WRITE_ATTEMPTS):
            try:
                async with self.db.transaction() as conn:
                    await conn.execute(update(outbox).where(outbox.c.id == row_id).values(**values))
                return
            except DBAPIError:
                if attempt == WRITE_ATTEMPTS - 1:
                    raise
                log.warning("recording outbox row %s failed; retrying", row_id)
                await asyncio.sleep(WRITE_BACKOFF * 2**attempt)

    async def _mark_unreachable(self, user_id: int | None, chat: ChatRef) -> None:
        if user_id is not None:
            await mark_unreachable(self.db, user_id)
        if self.on_unreachable is not None:
            await self.on_unreachable(chat)


async def mark_unreachable(db: Database, user_id: int) -> None:
    """The user blocked us or left: stop their reminders until they come back."""
    async with db.transaction() as conn:
        await conn.execute(update(users).where(users.c.id == user_id).values(unreachable=True))
        await conn.execute(
            update(reminders).where(reminders.c.user_id == user_id).values(next_due_at=None)
        )
