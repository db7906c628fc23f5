"""The Discord adapter (discord.py 2.x): slash commands and button presses in, replies out.

Translation only — the coach decides everything:

- Every core command is a slash command with one optional text option; `/ask question:…`
  reaches the core as the text `/ask …`, exactly as typed on Telegram. No message-content
  intent is needed: the bot reads interactions, never channel messages.
- A button's custom_id *is* the core's payload (<= 64 bytes). One catch-all `DynamicItem`
  receives every press, so buttons on messages sent before a restart keep working; the
  core answers stale and forged presses itself.
- Chats: a private chat is keyed by the **user id** (as on Telegram, where a private
  chat's id is the user's), so reminders set in a DM or in a server go to that user's DM.
  A guild channel is a group chat keyed by the channel id. A private command (check-in,
  pain, readiness…) used in a server channel runs as the user's private conversation
  and is answered ephemerally — only they see it. Shared commands (/help) are answered
  ephemerally too; group-level commands (cohort summaries: in groups only) post in the
  channel, except replies the core marks `private`.
- Every interaction is acknowledged within Discord's 3 s: answered directly when the
  coach is done within `defer_after` seconds, otherwise deferred ("thinking…") and
  answered with follow-ups.
- Proactive messages (`send`, called by the outbox) go to a user's DM or a channel.
  discord.py waits out short per-route 429s itself; a longer one, a 5xx or a network
  fault raises `RetryLater`; a user whose DMs are closed (403, code 50007), a missing
  channel or a channel the bot may not post in raises `Unreachable` after calling
  `on_unreachable(chat)`. Being removed from a server, or a channel being deleted, is
  reported the same way for each channel, so the coach can end cohorts there.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import discord
import yarl
from discord import app_commands

from core.delivery.platform import RetryLater, Unreachable
from core.events import Attachment, Button, ChatRef, Event, MenuCommand, Reply, Sender

log = logging.getLogger(__name__)

PLATFORM = "discord"
Handler = Callable[[Event], Awaitable[list[Reply]]]
UnreachableHook = Callable[[ChatRef], Awaitable[None]]

MAX_CONTENT = 2000  # characters in one message
MAX_ROWS = 5  # action rows per message
MAX_PER_ROW = 5  # buttons per action row
MAX_LABEL = 80
MAX_DESCRIPTION = 100
DMS_CLOSED = 50007  # "Cannot send messages to this user"
MORE_CHOICES = "More choices:"
NOTHING_TO_SAY = "Done."
UNKNOWN_COMMAND = "I don't know that command any more — send /help to see what I can do."
SORRY = "Sorry, I tripped over that one — please try again, or send /help."

# The option each slash command shows (name, description). Any other command gets "args".
OPTIONS: dict[str, tuple[str, str]] = {
    "ask": ("question", "Your question, e.g. can I lift while sore?"),
    "pain": ("description", "Describe the pain in your own words"),
    "checkin": ("soreness", "Optional shorthand, e.g. legs 3 chest 1 (or leave empty)"),
    "timezone": ("zone", "Area/City, e.g. Europe/Berlin"),
    "remind": ("setting", "Optional, e.g. checkin 08:00 (or leave empty to choose)"),
    "pause": ("until", "Optional, e.g. 10d, 2w or until 2026-12-20"),
}
DEFAULT_OPTION = ("args", "Optional details, as you would type them after the command")


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


# -- rendering ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One Discord message: a slice of a reply's text, its files and a page of buttons."""

    content: str
    attachments: tuple[Attachment, ...] = ()
    buttons: tuple[tuple[Button, ...], ...] = ()

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for send / send_message / followup.send (fresh file objects
        every time: a discord.File is a stream and can be read only once)."""
        args: dict[str, Any] = {"content": self.content or None}
        if self.attachments:
            args["files"] = [
                discord.File(io.BytesIO(a.data), filename=a.name) for a in self.attachments
            ]
        if self.buttons:
            args["view"] = payload_view(self.buttons)
        return args


def split_text(text: str, limit: int = MAX_CONTENT) -> list[str]:
    """Cut text into messages of at most `limit` characters, at a line break or a space
    where there is one."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    if rest or not parts:
        parts.append(rest)
    return parts


