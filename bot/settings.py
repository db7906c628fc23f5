"""Settings from the environment and `.env`. Tokens are SecretStr so they never print."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from platformdirs import user_data_dir
from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from core.rules.timezones import lookup_zone
from core.storage.db import DEFAULT_POOL_SIZE

# What a `coach run` process can do. Several processes share the work by role.
ROLES = ("telegram", "discord", "scheduler")


def default_database_url() -> str:
    path = Path(user_data_dir("doms-coach", appauthor=False)) / "coach.db"
    return f"sqlite+aiosqlite:///{path}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_token: SecretStr | None = None
    discord_token: SecretStr | None = None
    database_url: str = ""
    # PostgreSQL connections each process keeps (and as many again in bursts); SQLite
    # writes one transaction at a time, so it ignores this.
    database_pool_size: int = Field(default=DEFAULT_POOL_SIZE, ge=1, le=200)
    default_timezone: str = "UTC"
    log_level: str = "INFO"
    # A reminder missed while the bot was down is still sent if at most this late.
    reminder_grace_minutes: int = Field(default=60, ge=0, le=24 * 60)
    # How often the scheduler looks for due reminders.
    tick_seconds: float = Field(default=15.0, gt=0, le=300)
    # Data retention: check-ins, readiness checks, pain reports and sent messages older than
    # this many days are deleted (daily). 0 keeps them until the user sends /forget.
    retention_days: int = Field(default=365, ge=0)
    # Flood control (Telegram and Discord): messages a minute one person may send, and
    # how many in a row before that rate applies; the same for a whole group chat.
    # A rate of 0 turns the limit off.
    flood_per_minute: float = Field(default=30.0, ge=0)
    flood_burst: int = Field(default=20, ge=1)
    flood_group_per_minute: float = Field(default=20.0, ge=0)
    flood_group_burst: int = Field(default=10, ge=1)
    # Telegram: a local Bot API server (or a test fake) instead of https://api.telegram.org.
    telegram_api_base_url: str = ""
    # Set: webhook mode, Telegram posts updates to this public https URL; empty: long polling.
    telegram_webhook_url: str = ""
    # Checked on every webhook request; empty: derived from the token (same on every worker).
    telegram_webhook_secret: SecretStr | None = None
    # Where the webhook server listens (behind the load balancer / TLS proxy).
    telegram_webhook_listen: str = "0.0.0.0"
    telegram_webhook_port: int = Field(default=8080, ge=1, le=65535)
    # Discord: sync slash commands to this server only (instant; for testing). Empty: global.
    discord_guild_id: int | None = Field(default=None, gt=0)
    # Discord: another REST base (…/api/v10) and gateway (ws://…): a local proxy or a fake.
    discord_api_base_url: str = ""
    discord_gateway_url: str = ""
    # Discord scale-out: the total number of shards, and which of them this process runs.
    discord_shard_count: int | None = Field(default=None, ge=1)
    discord_shard_ids: Annotated[tuple[int, ...], NoDecode] = ()
    # /healthz, /readyz and /metrics on this port (`coach run`); None: not served. A Telegram
    # webhook worker serves them on its webhook port whatever this says.
    health_port: int | None = Field(default=None, ge=1, le=65535)
    health_listen: str = "0.0.0.0"
    # Which parts this process runs (`coach run --role …`): "all" is every platform whose
    # token is set plus the scheduler; named roles must be configured, or start fails.
    roles: Annotated[tuple[str, ...], NoDecode] = ("all",)

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        url = value.strip() or default_database_url()
        try:
            backend = make_url(url).get_backend_name()
        except ArgumentError:
            raise ValueError(
                "not a database URL (expected sqlite+aiosqlite:///… or postgresql+asyncpg://…)"
            ) from None
        if backend not in {"sqlite", "postgresql"}:
            raise ValueError(f"unsupported database {backend!r}: use SQLite or PostgreSQL")
        return url

    @field_validator("default_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        zone = lookup_zone(value).zone
        if zone is None:
            raise ValueError(f"unknown time zone {value!r}; use an IANA name like Europe/Berlin")
        return zone

    @field_validator("telegram_token", "discord_token", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_api_base_url", "telegram_webhook_url")
    @classmethod
    def _telegram_url(cls, value: str, info: ValidationInfo) -> str:
        url = value.strip()
        if not url:
            return ""
        parts = urlsplit(url)
        if info.field_name == "telegram_webhook_url":
            if parts.scheme != "https" or not parts.netloc:
                raise ValueError("Telegram only sends webhooks to an https:// URL")
        elif parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError("expected an http:// or https:// URL, e.g. http://127.0.0.1:8081")
        return url

    @field_validator("telegram_webhook_secret", mode="before")
    @classmethod
    def _webhook_secret(cls, value: object) -> object:
        if isinstance(value, str):
            if not value.strip():
                return None
            if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.strip()):
                raise ValueError("use 1 to 256 characters: letters, digits, _ and -")
            return value.strip()
        return value

    @field_validator("discord_guild_id", "discord_shard_count", mode="before")
    @classmethod
    def _empty_number_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("discord_api_base_url", "discord_gateway_url")
    @classmethod
    def _discord_url(cls, value: str, info: ValidationInfo) -> str:
        url = value.strip()
        if not url:
            return ""
        gateway = info.field_name == "discord_gateway_url"
        schemes = {"ws", "wss"} if gateway else {"http", "https"}
        parts = urlsplit(url)
        if parts.scheme not in schemes or not parts.netloc:
            example = "ws://127.0.0.1:8090/" if gateway else "http://127.0.0.1:8090/api/v10"
            raise ValueError(f"expected a {' or '.join(sorted(schemes))} URL, e.g. {example}")
        return url

    @field_validator("discord_shard_ids", mode="before")
    @classmethod
    def _shard_ids(cls, value: object) -> object:
        """Text from the environment: 0,1,2 or 0-3 or 0-3,8."""
        if not isinstance(value, str):
            return value
        ids: set[int] = set()
        for part in value.replace(" ", "").split(","):
            if not part:
                continue
            first, dash, last = part.partition("-")
            if not first.isdigit() or (dash and not last.isdigit()):
                raise ValueError("list shard numbers like 0,1,2 or ranges like 0-3")
            span = range(int(first), int(last if dash else first) + 1)
            if not span:
                raise ValueError(f"empty shard range {part!r}")
            ids.update(span)
        return tuple(sorted(ids))

    @field_validator("roles", mode="before")
    @classmethod
    def _roles(cls, value: object) -> object:
        """Text from the environment or the CLI: telegram,scheduler (or all; empty: all)."""
        if isinstance(value, str) and not value.strip():
            return ("all",)
        names = value.replace(" ", "").split(",") if isinstance(value, str) else value
        if not isinstance(names, (list, tuple)):
            return value
        chosen = tuple(dict.fromkeys(str(n).strip().lower() for n in names if str(n).strip()))
        unknown = [n for n in chosen if n not in (*ROLES, "all")]
        if unknown or not chosen:
            raise ValueError(f"roles are {', '.join(ROLES)} or all (got {', '.join(unknown)})")
        if "all" in chosen and len(chosen) > 1:
            raise ValueError("'all' already includes every role; name roles or say all")
        return chosen

    def runs(self, role: str) -> bool:
        """Whether this process runs `role` (a platform only when its token is set)."""
        if self.roles != ("all",):
            return role in self.roles
        if role == "telegram":
            return self.telegram_token is not None
        if role == "discord":
            return self.discord_token is not None
        return True

    @model_validator(mode="after")
    def _named_roles_are_configured(self) -> Settings:
        for role, token, setting in (
            ("telegram", self.telegram_token, "TELEGRAM_TOKEN"),
            ("discord", self.discord_token, "DISCORD_TOKEN"),
        ):
            if role in self.roles and token is None:
                raise ValueError(f"the {role} role needs {setting}")
        return self

    @model_validator(mode="after")
    def _discord_shards(self) -> Settings:
        ids, count = self.discord_shard_ids, self.discord_shard_count
        if ids and count is None:
            raise ValueError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT (the total shard count)")
        if ids and count is not None and max(ids) >= count:
            raise ValueError(f"DISCORD_SHARD_IDS must be below DISCORD_SHARD_COUNT ({count})")
        return self
