"""Answering an interaction within Discord's 3 s.

Discord forgets an interaction that is not acknowledged within 3 s. A coach that is done
within `defer_after` seconds is answered directly (one message, no "thinking…" flicker);
a slower one is deferred and answered with follow-ups. If the interaction expired all the
same (the process was paused, say), the answer goes out as an ordinary message instead —
to the user's DM when it was meant for their eyes only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from adapters.discord_adapter.config import PLATFORM, Handler
from adapters.discord_adapter.rendering import render
from adapters.discord_adapter.wording import NOTHING_TO_SAY, SORRY
from core.delivery.platform import RetryLater, Unreachable
from core.events import ChatRef, Event, Reply

log = logging.getLogger(__name__)

Send = Callable[[ChatRef, Reply], Awaitable[None]]


async def answer(
    interaction: discord.Interaction[Any],
    event: Event,
    handle: Handler,
    send: Send,
    *,
    ephemeral: bool,
    defer_after: float,
) -> None:
    """Run `event` through the coach and show the replies; `send` delivers them by
    message if the interaction has expired."""
    work = asyncio.ensure_future(_replies(handle, event))
    done, _ = await asyncio.wait({work}, timeout=defer_after)
    deferred = False
    if not done:
        try:
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)
            deferred = True
        except discord.HTTPException as exc:
            log.warning("could not defer interaction %s: %s", interaction.id, exc)
    replies = await work
    try:
        await _respond(interaction, replies, ephemeral=ephemeral, deferred=deferred)
    except discord.NotFound:
        # The interaction expired (not acknowledged in time): deliver by message.
        log.warning("interaction %s expired: answering by message instead", interaction.id)
        await _fallback(send, event, replies, ephemeral=ephemeral)
    except discord.HTTPException:
        log.exception("answering interaction %s failed", interaction.id)


async def _replies(handle: Handler, event: Event) -> list[Reply]:
    try:
        return await handle(event)
    except Exception:
        log.exception("the coach failed on a Discord event")
        return [Reply(SORRY)]


async def _respond(
    interaction: discord.Interaction[Any],
    replies: list[Reply],
    *,
    ephemeral: bool,
    deferred: bool,
) -> None:
    in_guild = interaction.guild_id is not None
    # A reply with a `notice` is about the press itself (an expired or stale button): for
    # the presser's eyes only, wherever they pressed.
    outgoing = [
        (message, bool(reply.notice) or (in_guild and (ephemeral or reply.private)))
        for reply in replies
        for message in render(reply)
    ]
    if not outgoing:
        await _acknowledge_silently(interaction, deferred=deferred)
        return
    first_followup = deferred
    for message, hidden in outgoing:
        if not interaction.response.is_done():
            await interaction.response.send_message(**message.kwargs(), ephemeral=hidden)
            continue
        if first_followup and hidden != ephemeral:
            # The first follow-up would fill the "thinking…" message, whose
            # visibility was fixed when deferring: remove it and post anew.
            await interaction.delete_original_response()
        first_followup = False
        await interaction.followup.send(**message.kwargs(), ephemeral=hidden, wait=True)


async def _acknowledge_silently(interaction: discord.Interaction[Any], *, deferred: bool) -> None:
    if interaction.type is discord.InteractionType.component and not deferred:
        await interaction.response.defer()
    elif deferred:
        await interaction.delete_original_response()
    else:
        await interaction.response.send_message(NOTHING_TO_SAY, ephemeral=True)


async def _fallback(send: Send, event: Event, replies: list[Reply], *, ephemeral: bool) -> None:
    chat = event.chat
    if chat.is_group and ephemeral:
        chat = ChatRef(PLATFORM, event.sender.user_id)  # never show it to the channel
    for reply in replies:
        target = ChatRef(PLATFORM, event.sender.user_id) if reply.private else chat
        try:
            await send(target, reply)
        except (RetryLater, Unreachable) as exc:
            log.warning("fallback delivery failed: %s", exc)
            return