def button_pages(
    rows: Sequence[Sequence[Button]],
) -> list[tuple[tuple[Button, ...], ...]]:
    """Keep the core's rows when they fit one message (5 rows of 5); otherwise pack the
    buttons five to a row, 25 to a message. A payload repeated within a message is
    dropped (Discord rejects duplicate custom_ids)."""
    kept = [tuple(row) for row in rows if row]
    if not kept:
        return []
    if len(kept) > MAX_ROWS or any(len(row) > MAX_PER_ROW for row in kept):
        flat = [b for row in kept for b in row]
        packed = [tuple(flat[i : i + MAX_PER_ROW]) for i in range(0, len(flat), MAX_PER_ROW)]
        kept = packed
    pages: list[tuple[tuple[Button, ...], ...]] = []
    for start in range(0, len(kept), MAX_ROWS):
        seen: set[str] = set()
        page: list[tuple[Button, ...]] = []
        for row in kept[start : start + MAX_ROWS]:
            unique: list[Button] = []
            for button in row:
                if button.payload not in seen:
                    seen.add(button.payload)
                    unique.append(button)
            if unique:
                page.append(tuple(unique))
        pages.append(tuple(page))
    return pages


def render(reply: Reply) -> list[Outgoing]:
    """A reply as Discord messages: text split at 2,000 characters; the image and file
    and the first page of buttons ride on the last piece of text."""
    texts = split_text(reply.text)
    attachments = tuple(a for a in (reply.image, reply.file) if a is not None)
    pages = button_pages(reply.buttons)
    messages = [Outgoing(t) for t in texts[:-1]]
    messages.append(Outgoing(texts[-1], attachments, pages[0] if pages else ()))
    messages += [Outgoing(MORE_CHOICES, (), page) for page in pages[1:]]
    return [m for m in messages if m.content or m.attachments or m.buttons]


class PayloadButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=re.compile(r"(?P<payload>.+)", re.DOTALL),
):
    """A button whose custom_id is the coach's payload. Registered once per client, it
    catches presses on any message, including ones sent before a restart."""

    def __init__(self, label: str, payload: str, *, row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=_shorten(label or "·", MAX_LABEL),
                custom_id=payload,
                style=discord.ButtonStyle.secondary,
            ),
            row=row,
        )
        self.payload = payload

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PayloadButton:
        return cls(str(getattr(item, "label", None) or ""), match["payload"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        client = interaction.client
        if isinstance(client, CoachClient):
            await client.adapter.on_press(interaction, self.payload)


def payload_view(rows: Sequence[Sequence[Button]]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for number, row in enumerate(rows):
        for button in row:
            view.add_item(PayloadButton(button.label, button.payload, row=number))
    return view


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- the client -----------------------------------------------------------------------


class CoachTree(app_commands.CommandTree[Any]):
    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError, /
    ) -> None:
        """A command Discord still shows but this version no longer has (or whose options
        changed) gets a clear answer instead of "The application did not respond"."""
        outdated = (app_commands.CommandNotFound, app_commands.CommandSignatureMismatch)
        if isinstance(error, outdated):
            log.warning("outdated slash command used: %s", error)
            answer = UNKNOWN_COMMAND
        else:
            log.error("slash command failed", exc_info=error)
            answer = SORRY
        if not interaction.response.is_done():
            with contextlib.suppress(discord.HTTPException):
                await interaction.response.send_message(answer, ephemeral=True)


class CoachClient(discord.AutoShardedClient):
    def __init__(self, adapter: DiscordAdapter) -> None:
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
        self.add_dynamic_items(PayloadButton)
        for command in self.adapter.commands:
            try:
                self.tree.add_command(slash_command(self.adapter, command))
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


def slash_command(
    adapter: DiscordAdapter, command: MenuCommand
) -> app_commands.Command[Any, ..., None]:
    option, described = OPTIONS.get(command.name, DEFAULT_OPTION)

    async def invoke(interaction: discord.Interaction[Any], text: str | None = None) -> None:
        await adapter.on_command(interaction, command, text or "")

    invoke = app_commands.describe(text=described)(app_commands.rename(text=option)(invoke))
    contexts = app_commands.AppCommandContext(
        guild=command.in_groups or command.in_private, dm_channel=command.in_private
    )
    return app_commands.Command(
        name=command.name,
        description=_shorten(command.summary or command.name, MAX_DESCRIPTION),
        callback=invoke,
        allowed_contexts=contexts,
    )


# -- the adapter ----------------------------------------------------------------------


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
        self._saved_endpoints: tuple[str, yarl.URL] | None = None

    # -- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        """Log in (checks the token, syncs the slash commands) and connect in the
        background. `task` ends when the client stops for good."""
        self._apply_endpoints()
        client = CoachClient(self)
        self.client = client
        try:
            await client.login(self.config.token)
        except BaseException:
            await client.close()
            self._restore_endpoints()
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
        self._restore_endpoints()

    def _apply_endpoints(self) -> None:
        self._saved_endpoints = (
            discord.http.Route.BASE,
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
        )
        if self.config.api_base_url:
            discord.http.Route.BASE = self.config.api_base_url.rstrip("/")
        if self.config.gateway_url:
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.config.gateway_url)

    def _restore_endpoints(self) -> None:
        if self._saved_endpoints is not None:
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = (
                self._saved_endpoints
            )
            self._saved_endpoints = None

    # -- interactions in ----------------------------------------------------------------

    async def on_command(
        self, interaction: discord.Interaction[Any], command: MenuCommand, args: str
    ) -> None:
        in_guild = interaction.guild_id is not None
        group_level = in_guild and command.in_groups and not command.in_private
        event = self._event(
            interaction,
            text=f"/{command.name} {args}".strip(),
            private=not in_guild or not command.in_groups,
        )
        await self._answer(interaction, event, ephemeral=in_guild and not group_level)

    async def on_press(self, interaction: discord.Interaction[Any], payload: str) -> None:
        in_guild = interaction.guild_id is not None
        message = interaction.message
        # A press on an ephemeral message continues a private conversation held in a
        # channel; a press on a public message there belongs to the channel.
        on_private = message is not None and message.flags.ephemeral
        event = self._event(interaction, payload=payload, private=not in_guild or on_private)
        await self._answer(interaction, event, ephemeral=in_guild)

    def _event(
        self,
        interaction: discord.Interaction[Any],
        *,
        private: bool,
        text: str | None = None,
        payload: str | None = None,
    ) -> Event:
        user = interaction.user
        sender = Sender(PLATFORM, str(user.id), user.display_name)
        if private:
            chat = ChatRef(PLATFORM, str(user.id))
        else:
            rights = interaction.permissions
            chat = ChatRef(
                PLATFORM,
                str(interaction.channel_id),
                is_group=True,
                user_is_admin=rights.administrator or rights.manage_guild,
            )
        return Event(
            sender,
            chat,
            text=text,
            payload=payload,
            when=interaction.created_at,
            update_id=str(interaction.id),
        )

    async def _answer(
        self, interaction: discord.Interaction[Any], event: Event, *, ephemeral: bool
    ) -> None:
        current = asyncio.current_task()
        if current is not None:
            self._inflight.add(current)
        try:
            work = asyncio.ensure_future(self._handle(event))
            done, _ = await asyncio.wait({work}, timeout=self.config.defer_after)
            deferred = False
            if not done:
                try:
                    await interaction.response.defer(ephemeral=ephemeral, thinking=True)
                    deferred = True
                except discord.HTTPException as exc:
                    log.warning("could not defer interaction %s: %s", interaction.id, exc)
            replies = await work
            await self._respond(interaction, event, replies, ephemeral=ephemeral, deferred=deferred)
        finally:
            if current is not None:
                self._inflight.discard(current)

    async def _handle(self, event: Event) -> list[Reply]:
        try:
            return await self.handle(event)
        except Exception:
            log.exception("the coach failed on a Discord event")
            return [Reply(SORRY)]

    async def _respond(
        self,
        interaction: discord.Interaction[Any],
        event: Event,
        replies: list[Reply],
        *,
        ephemeral: bool,
        deferred: bool,
    ) -> None:
        in_guild = interaction.guild_id is not None
        outgoing = [
            (message, in_guild and (ephemeral or reply.private))
            for reply in replies
            for message in render(reply)
        ]
        try:
            if not outgoing:
                await self._acknowledge_silently(interaction, deferred=deferred)
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
        except discord.NotFound:
            # The interaction expired (not acknowledged in time): deliver by message.
            log.warning("interaction %s expired: answering by message instead", interaction.id)
            await self._fallback(event, replies, ephemeral=ephemeral)
        except discord.HTTPException:
            log.exception("answering interaction %s failed", interaction.id)

    async def _acknowledge_silently(
        self, interaction: discord.Interaction[Any], *, deferred: bool
    ) -> None:
        if interaction.type is discord.InteractionType.component and not deferred:
            await interaction.response.defer()
        elif deferred:
            await interaction.delete_original_response()
        else:
            await interaction.response.send_message(NOTHING_TO_SAY, ephemeral=True)

    async def _fallback(self, event: Event, replies: list[Reply], *, ephemeral: bool) -> None:
        chat = event.chat
        if chat.is_group and ephemeral:
            chat = ChatRef(PLATFORM, event.sender.user_id)  # never show it to the channel
        for reply in replies:
            target = ChatRef(PLATFORM, event.sender.user_id) if reply.private else chat
            try:
                await self.send(target, reply)
            except (RetryLater, Unreachable) as exc:
                log.warning("fallback delivery failed: %s", exc)
                return

    # -- proactive messages out (the outbox's Platform) -----------------------------

    async def send(self, chat: ChatRef, reply: Reply) -> None:
        """Post one message: to the user's DM when `chat` is private (chat_id is the
        user id), else to the channel `chat_id`."""
        client = self.client
        if client is None or client.is_closed():
            raise RetryLater(5.0, "the Discord client is not running")
        try:
            target = int(chat.chat_id)
        except ValueError:
            await self._unreachable(chat)
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
            raise RetryLater(exc.retry_after, "Discord rate limit") from exc
        except (discord.Forbidden, discord.NotFound) as exc:
            await self._unreachable(chat)
            reason = "DMs closed" if exc.code == DMS_CLOSED else f"HTTP {exc.status} ({exc.code})"
            raise Unreachable(reason) from exc
        except discord.HTTPException as exc:
            if exc.status == 429:  # without Discord's headers: an edge (IP-level) limit
                raise RetryLater(60.0, "rate limited at the edge") from exc
            if exc.status >= 500:
                raise RetryLater(5.0, f"Discord answered {exc.status}") from exc
            raise
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise RetryLater(5.0, f"network: {type(exc).__name__}") from exc

    async def chat_gone(self, channel_id: int) -> None:
        await self._unreachable(ChatRef(PLATFORM, str(channel_id), is_group=True))

    async def _unreachable(self, chat: ChatRef) -> None:
        if self.on_unreachable is not None:
            try:
                await self.on_unreachable(chat)
            except Exception:
                log.exception("on_unreachable failed")


def _log_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("the Discord client stopped", exc_info=task.exception())
