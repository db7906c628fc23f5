"""What the Discord adapter is given: its settings, the coach's handler and the hook for
chats that are gone.

The endpoint override lives here too. discord.py keeps its REST base and gateway URL as
class attributes, so pointing a client elsewhere (a proxy, or the tests' wire-level
fake) changes them for the whole process: they are swapped in for a run and put back
when it ends, so a later client in the same process is not sent there by surprise.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import discord
import yarl

from core.events import ChatRef, Event, Reply

PLATFORM = "discord"
Handler = Callable[[Event], Awaitable[list[Reply]]]
UnreachableHook = Callable[[ChatRef], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class DiscordConfig:
    token: str = field(repr=False)
    # Sync the commands to this guild only (instant; for testing). Empty: global commands.
    guild_id: int | None = None
    # Point the client at another REST base (…/api/v10) or gateway (ws://…): process-wide.
    api_base_url: str = ""
    gateway_url: str = ""
    # Run only these shards of `shard_count` in this process (None: all, count from Discord).
    shard_ids: tuple[int, ...] | None = None
    shard_count: int | None = None
    sync_commands: bool = True
    # Answer directly if the coach is done this fast; otherwise defer and follow up.
    defer_after: float = 1.5
    guild_ready_timeout: float = 2.0
    # A 429 asking us to wait longer than this (min 30 s in discord.py) raises RetryLater.
    max_ratelimit_timeout: float = 30.0


class Endpoints:
    """The process-wide REST base and gateway URL, overridden for one run of the client."""

    def __init__(self) -> None:
        self._saved: tuple[str, yarl.URL] | None = None

    def apply(self, config: DiscordConfig) -> None:
        self._saved = (
            discord.http.Route.BASE,
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
        )
        if config.api_base_url:
            discord.http.Route.BASE = config.api_base_url.rstrip("/")
        if config.gateway_url:
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(config.gateway_url)

    def restore(self) -> None:
        if self._saved is not None:
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = self._saved
            self._saved = None
