"""The contract between the coach's outgoing messages and a platform adapter.

Replies to an event go back through the adapter that received it. Proactive messages
(reminders, cohort summaries) are queued in the outbox and handed to the adapter's
`send`; these exceptions tell the outbox what happened so it can wait out a rate
limit, retry a passing fault, or stop writing to someone who blocked the bot.
"""

from __future__ import annotations

from typing import Protocol

from core.events import ChatRef, Reply


class RetryLater(Exception):
    """The platform asked us to slow down (HTTP 429: `rate_limited`) or failed in
    passing (5xx, network). `after` is how many seconds to wait before trying again."""

    def __init__(self, after: float, reason: str = "", *, rate_limited: bool = False) -> None:
        super().__init__(reason or f"retry after {after:.1f} s")
        self.after = after
        self.rate_limited = rate_limited


class Unreachable(Exception):
    """The user blocked the bot, left, or the chat is gone: stop sending there."""


class Unconfirmed(Exception):
    """The request reached the platform but no answer came back in time (a read
    timeout): the message may well have arrived. Sending it again could show it twice,
    so the outbox records it as unconfirmed instead of retrying."""


class Platform(Protocol):
    name: str

    async def send(self, chat: ChatRef, reply: Reply) -> None:
        """Deliver one message; raise RetryLater, Unreachable or Unconfirmed as above."""
        ...
