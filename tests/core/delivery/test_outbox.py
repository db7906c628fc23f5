"""The outbox's pacing: even spacing, a gap per chat, and a 429 holding and slowing every
send."""

from __future__ import annotations

import asyncio
import itertools
import time

from core.delivery.outbox import Limits, RateLimiter
from core.events import ChatRef


async def test_sends_are_spaced_and_one_chat_gets_its_gap() -> None:
    limiter = RateLimiter(Limits(per_second=50.0, chat_gap=0.2))
    started = time.monotonic()
    for chat in ("a", "b", "c"):
        await limiter.acquire(ChatRef("test", chat))
    assert time.monotonic() - started < 0.15  # three chats: 20 ms apart
    await limiter.acquire(ChatRef("test", "a"))
    assert time.monotonic() - started >= 0.2  # the same chat again waits its gap


async def test_a_429_while_others_wait_holds_them_too() -> None:
    """Sends already given a slot must not go out into the platform's refusal."""
    limiter = RateLimiter(Limits(per_second=20.0))
    sent: list[float] = []

    async def send(chat: str) -> None:
        await limiter.acquire(ChatRef("test", chat))
        sent.append(time.monotonic())

    waiting = [asyncio.create_task(send(str(n))) for n in range(5)]
    await asyncio.sleep(0.01)  # all five hold slots 50 ms apart; the first has gone
    held_at = time.monotonic()
    limiter.hold(0.3)
    await asyncio.gather(*waiting)
    late = [t - held_at for t in sent[1:]]
    assert all(t >= 0.3 for t in late), late
    assert all(b - a >= 0.04 for a, b in itertools.pairwise(sent[1:]))  # still spaced
    assert limiter.per_second < 19  # and slower for a while: the platform is stricter
