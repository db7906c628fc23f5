"""A wire-level fake of Discord: the REST API and the gateway, on 127.0.0.1 only.

The real discord.py client talks to it over HTTP and a websocket, as it would to
Discord: log-in, `GET /gateway/bot`, IDENTIFY → READY → GUILD_CREATE per shard,
slash-command sync, INTERACTION_CREATE dispatches, interaction callbacks (answer,
defer), follow-ups (the first one after a "thinking" defer fills that message, as on
Discord), DM channel creation and channel messages, multipart file uploads. Tests
script users (`slash`, `press`), read what they would see (`replies`), and inject
faults: closed DMs (403, code 50007) and 429s with Discord's headers and body.

Snowflakes carry the current time, so `interaction.created_at` is "now". An interaction
not acknowledged within `ack_window` seconds (3, as on Discord) answers 404 10062.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import BodyPartReader, WSMsgType, web

DISCORD_EPOCH_MS = 1_420_070_400_000
EPHEMERAL = 1 << 6
LOADING = 1 << 7
ADMINISTRATOR = 1 << 3
EVERYDAY_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 31)  # view, send, use app commands


@dataclass
class User:
    id: int
    name: str
    admin: bool = False

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name.lower(),
            "global_name": self.name,
            "discriminator": "0",
            "avatar": None,
        }


@dataclass
class Message:
    """A message as the fake stores it, with what a user would see of it."""

    raw: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    interaction_id: int | None = None

    @property
    def id(self) -> int:
        return int(self.raw["id"])

    @property
    def channel_id(self) -> int:
        return int(self.raw["channel_id"])

    @property
    def content(self) -> str:
        return str(self.raw.get("content") or "")

    @property
    def ephemeral(self) -> bool:
        return bool(int(self.raw.get("flags") or 0) & EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(int(self.raw.get("flags") or 0) & LOADING)

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, custom_id) of every button, in order."""
        return [
            (str(c.get("label") or ""), str(c["custom_id"]))
            for row in self.raw.get("components") or []
            for c in row.get("components", [])
            if c.get("type") == 2
        ]

    @property
    def rows(self) -> list[list[str]]:
        return [
            [str(c.get("label") or "") for c in row.get("components", [])]
            for row in self.raw.get("components") or []
        ]


@dataclass
class InteractionRecord:
    id: int
    token: str
    payload: dict[str, Any]
    sent_at: float
    acked_at: float | None = None
    callbacks: list[int] = field(default_factory=list)  # response types, in order
    original_id: int | None = None  # the message the initial response created
    message_ids: list[int] = field(default_factory=list)  # everything the user was shown

    @property
    def deferred(self) -> bool:
        return 5 in self.callbacks


