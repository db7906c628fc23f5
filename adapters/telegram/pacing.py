"""PTB's AIORateLimiter, without its false alarm about the 429s it hands back.

AIORateLimiter paces calls (about 30 a second, 20 a minute per group) and retries a 429
up to `max_retries` times; the 429 it does not retry it logs as an ERROR with a
traceback ("Rate limit hit after maximum of 0 retries") before raising it. In this bot
that 429 is never the end of a message: the outbox holds its whole queue and sends the
message after the wait, and a live reply waits it out (`errors.call`); each says so once,
as a warning. So the 429 is handed back exactly as it came, and the log's one line about
it comes from whoever handles it.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

Answer = bool | dict[str, Any] | list[dict[str, Any]]


class _HandedBack(Exception):
    """Carries a 429 past AIORateLimiter's last-attempt handler, which would log it."""

    def __init__(self, limited: RetryAfter) -> None:
        super().__init__(limited.message)
        self.limited = limited


class QuietRateLimiter(AIORateLimiter):
    """AIORateLimiter's pacing and retries, unchanged; the 429 after the last retry is
    raised to the caller without being logged as an error."""

    def __init__(self, *, max_retries: int = 0) -> None:
        super().__init__(max_retries=max_retries)
        self.retries = max_retries

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Answer]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Answer:
        allowed = rate_limit_args or self.retries  # as AIORateLimiter reads them
        attempts = 0

        async def attempt(*call_args: Any, **call_kwargs: Any) -> Answer:
            nonlocal attempts
            attempts += 1
            try:
                return await callback(*call_args, **call_kwargs)
            except RetryAfter as exc:
                if attempts > allowed:  # the limiter would not retry it, only log it
                    raise _HandedBack(exc) from None
                raise

        try:
            return await super().process_request(
                attempt, args, kwargs, endpoint, data, rate_limit_args
            )
        except _HandedBack as handed:
            raise handed.limited from None
