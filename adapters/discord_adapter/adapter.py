"""The Discord adapter itself: it owns the client's lifecycle and wires the client,
the answering of interactions and proactive delivery together.

It implements the outbox's `Platform` (`name`, `send`) and keeps no state of the
coach's: everything it holds is about the connection and the interactions in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable
from typing import Any

import discord

from adapters.discord_adapter.answering import answer
from adapters.discord_adapter.client import CoachClient
from adapters.discord_adapter.config import (
    PLATFORM,
    DiscordConfig,
    Endpoints,
    Handler,
    UnreachableHook,
)
from adapters.discord_adapter.delivery import deliver, report_unreachable
from adapters.discord_adapter.interactions import Incoming, command_event, press_event
from core.events import ChatRef, MenuCommand, Reply, handling

log = logging.getLogger(__name__)


class DiscordAdapter:
    """Runs the Discord client in the current loop and implements the outbox's Platform."""

    name = PLATFORM

    def __init__(
        self,
        handle: Handler,
        commands: Iterable[MenuCommand],
        config: DiscordConfig,
        *,
        on_unreachable: UnreachableHook | None = None,
    ) -> None:
        self.handle = handle
        self.commands = list(commands)
        self.config = config
        self.on_unreachable = on_unreachable
        self.client: CoachClient | None = None
        self.task: asyncio.Task[None] | None = None
        self._inflight: set[asyncio.Task[Any]] = set()
        self._endpoints = Endpoints()

    # -- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        """Log in (checks the token, syncs the slash commands) and connect in the
        background. `task` ends when the client stops for good."""
        self._endpoints.apply(self.config)
        client = CoachClient(self)
        self.client = client
        try:
            await client.login(self.config.token)
        except BaseException:
            await client.close()
            self._endpoints.restore()
            raise
        self.task = asyncio.create_task(client.connect(reconnect=True), name="discord-gateway")
        self.task.add_done_callback(_log_end)

    def when_stopped(self, callback: Callable[[], object]) -> None:
        """Call `callback` once the client has stopped for good: closed, or failed in a
        way discord.py does not retry (bad token, disallowed intents)."""
        if self.task is None:
            raise RuntimeError("the Discord adapter is not started")
        self.task.add_done_callback(lambda _: callback())

    async def wait_ready(self, within: float = 10.0) -> None:
        if self.client is None:
            raise RuntimeError("the Discord adapter is not started")
        await asyncio.wait_for(self.client.wait_until_ready(), within)

    async def drain(self) -> None:
        """Wait until every interaction being answered has been answered."""
        while self._inflight:
            await asyncio.gather(*list(self._inflight), return_exceptions=True)

    async def stop(self, grace: float = 10.0) -> None:
        """Let interactions in flight finish (up to `grace` seconds), then disconnect."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.drain(), grace)
        if self.client is not None:
            await self.client.close()
        if self.task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self.task
        self._endpoints.restore()

    # -- interactions in ----------------------------------------------------------------

    async def on_command(
        self, interaction: discord.Interaction[Any], command: MenuCommand, args: str
    ) -> None:
        await self._answer(interaction, command_event(interaction, command, args))

    async def on_press(self, interaction: discord.Interaction[Any], payload: str) -> None:
        await self._answer(interaction, press_event(interaction, payload))

    async def _answer(self, interaction: discord.Interaction[Any], incoming: Incoming) -> None:
        # Tracked so that `drain` (and so `stop`) waits for answers being written.
        current = asyncio.current_task()
        if current is not None:
            self._inflight.add(current)
        try:
            # Every line logged while answering, discord.py's too, names the interaction.
            with handling(str(interaction.id)):
                await answer(
                    interaction,
                    incoming.event,
                    self.handle,
                    self.send,
                    ephemeral=incoming.ephemeral,
                    defer_after=self.config.defer_after,
                )
        finally:
            if current is not None:
                self._inflight.discard(current)

    # -- proactive messages out (the outbox's Platform) -----------------------------

    @property
    def connected(self) -> bool:
        """Connected to the gateway, and ready."""
        return self.client is not None and self.client.is_ready() and not self.client.is_closed()

    async def send(self, chat: ChatRef, reply: Reply) -> None:
        """Post one message: to the user's DM when `chat` is private (chat_id is the
        user id), else to the channel `chat_id`."""
        await deliver(self.client, chat, reply, self._unreachable)

    async def chat_gone(self, channel_id: int) -> None:
        await self._unreachable(ChatRef(PLATFORM, str(channel_id), is_group=True))

    async def _unreachable(self, chat: ChatRef) -> None:
        await report_unreachable(self.on_unreachable, chat)


def _log_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("the Discord client stopped", exc_info=task.exception())
