"""Proactive messages (the outbox's `Platform.send`) and what Discord's failures mean
for the outbox.

discord.py waits out short per-route 429s itself; a longer one, a 5xx or a network
fault raises `RetryLater`, so the outbox tries again later. A user whose DMs are closed
(403, code 50007), a missing channel or a channel the bot may not post in raises
`Unreachable` after reporting the chat as gone, so the coach stops writing there.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import aiohttp
import discord

from adapters.discord_adapter.config import UnreachableHook
from adapters.discord_adapter.rendering import render
from core.delivery.platform import RetryLater, Unreachable
from core.events import ChatRef, Reply

log = logging.getLogger(__name__)

DMS_CLOSED = 50007  # "Cannot send messages to this user"


async def deliver(
    client: discord.Client | None,
    chat: ChatRef,
    reply: Reply,
    gone: Callable[[ChatRef], Awaitable[None]],
) -> None:
    """Post one message: to the user's DM when `chat` is private (chat_id is the user
    id), else to the channel `chat_id`. `gone` is told about a chat that cannot be
    reached before `Unreachable` is raised."""
    if client is None or client.is_closed():
        raise RetryLater(5.0, "the Discord client is not running")
    try:
        target = int(chat.chat_id)
    except ValueError:
        await gone(chat)
        raise Unreachable(f"not a Discord id: {chat.chat_id!r}") from None
    try:
        channel: discord.abc.Messageable
        if chat.is_group:
            channel = client.get_partial_messageable(target)
        else:
            channel = await client.create_dm(discord.Object(target))
        for message in render(reply):
            await channel.send(**message.kwargs())
    except discord.RateLimited as exc:
        raise RetryLater(exc.retry_after, "Discord rate limit", rate_limited=True) from exc
    except (discord.Forbidden, discord.NotFound) as exc:
        await gone(chat)
        reason = "DMs closed" if exc.code == DMS_CLOSED else f"HTTP {exc.status} ({exc.code})"
        raise Unreachable(reason) from exc
    except discord.HTTPException as exc:
        if exc.status == 429:  # without Discord's headers: an edge (IP-level) limit
            raise RetryLater(60.0, "rate limited at the edge", rate_limited=True) from exc
        if exc.status >= 500:
            raise RetryLater(5.0, f"Discord answered {exc.status}") from exc
        raise
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        raise RetryLater(5.0, f"network: {type(exc).__name__}") from exc


async def report_unreachable(hook: UnreachableHook | None, chat: ChatRef) -> None:
    """Tell the coach a chat is gone; a failing hook is logged, never raised, so that the
    delivery still ends in `Unreachable`."""
    if hook is not None:
        try:
            await hook(chat)
        except Exception:
            log.exception("on_unreachable failed")
