"""A wire-level fake of Discord: the REST API and the gateway, on 127.0.0.1 only.

The real discord.py client talks to it over HTTP and a websocket, as it would to
Discord: log-in, `GET /gateway/bot`, IDENTIFY → READY → GUILD_CREATE per shard,
slash-command sync, INTERACTION_CREATE dispatches, interaction callbacks (answer,
defer), follow-ups (the first one after a "thinking" defer fills that message, as on
Discord), DM channel creation and channel messages, multipart file uploads. Tests
script users (`slash`, `press`, or `use` for any component id, forged or from a
message an older version `post`ed), read what they would see (`replies`), and inject
faults: closed DMs (403, code 50007) and 429s with Discord's headers and body.

Snowflakes carry the current time, so `interaction.created_at` is "now". An interaction
not acknowledged within `ack_window` seconds (3, as on Discord) answers 404 10062.
The JSON shapes themselves are in tests/fakes/discord_payloads.py.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import secrets
import time
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes.discord_payloads import (
    DISCORD_EPOCH_MS,
    EPHEMERAL,
    LOADING,
    Call,
    InteractionRecord,
    Message,
    User,
    application_payload,
    dm_channel_payload,
    error,
    guild_payload,
    interaction_payload,
    json_response,
    message_payload,
    rate_limited,
    read_body,
    ready_payload,
)


class FakeDiscord:
    """Start with `await fake.start()`; point the client at `api_base_url` and
    `gateway_url`; stop with `await fake.close()`."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self.app_id = self.snowflake()
        self.bot = User(self.snowflake(), "DOMS Coach")
        self.guild_id = self.snowflake()
        self.channel_id = self.snowflake()  # the guild's #training text channel
        self.calls: list[Call] = []
        self.identifies: list[dict[str, Any]] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}  # "global" or guild id → set
        self.messages: dict[int, Message] = {}
        self.interactions: dict[int, InteractionRecord] = {}
        self.dm_channels: dict[int, int] = {}  # user id → DM channel id
        self.closed_dms: set[int] = set()
        self._rate_limits: list[tuple[re.Pattern[str], float, bool]] = []
        self._faults: list[tuple[re.Pattern[str], int]] = []
        self._sockets: dict[int, web.WebSocketResponse] = {}  # shard id → socket
        self._shard_count = 1
        self._seq = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0
        # As on Discord: an interaction not acknowledged within this many seconds is gone.
        self.ack_window = 3.0

    # -- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/", self._gateway)
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def close(self) -> None:
        for ws in list(self._sockets.values()):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    def snowflake(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (ms << 22) | (next(self._ids) & 0x3FFFFF)

    # -- what tests script --------------------------------------------------------------

    def user(self, name: str, *, admin: bool = False) -> User:
        return User(self.snowflake(), name, admin)

    def dm_channel(self, user: User) -> int:
        if user.id not in self.dm_channels:
            self.dm_channels[user.id] = self.snowflake()
        return self.dm_channels[user.id]

    async def slash(
        self, user: User, name: str, value: str | None = None, *, guild: bool = False
    ) -> int:
        """The user runs `/name` (with its one option set to `value`); returns the
        interaction id."""
        scope = str(self.guild_id) if guild and str(self.guild_id) in self.commands else "global"
        command = next(c for c in self.commands[scope] if c["name"] == name)
        data: dict[str, Any] = {"id": command["id"], "name": name, "type": 1}
        if scope != "global":
            data["guild_id"] = str(self.guild_id)
        if value is not None:
            option = command["options"][0]["name"]
            data["options"] = [{"name": option, "type": 3, "value": value}]
        return await self._interact(user, 2, data, guild=guild)

    async def press(self, user: User, message: Message, label: str) -> int:
        """The user presses the button labelled `label` (or starting so) on `message`."""
        for text, custom_id in message.buttons:
            if text == label or text.startswith(label):
                return await self.use(user, message, custom_id)
        raise AssertionError(f"no button {label!r} in {[b for b, _ in message.buttons]}")

    async def use(
        self,
        user: User,
        message: Message,
        custom_id: str,
        *,
        component_type: int = 2,
        values: list[str] | None = None,
    ) -> int:
        """The user works the component `custom_id` on `message` — also one the message
        does not carry (a forged press) — as a button, or with `component_type` 3 as a
        select menu choosing `values`; returns the interaction id."""
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = values
        guild = message.channel_id == self.channel_id
        return await self._interact(user, 3, data, guild=guild, message=message)

    def post(self, channel_id: int, content: str, components: list[dict[str, Any]]) -> Message:
        """A message of the bot's in `channel_id` with these raw `components` (action
        rows), as an earlier version of the bot might have left it."""
        return self._store(channel_id, {"content": content, "components": components}, {})

    def replies(self, interaction_id: int) -> list[Message]:
        record = self.interactions[interaction_id]
        return [self.messages[i] for i in record.message_ids if i in self.messages]

    def channel(self, channel_id: int) -> list[Message]:
        return [m for m in self.messages.values() if m.channel_id == channel_id]

    def close_dms(self, user: User) -> None:
        self.closed_dms.add(user.id)

    def rate_limit_next(self, path: str, retry_after: float, *, is_global: bool = False) -> None:
        """Answer the next request whose path matches `path` (a regex) with a 429."""
        self._rate_limits.append((re.compile(path), retry_after, is_global))

    def fail_next(self, path: str, status: int) -> None:
        """Answer the next request whose path matches `path` with `status` (e.g. 502), or
        with status 0 drop the connection without an answer; nothing is done either way."""
        self._faults.append((re.compile(path), status))

    def calls_to(self, method: str, path: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and re.fullmatch(path, c.path)]

    async def wait_for(self, predicate: Callable[[], bool], within: float = 10.0) -> None:
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(predicate)

    async def wait_acked(self, interaction_id: int, within: float = 10.0) -> InteractionRecord:
        record = self.interactions[interaction_id]
        await self.wait_for(lambda: record.acked_at is not None, within)
        return record

    # -- gateway ------------------------------------------------------------------------

    async def remove_bot(self) -> None:
        """The guild kicks the bot: GUILD_DELETE (without `unavailable`) to its shard."""
        shard = self._guild_shard(self._shard_count)
        await self._dispatch(self._sockets[shard], "GUILD_DELETE", {"id": str(self.guild_id)})

    def _guild_shard(self, count: int) -> int:
        return (self.guild_id >> 22) % count

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 45_000}})
        shard = -1
        try:
            async for frame in ws:
                if frame.type is not WSMsgType.TEXT:
                    continue
                message = json.loads(frame.data)
                if message["op"] == 1:
                    await ws.send_json({"op": 11})
                elif message["op"] == 2:
                    shard, count = message["d"].get("shard") or [0, 1]
                    self.identifies.append(message["d"])
                    self._shard_count = count
                    self._sockets[shard] = ws
                    await self._ready(ws, shard, count)
                    await self._notify()
        finally:
            if self._sockets.get(shard) is ws:
                del self._sockets[shard]
            await self._notify()
        return ws

    async def _ready(self, ws: web.WebSocketResponse, shard: int, count: int) -> None:
        mine = self._guild_shard(count) == shard
        guild_id = self.guild_id if mine else None
        ready = ready_payload(self.bot, self.app_id, guild_id, shard, count, self.gateway_url)
        await self._dispatch(ws, "READY", ready)
        if mine:
            guild = guild_payload(self.guild_id, self.channel_id, owner_id=self.snowflake())
            await self._dispatch(ws, "GUILD_CREATE", guild)

    async def _dispatch(self, ws: web.WebSocketResponse, name: str, data: dict[str, Any]) -> None:
        await ws.send_json({"op": 0, "t": name, "s": next(self._seq), "d": data})

    async def _interact(
        self,
        user: User,
        kind: int,
        data: dict[str, Any],
        *,
        guild: bool,
        message: Message | None = None,
    ) -> int:
        interaction_id = self.snowflake()
        token = secrets.token_urlsafe(24)
        payload = interaction_payload(
            interaction_id=interaction_id,
            app_id=self.app_id,
            token=token,
            kind=kind,
            data=data,
            user=user,
            guild_id=self.guild_id if guild else None,
            channel_id=self.channel_id if guild else self.dm_channel(user),
        )
        shard = self._guild_shard(self._shard_count) if guild else 0  # DMs arrive on shard 0 only
        if message is not None:
            payload["message"] = message.raw
        ws = self._sockets.get(shard)
        if ws is None:
            raise AssertionError(f"no client connected for shard {shard}")
        self.interactions[interaction_id] = InteractionRecord(
            interaction_id, token, payload, time.monotonic()
        )
        await self._dispatch(ws, "INTERACTION_CREATE", payload)
        return interaction_id

    # -- REST ---------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["path"]
        body, files = await read_body(request)
        self.calls.append(Call(request.method, path, body))
        try:
            for n, (pattern, retry_after, is_global) in enumerate(self._rate_limits):
                if pattern.search(path):
                    del self._rate_limits[n]
                    return rate_limited(retry_after, is_global)
            for n, (pattern, status) in enumerate(self._faults):
                if pattern.search(path):
                    del self._faults[n]
                    if status == 0:
                        assert request.transport is not None
                        request.transport.abort()
                    return error(status or 500, 0, "fake fault")
            return await self._route(request.method, path, request.query, body, files)
        finally:
            await self._notify()

    async def _route(
        self,
        method: str,
        path: str,
        query: Any,
        body: Any,
        files: dict[str, bytes],
    ) -> web.Response:
        app = str(self.app_id)
        if (method, path) == ("GET", "/users/@me"):
            return json_response({**self.bot.payload(), "bot": True})
        if (method, path) == ("GET", "/oauth2/applications/@me"):
            return json_response(application_payload(self.app_id, self.user("Owner")))
        if (method, path) == ("GET", "/gateway/bot"):
            limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
            return json_response(
                {"url": self.gateway_url, "shards": 1, "session_start_limit": limit}
            )
        commands = re.fullmatch(rf"/applications/{app}(?:/guilds/(\d+))?/commands", path)
        if commands and method == "PUT":
            scope = commands[1] or "global"
            self.commands[scope] = [
                {**c, "id": str(self.snowflake()), "application_id": app, "version": "1"}
                for c in body
            ]
            return json_response(self.commands[scope])
        if (method, path) == ("POST", "/users/@me/channels"):
            user_id = int(body["recipient_id"])
            channel_id = self.dm_channels.setdefault(user_id, self.snowflake())
            return json_response(dm_channel_payload(channel_id, user_id))
        if (m := re.fullmatch(r"/channels/(\d+)/messages", path)) and method == "POST":
            return self._channel_message(int(m[1]), body, files)
        if m := re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", path):
            return self._callback(int(m[1]), m[2], body, files)
        if (m := re.fullmatch(rf"/webhooks/{app}/([^/]+)", path)) and method == "POST":
            return self._followup(m[1], body, files)
        if m := re.fullmatch(rf"/webhooks/{app}/([^/]+)/messages/@original", path):
            return self._original(method, m[1], body, files)
        return error(404, 0, f"fake Discord has no {method} {path}")

    def _channel_message(
        self, channel_id: int, body: dict[str, Any], files: dict[str, bytes]
    ) -> web.Response:
        closed = {self.dm_channels.get(u) for u in self.closed_dms}
        if channel_id in closed:
            return error(403, 50007, "Cannot send messages to this user")
        known = {self.channel_id, *self.dm_channels.values()}
        if channel_id not in known:
            return error(404, 10003, "Unknown Channel")
        return json_response(self._store(channel_id, body, files).raw)

    def _callback(
        self, interaction_id: int, token: str, body: dict[str, Any], files: dict[str, bytes]
    ) -> web.Response:
        record = self.interactions.get(interaction_id)
        late = record is not None and time.monotonic() - record.sent_at > self.ack_window
        if record is None or record.token != token or (late and record.acked_at is None):
            return error(404, 10062, "Unknown interaction")
        if record.acked_at is not None:
            return error(400, 40060, "Interaction has already been acknowledged.")
        record.acked_at = time.monotonic()
        kind = int(body["type"])
        record.callbacks.append(kind)
        data = body.get("data") or {}
        channel_id = int(record.payload["channel_id"])
        result: dict[str, Any] = {
            "interaction": {
                "id": str(interaction_id),
                "type": record.payload["type"],
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(int(data.get("flags") or 0) & EPHEMERAL),
            }
        }
        if kind in (4, 5):
            if kind == 5:
                data = {"content": "", "flags": int(data.get("flags") or 0) | LOADING}
            message = self._store(channel_id, data, files, interaction_id=interaction_id)
            record.original_id = message.id
            if kind == 4:
                record.message_ids.append(message.id)
            result["interaction"]["response_message_id"] = str(message.id)
            result["resource"] = {"type": kind, "message": message.raw}
        return json_response(result)

    def _record_for(self, token: str) -> InteractionRecord | None:
        return next((r for r in self.interactions.values() if r.token == token), None)

    def _followup(self, token: str, body: dict[str, Any], files: dict[str, bytes]) -> web.Response:
        record = self._record_for(token)
        if record is None or record.acked_at is None:
            return error(404, 10015, "Unknown Webhook")
        original = self.messages.get(record.original_id or 0)
        if original is not None and original.loading:
            # As on Discord: the first follow-up after a "thinking" defer fills that
            # message, keeping the visibility chosen when deferring.
            return json_response(self._edit(record, original, body, files).raw)
        channel_id = int(record.payload["channel_id"])
        message = self._store(channel_id, body, files, interaction_id=record.id)
        record.message_ids.append(message.id)
        return json_response(message.raw)

    def _original(
        self, method: str, token: str, body: dict[str, Any], files: dict[str, bytes]
    ) -> web.Response:
        record = self._record_for(token)
        if record is None or record.original_id not in self.messages:
            return error(404, 10008, "Unknown Message")
        original = self.messages[record.original_id]
        if method == "DELETE":
            del self.messages[original.id]
            return web.Response(status=204)
        if method == "PATCH":
            edited = self._edit(record, original, {**original.raw, **body}, files)
            return json_response(edited.raw)
        return json_response(original.raw)

    def _edit(
        self,
        record: InteractionRecord,
        original: Message,
        body: dict[str, Any],
        files: dict[str, bytes],
    ) -> Message:
        """Replace `original` with `body` under the same id, done loading, and show it to
        the user as part of the interaction's answer (once)."""
        flags = int(original.raw.get("flags") or 0) & ~LOADING
        edited = self._store(
            original.channel_id,
            {**body, "flags": flags},
            files,
            interaction_id=record.id,
            message_id=original.id,
        )
        if edited.id not in record.message_ids:
            record.message_ids.append(edited.id)
        return edited

    def _store(
        self,
        channel_id: int,
        body: dict[str, Any],
        files: dict[str, bytes],
        *,
        interaction_id: int | None = None,
        message_id: int | None = None,
    ) -> Message:
        message_id = message_id or self.snowflake()
        raw = message_payload(
            message_id,
            channel_id,
            body,
            files,
            author=self.bot,
            app_id=self.app_id,
            new_id=self.snowflake,
        )
        if channel_id == self.channel_id:
            raw["guild_id"] = str(self.guild_id)
        message = Message(raw, dict(files), interaction_id)
        self.messages[message_id] = message
        return message

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()
