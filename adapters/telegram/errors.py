"""Reading Telegram's failures, so that none stops the process and no message goes twice.

An error is either Telegram's answer (a bad request, a blocked user, a moved group: repeating
the call changes nothing) or a passing fault (a 429, the network). Of the network faults, a
call that timed out waiting for the answer may have been carried out, so a send is repeated
only after faults that surely happened before Telegram acted.

A malformed update is a failure of another kind: PTB cannot parse it, and left alone it
would block getUpdates for good, so it is logged and skipped.
"""

from __future__ import annotations

import asyncio
import json
import logging
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

import httpx
from telegram import Update
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger("adapters.telegram")  # one logger for the whole adapter

# Live replies: network errors are retried this many times, waiting 0.5 s, 1 s, 2 s.
LIVE_RETRIES = 3
BACKOFF_START = 0.5
# A 429 asking for a longer wait than this is not waited out inside a live reply.
MAX_LIVE_WAIT = 60.0

T = TypeVar("T")


def retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # int vs timedelta: PTB's transition warning, not ours
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def maybe_delivered(exc: NetworkError) -> bool:
    """A call that timed out waiting for the answer reached Telegram and may have been
    carried out; a connection that could not be made, a full pool or an error status means
    it surely was not, so only those are safe to repeat for a send."""
    return isinstance(exc.__cause__, httpx.ReadTimeout)


def is_chat_gone(exc: BadRequest) -> bool:
    message = exc.message.lower()
    return "chat not found" in message or "user not found" in message


async def call(make: Callable[[], Awaitable[T]], *, retries: int = 0, idempotent: bool = True) -> T:
    """One Bot API call; `retries` network failures (and 429s that outlasted the rate
    limiter's own retries) are retried with backoff before giving up. A call that is
    not `idempotent` (a send) is not repeated after it may have been carried out."""
    delay = BACKOFF_START
    for attempt in range(retries + 1):
        try:
            return await make()
        except (BadRequest, Forbidden, ChatMigrated, InvalidToken):
            raise  # answers, not passing faults
        except RetryAfter as exc:
            wait = retry_seconds(exc)
            if attempt == retries or wait > MAX_LIVE_WAIT:
                raise
            log.warning("Telegram rate limit: trying again in %.0f s", wait)
            await asyncio.sleep(wait)
        except NetworkError as exc:
            if attempt == retries:
                raise
            if not idempotent and maybe_delivered(exc):
                log.warning("Telegram did not answer a send in time; not repeating it")
                raise
            log.info("Telegram network error (%s); retrying in %.1f s", exc.message, delay)
            await asyncio.sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")


class SkipMalformedUpdates(HTTPXRequest):
    """getUpdates: an update PTB cannot parse fails the whole batch, and as its offset is
    then never confirmed, it would block polling for good. Each update is checked here and
    a bad one replaced by a bare {update_id} (logged, then skipped) so the offset moves on."""

    async def do_request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        code, payload = await super().do_request(url, method, *args, **kwargs)
        if code != 200 or not url.endswith("/getUpdates"):
            return code, payload
        try:
            body = json.loads(payload)
            updates = body["result"]
        except (ValueError, TypeError, KeyError):
            return code, payload  # PTB reports it
        if not isinstance(updates, list):
            return code, payload
        checked = [_checked_update(item) for item in updates]
        if all(c is u for c, u in zip(checked, updates, strict=True)):
            return code, payload
        kept = [c for c in checked if c is not None]
        return code, json.dumps({**body, "result": kept}).encode()


def _checked_update(item: Any) -> Any:
    try:
        Update.de_json(item, None)
        return item
    except Exception as exc:
        update_id = item.get("update_id") if isinstance(item, dict) else None
        log.warning("skipping a malformed Telegram update %s (%s)", update_id, type(exc).__name__)
        return {"update_id": update_id} if isinstance(update_id, int) else None