@dataclass
class Call:
    method: str
    path: str
    body: Any


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
                data = {"custom_id": custom_id, "component_type": 2}
                guild = message.channel_id == self.channel_id
                return await self._interact(user, 3, data, guild=guild, message=message)
        raise AssertionError(f"no button {label!r} in {[b for b, _ in message.buttons]}")

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
        shard = (self.guild_id >> 22) % self._shard_count
        await self._dispatch(self._sockets[shard], "GUILD_DELETE", {"id": str(self.guild_id)})

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
        mine = (self.guild_id >> 22) % count == shard
        ready = {
            "v": 10,
            "user": {**self.bot.payload(), "bot": True},
            "guilds": [{"id": str(self.guild_id), "unavailable": True}] if mine else [],
            "session_id": secrets.token_hex(8),
            "resume_gateway_url": self.gateway_url,
            "shard": [shard, count],
            "application": {"id": str(self.app_id), "flags": 0},
        }
        await self._dispatch(ws, "READY", ready)
        if mine:
            await self._dispatch(ws, "GUILD_CREATE", self._guild())

    async def _dispatch(self, ws: web.WebSocketResponse, name: str, data: dict[str, Any]) -> None:
        await ws.send_json({"op": 0, "t": name, "s": next(self._seq), "d": data})

    def _guild(self) -> dict[str, Any]:
        everyone = {
            "id": str(self.guild_id),
            "name": "@everyone",
            "permissions": str(EVERYDAY_PERMISSIONS),
            "position": 0,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }
        channel = {
            "id": str(self.channel_id),
            "type": 0,
            "guild_id": str(self.guild_id),
            "name": "training",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
        }
        return {
            "id": str(self.guild_id),
            "name": "Iron Cohort",
            "icon": None,
            "owner_id": str(self.snowflake()),
            "roles": [everyone],
            "channels": [channel],
            "threads": [],
            "members": [],
            "member_count": 3,
            "voice_states": [],
            "presences": [],
            "emojis": [],
            "stickers": [],
            "features": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "unavailable": False,
            "large": False,
            "joined_at": _now_iso(),
            "mfa_level": 0,
            "verification_level": 0,
            "explicit_content_filter": 0,
            "default_message_notifications": 0,
            "system_channel_flags": 0,
            "premium_tier": 0,
            "nsfw_level": 0,
            "preferred_locale": "en-US",
        }

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
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.app_id),
            "type": kind,
            "token": token,
            "version": 1,
            "data": data,
            "locale": "en-GB",
            "attachment_size_limit": 25 * 1024 * 1024,
            "app_permissions": str(EVERYDAY_PERMISSIONS),
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(self.guild_id if guild else user.id)},
        }
        if guild:
            rights = EVERYDAY_PERMISSIONS | (ADMINISTRATOR if user.admin else 0)
            payload["guild_id"] = str(self.guild_id)
            payload["guild_locale"] = "en-US"
            payload["channel_id"] = str(self.channel_id)
            payload["channel"] = {
                "id": str(self.channel_id),
                "type": 0,
                "guild_id": str(self.guild_id),
            }
            payload["member"] = {
                "user": user.payload(),
                "roles": [],
                "joined_at": _now_iso(),
                "deaf": False,
                "mute": False,
                "flags": 0,
                "nick": None,
                "permissions": str(rights),
            }
            payload["context"] = 0
            shard = (self.guild_id >> 22) % self._shard_count
        else:
            channel_id = self.dm_channel(user)
            payload["channel_id"] = str(channel_id)
            payload["channel"] = {"id": str(channel_id), "type": 1, "recipients": [user.payload()]}
            payload["user"] = user.payload()
            payload["context"] = 1
            shard = 0  # DMs arrive on shard 0 only
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
        body, files = await _read_body(request)
        self.calls.append(Call(request.method, path, body))
        try:
            for n, (pattern, retry_after, is_global) in enumerate(self._rate_limits):
                if pattern.search(path):
                    del self._rate_limits[n]
                    return _rate_limited(retry_after, is_global)
            for n, (pattern, status) in enumerate(self._faults):
                if pattern.search(path):
                    del self._faults[n]
                    if status == 0:
                        assert request.transport is not None
                        request.transport.abort()
                    return _error(status or 500, 0, "fake fault")
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
            return _json({**self.bot.payload(), "bot": True})
        if (method, path) == ("GET", "/oauth2/applications/@me"):
            return _json(self._application())
        if (method, path) == ("GET", "/gateway/bot"):
            limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
            return _json({"url": self.gateway_url, "shards": 1, "session_start_limit": limit})
        commands = re.fullmatch(rf"/applications/{app}(?:/guilds/(\d+))?/commands", path)
        if commands and method == "PUT":
            scope = commands[1] or "global"
            self.commands[scope] = [
                {**c, "id": str(self.snowflake()), "application_id": app, "version": "1"}
                for c in body
            ]
            return _json(self.commands[scope])
        if (method, path) == ("POST", "/users/@me/channels"):
            user_id = int(body["recipient_id"])
            channel_id = self.dm_channels.setdefault(user_id, self.snowflake())
            recipient = {
                "id": str(user_id),
                "username": "user",
                "discriminator": "0",
                "avatar": None,
            }
            return _json({"id": str(channel_id), "type": 1, "recipients": [recipient]})
        if (m := re.fullmatch(r"/channels/(\d+)/messages", path)) and method == "POST":
            return self._channel_message(int(m[1]), body, files)
        if m := re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", path):
            return self._callback(int(m[1]), m[2], body, files)
        if (m := re.fullmatch(rf"/webhooks/{app}/([^/]+)", path)) and method == "POST":
            return self._followup(m[1], body, files)
        if m := re.fullmatch(rf"/webhooks/{app}/([^/]+)/messages/@original", path):
            return self._original(method, m[1], body, files)
        return _error(404, 0, f"fake Discord has no {method} {path}")

    def _application(self) -> dict[str, Any]:
        return {
            "id": str(self.app_id),
            "name": "DOMS Coach",
            "icon": None,
            "description": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "owner": {**self.user("Owner").payload()},
            "flags": 0,
            "interactions_endpoint_url": None,
        }

    def _channel_message(
        self, channel_id: int, body: dict[str, Any], files: dict[str, bytes]
    ) -> web.Response:
        closed = {self.dm_channels.get(u) for u in self.closed_dms}
        if channel_id in closed:
            return _error(403, 50007, "Cannot send messages to this user")
        known = {self.channel_id, *self.dm_channels.values()}
        if channel_id not in known:
            return _error(404, 10003, "Unknown Channel")
        return _json(self._store(channel_id, body, files).raw)

    def _callback(
        self, interaction_id: int, token: str, body: dict[str, Any], files: dict[str, bytes]
    ) -> web.Response:
        record = self.interactions.get(interaction_id)
        late = record is not None and time.monotonic() - record.sent_at > self.ack_window
        if record is None or record.token != token or (late and record.acked_at is None):
            return _error(404, 10062, "Unknown interaction")
        if record.acked_at is not None:
            return _error(400, 40060, "Interaction has already been acknowledged.")
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
        return _json(result)

    def _record_for(self, token: str) -> InteractionRecord | None:
        return next((r for r in self.interactions.values() if r.token == token), None)

    def _followup(self, token: str, body: dict[str, Any], files: dict[str, bytes]) -> web.Response:
        record = self._record_for(token)
        if record is None or record.acked_at is None:
            return _error(404, 10015, "Unknown Webhook")
        original = self.messages.get(record.original_id or 0)
        if original is not None and original.loading:
            # As on Discord: the first follow-up after a "thinking" defer fills that
            # message, keeping the visibility chosen when deferring.
            flags = int(original.raw["flags"]) & ~LOADING
            edited = self._store(
                original.channel_id,
                {**body, "flags": flags},
                files,
                interaction_id=record.id,
                message_id=original.id,
            )
            record.message_ids.append(edited.id)
            return _json(edited.raw)
        channel_id = int(record.payload["channel_id"])
        message = self._store(channel_id, body, files, interaction_id=record.id)
        record.message_ids.append(message.id)
        return _json(message.raw)

    def _original(
        self, method: str, token: str, body: dict[str, Any], files: dict[str, bytes]
    ) -> web.Response:
        record = self._record_for(token)
        if record is None or record.original_id not in self.messages:
            return _error(404, 10008, "Unknown Message")
        original = self.messages[record.original_id]
        if method == "DELETE":
            del self.messages[original.id]
            return web.Response(status=204)
        if method == "PATCH":
            flags = int(original.raw.get("flags") or 0) & ~LOADING
            edited = self._store(
                original.channel_id,
                {**original.raw, **body, "flags": flags},
                files,
                interaction_id=record.id,
                message_id=original.id,
            )
            if edited.id not in record.message_ids:
                record.message_ids.append(edited.id)
            return _json(edited.raw)
        return _json(original.raw)

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
        attachments = [
            {
                "id": str(self.snowflake()),
                "filename": name,
                "size": len(data),
                "url": f"https://cdn.invalid/{name}",
                "proxy_url": f"https://cdn.invalid/{name}",
            }
            for name, data in files.items()
        ]
        raw = {
            "id": str(message_id),
            "channel_id": str(channel_id),
            "type": 0,
            "content": body.get("content") or "",
            "author": {**self.bot.payload(), "bot": True},
            "attachments": attachments,
            "embeds": [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "flags": int(body.get("flags") or 0),
            "components": body.get("components") or [],
            "application_id": str(self.app_id),
        }
        if channel_id == self.channel_id:
            raw["guild_id"] = str(self.guild_id)
        message = Message(raw, dict(files), interaction_id)
        self.messages[message_id] = message
        return message

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()


# -- helpers --------------------------------------------------------------------------


async def _read_body(request: web.Request) -> tuple[Any, dict[str, bytes]]:
    """JSON, or multipart with `payload_json` and `files[n]` parts (as discord.py sends
    attachments). Returns the payload and {filename: bytes}."""
    if request.content_type == "multipart/form-data":
        payload: Any = {}
        files: dict[str, bytes] = {}
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            data = await part.read()
            if part.name == "payload_json":
                payload = json.loads(data)
            elif part.filename:
                files[part.filename] = bytes(data)
        return payload, files
    if request.can_read_body:
        text = await request.text()
        return (json.loads(text) if text else {}), {}
    return {}, {}


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py parses JSON only when Content-Type is exactly application/json.
    return web.Response(
        status=status,
        body=json.dumps(data).encode(),
        headers={"Content-Type": "application/json"},
    )


def _error(status: int, code: int, message: str) -> web.Response:
    return _json({"code": code, "message": message}, status)


def _rate_limited(retry_after: float, is_global: bool) -> web.Response:
    response = _json(
        {"message": "You are being rate limited.", "retry_after": retry_after, "global": is_global},
        429,
    )
    # discord.py treats a 429 without `Via` as a Cloudflare ban.
    response.headers["Via"] = "1.1 google"
    response.headers["X-RateLimit-Limit"] = "5"
    response.headers["X-RateLimit-Remaining"] = "0"
    response.headers["X-RateLimit-Reset-After"] = str(retry_after)
    response.headers["X-RateLimit-Bucket"] = "fake-bucket"
    if is_global:
        response.headers["X-RateLimit-Global"] = "true"
    else:
        response.headers["X-RateLimit-Scope"] = "user"
    return response


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()
