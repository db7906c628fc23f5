"""The discord.py client the adapter runs: intents, sharding, command sync, and the
gateway events that tell the coach a chat is gone.

It hands every interaction to its host (the adapter) and decides nothing itself. The
host is a protocol so that the client need not import the adapter that owns it.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

import discord
from discord import app_commands

from adapters.discord_adapter.commands import CoachTree, slash_command
from adapters.discord_adapter.config import DiscordConfig
from adapters.discord_adapter.interactions import pressed_payload
from core.events import MenuCommand

log = logging.getLogger(__name__)

# Interactions with something on a message: a component (button, select menu) or a form.
PRESSES = frozenset({discord.InteractionType.component, discord.InteractionType.modal_submit})


class Host(Protocol):
    """What the client reads its settings from and hands interactions to."""

    config: DiscordConfig
    commands: list[MenuCommand]

    async def on_command(
        self, interaction: discord.Interaction[Any], command: MenuCommand, args: str
    ) -> None: ...

    async def on_press(self, interaction: discord.Interaction[Any], payload: str) -> None: ...

    async def chat_gone(self, channel_id: int) -> None: ...


class CoachClient(discord.AutoShardedClient):
    def __init__(self, adapter: Host) -> None:
        config = adapter.config
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False  # no voice here
        intents = discord.Intents.none()
        intents.guilds = True  # guild and channel data; no members, no message content
        sharding: dict[str, Any] = {"shard_count": config.shard_count}
        if config.shard_ids:
            sharding["shard_ids"] = list(config.shard_ids)
        super().__init__(
            intents=intents,
            **sharding,
            max_messages=None,
            chunk_guilds_at_startup=False,
            guild_ready_timeout=config.guild_ready_timeout,
            max_ratelimit_timeout=config.max_ratelimit_timeout,
            # The coach never means to ping anyone; a display name or quoted text like
            # "@everyone" or "<@&role>" must stay text.
            allowed_mentions=discord.AllowedMentions.none(),
        )
        self.adapter = adapter
        self.tree = CoachTree(self)

    async def setup_hook(self) -> None:
        for command in self.adapter.commands:
            try:
                self.tree.add_command(slash_command(self.adapter.on_command, command))
            except (ValueError, app_commands.AppCommandError) as exc:
                log.warning("/%s cannot be a Discord slash command: %s", command.name, exc)
        config = self.adapter.config
        # One process syncs: the one running shard 0 (or all shards).
        if config.sync_commands and (not config.shard_ids or 0 in config.shard_ids):
            await self.sync_commands()

    async def sync_commands(self) -> None:
        guild_id = self.adapter.config.guild_id
        try:
            if guild_id is not None:
                guild = discord.Object(guild_id)
                self.tree.copy_global_to(guild=guild)
                synced = await self.tree.sync(guild=guild)
            else:
                synced = await self.tree.sync()
        except discord.HTTPException as exc:
            log.warning("could not sync slash commands (%s): keeping the last synced set", exc)
            return
        log.info(
            "synced %d slash commands%s", len(synced), f" to guild {guild_id}" if guild_id else ""
        )

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """Every press on every message goes to the adapter, and so is answered: a button
        press, and equally a select menu or a form left by an older version — nothing
        else in the client answers them (`buttons`). Slash commands go through the tree."""
        if interaction.type in PRESSES:
            await self.adapter.on_press(interaction, pressed_payload(interaction))

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """Kicked from a server (or the server is gone): cohorts in its channels end."""
        for channel in guild.channels:
            await self.adapter.chat_gone(channel.id)

    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        await self.adapter.chat_gone(channel.id)

    async def launch_shards(self) -> None:
        # discord.py connects to the URL from GET /gateway/bot unless the shard count is
        # known; ask only for the count so a configured gateway URL is honoured.
        if self.shard_count is None and self.adapter.config.gateway_url:
            self.shard_count, _, _ = await self.http.get_bot_gateway()
        await super().launch_shards()
