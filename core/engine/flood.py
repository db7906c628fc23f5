"""Flood control: a token bucket per sender and per group chat, checked before anything
else in `Coach.handle`.

Why here, in front of the database: an event over the limit costs a dictionary lookup,
not a transaction, so one person (or one group) sending hundreds of messages a minute
cannot use up the database, the event loop or the platform's send budget that everyone
else shares. The sender gets one polite notice per flood; what they send after it is
dropped without a reply until they slow down, and once their bucket has refilled
completely the next flood earns a new notice.

The buckets live in this process's memory: cheap, and good enough because a flood comes
from one chat, and a chat's updates reach one worker (Telegram polling, a Discord shard).
With several webhook workers behind a load balancer each keeps its own buckets, so the
effective limit is that many times higher — still bounded. Restarting forgets them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from core.events import Event

SENDER_NOTICE = (
    "You're sending messages faster than I can answer them, so I'll skip the next few. "
    "Give it a minute, then carry on — nothing you saved is lost."
)
GROUP_NOTICE = (
    "This chat is sending me more than I can answer right now, so I'll skip a few "
    "messages. Give it a minute, then carry on."
)

# Idle buckets are forgotten now and then, so memory follows active senders only.
SWEEP_EVERY = 1024


class Verdict(Enum):
    ADMIT = "admit"
    NOTICE = "notice"  # over the limit for the first time in this flood: say so once
    DROP = "drop"  # over the limit again: no reply at all


@dataclass(frozen=True, slots=True)
class Refusal:
    """An event over the limit: answer with `notice`, or not at all when it is None."""

    notice: str | None


@dataclass(frozen=True, slots=True)
class FloodLimits:
    """Steady rates per minute and how many messages in a row are let through first.
    A rate of 0 turns that limit off."""

    per_minute: float = 30.0
    burst: int = 20
    # Telegram lets a bot post about 20 messages a minute into one group.
    group_per_minute: float = 20.0
    group_burst: int = 10


@dataclass(slots=True)
class _Bucket:
    tokens: float
    stamp: float
    noticed: bool = False


class _Buckets:
    def __init__(self, per_minute: float, burst: int) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(max(1, burst))
        self.buckets: dict[tuple[str, str], _Bucket] = {}

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def _refilled(self, key: tuple[str, str], now: float) -> _Bucket:
        bucket = self.buckets.get(key)
        if bucket is None:
            bucket = self.buckets[key] = _Bucket(self.burst, now)
            return bucket
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.stamp) * self.rate)
        bucket.stamp = now
        if bucket.tokens >= self.burst:
            bucket.noticed = False  # calmed down: a later flood gets a notice again
        return bucket

    def take(self, key: tuple[str, str], now: float) -> Verdict:
        bucket = self._refilled(key, now)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return Verdict.ADMIT
        if bucket.noticed:
            return Verdict.DROP
        bucket.noticed = True
        return Verdict.NOTICE

    def give_back(self, key: tuple[str, str]) -> None:
        bucket = self.buckets.get(key)
        if bucket is not None:
            bucket.tokens = min(self.burst, bucket.tokens + 1.0)

    def sweep(self, now: float) -> None:
        """Forget buckets that have refilled: a fresh bucket behaves the same."""
        idle = [
            key
            for key, b in self.buckets.items()
            if b.tokens + (now - b.stamp) * self.rate >= self.burst
        ]
        for key in idle:
            del self.buckets[key]


class FloodControl:
    def __init__(
        self, limits: FloodLimits | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits or FloodLimits()
        self.clock = clock
        self.senders = _Buckets(self.limits.per_minute, self.limits.burst)
        self.groups = _Buckets(self.limits.group_per_minute, self.limits.group_burst)
        self._calls = 0

    def check(self, event: Event) -> Refusal | None:
        """None admits the event (and counts it); a Refusal says how to answer it."""
        now = self.clock()
        self._calls += 1
        if self._calls % SWEEP_EVERY == 0:
            self.senders.sweep(now)
            self.groups.sweep(now)
        sender = (event.sender.platform, event.sender.user_id)
        if self.senders.enabled:
            verdict = self.senders.take(sender, now)
            if verdict is not Verdict.ADMIT:
                return Refusal(SENDER_NOTICE if verdict is Verdict.NOTICE else None)
        if event.chat.is_group and self.groups.enabled:
            verdict = self.groups.take((event.chat.platform, event.chat.chat_id), now)
            if verdict is not Verdict.ADMIT:
                self.senders.give_back(sender)  # the group was over, not this person
                return Refusal(GROUP_NOTICE if verdict is Verdict.NOTICE else None)
        return None

    @property
    def tracked(self) -> int:
        """How many buckets are held in memory (for tests and the soak bench)."""
        return len(self.senders.buckets) + len(self.groups.buckets)
