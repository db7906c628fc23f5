"""What the fake Discord (tests/fakes/discord_api.py) puts on the wire: the JSON shapes of
users, guilds, interactions and messages, and the HTTP answers discord.py expects.

Kept apart from the fake's behaviour so that the fake reads as what Discord *does*
(acknowledging, deferring, filling messages in) while the exact field lists discord.py
needs to parse a payload live here.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import BodyPartReader, web

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


# -- gateway payloads -----------------------------------------------------------------


def ready_payload(
    bot: User, app_id: int, guild_id: int | None, shard: int, count: int, resume_url: str
) -> dict[str, Any]:
    """READY for one shard; `guild_id` is the guild that shard serves, if any."""
    return {
        "v": 10,
        "user": {**bot.payload(), "bot": True},
        "guilds": [{"id": str(guild_id), "unavailable": True}] if guild_id else [],
        "session_id": secrets.token_hex(8),
        "resume_gateway_url": resume_url,
        "shard": [shard, count],
        "application": {"id": str(app_id), "flags": 0},
    }


def guild_payload(guild_id: int, channel_id: int, owner_id: int) -> dict[str, Any]:
    """GUILD_CREATE for a server with one text channel, #training."""
    everyone = {
        "id": str(guild_id),
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
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(guild_id),
        "name": "training",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
    }
    return {
        "id": str(guild_id),
        "name": "Iron Cohort",
        "icon": None,
        "owner_id": str(owner_id),
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
        "joined_at": now_iso(),
        "mfa_level": 0,
        "verification_level": 0,
        "explicit_content_filter": 0,
        "default_message_notifications": 0,
        "system_channel_flags": 0,
        "premium_tier": 0,
        "nsfw_level": 0,
        "preferred_locale": "en-US",
    }


def interaction_payload(
    *,
    interaction_id: int,
    app_id: int,
    token: str,
    kind: int,
    data: dict[str, Any],
    user: User,
    guild_id: int | None,
    channel_id: int,
) -> dict[str, Any]:
    """INTERACTION_CREATE from `user`: in the guild's channel when `guild_id` is given,
    else in their DM channel `channel_id`."""
    payload: dict[str, Any] = {
        "id": str(interaction_id),
        "application_id": str(app_id),
        "type": kind,
        "token": token,
        "version": 1,
        "data": data,
        "locale": "en-GB",
        "attachment_size_limit": 25 * 1024 * 1024,
        "app_permissions": str(EVERYDAY_PERMISSIONS),
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(guild_id or user.id)},
    }
    if guild_id is not None:
        rights = EVERYDAY_PERMISSIONS | (ADMINISTRATOR if user.admin else 0)
        payload["guild_id"] = str(guild_id)
        payload["guild_locale"] = "en-US"
        payload["channel_id"] = str(channel_id)
        payload["channel"] = {"id": str(channel_id), "type": 0, "guild_id": str(guild_id)}
        payload["member"] = {
            "user": user.payload(),
            "roles": [],
            "joined_at": now_iso(),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "nick": None,
            "permissions": str(rights),
        }
        payload["context"] = 0
    else:
        payload["channel_id"] = str(channel_id)
        payload["channel"] = {"id": str(channel_id), "type": 1, "recipients": [user.payload()]}
        payload["user"] = user.payload()
        payload["context"] = 1
    return payload


# -- REST payloads --------------------------------------------------------------------


def application_payload(app_id: int, owner: User) -> dict[str, Any]:
    return {
        "id": str(app_id),
        "name": "DOMS Coach",
        "icon": None,
        "description": "",
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "owner": {**owner.payload()},
        "flags": 0,
        "interactions_endpoint_url": None,
    }


def dm_channel_payload(channel_id: int, user_id: int) -> dict[str, Any]:
    recipient = {"id": str(user_id), "username": "user", "discriminator": "0", "avatar": None}
    return {"id": str(channel_id), "type": 1, "recipients": [recipient]}


def message_payload(
    message_id: int,
    channel_id: int,
    body: dict[str, Any],
    files: dict[str, bytes],
    *,
    author: User,
    app_id: int,
    new_id: Callable[[], int],
) -> dict[str, Any]:
    """A message the bot posted: `body` as sent, `files` as its attachments."""
    attachments = [
        {
            "id": str(new_id()),
            "filename": name,
            "size": len(data),
            "url": f"https://cdn.invalid/{name}",
            "proxy_url": f"https://cdn.invalid/{name}",
        }
        for name, data in files.items()
    ]
    return {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "type": 0,
        "content": body.get("content") or "",
        "author": {**author.payload(), "bot": True},
        "attachments": attachments,
        "embeds": [],
        "mentions": [],
        "mention_roles": [],
        "mention_everyone": False,
        "pinned": False,
        "tts": False,
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "flags": int(body.get("flags") or 0),
        "components": body.get("components") or [],
        "application_id": str(app_id),
    }


# -- HTTP -----------------------------------------------------------------------------


async def read_body(request: web.Request) -> tuple[Any, dict[str, bytes]]:
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


def json_response(data: Any, status: int = 200) -> web.Response:
    # discord.py parses JSON only when Content-Type is exactly application/json.
    return web.Response(
        status=status,
        body=json.dumps(data).encode(),
        headers={"Content-Type": "application/json"},
    )


def error(status: int, code: int, message: str) -> web.Response:
    return json_response({"code": code, "message": message}, status)


def rate_limited(retry_after: float, is_global: bool) -> web.Response:
    response = json_response(
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


def now_iso() -> str:
    return datetime.now(UTC).isoformat()
