"""Settings from the environment and `.env`. Tokens are SecretStr so they never print."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from core.timezones import lookup_zone


def default_database_url() -> str:
    path = Path(user_data_dir("doms-coach", appauthor=False)) / "coach.db"
    return f"sqlite+aiosqlite:///{path}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_token: SecretStr | None = None
    discord_token: SecretStr | None = None
    database_url: str = ""
    default_timezone: str = "UTC"
    log_level: str = "INFO"
    # A reminder missed while the bot was down is still sent if at most this late.
    reminder_grace_minutes: int = Field(default=60, ge=0, le=24 * 60)
    # How often the scheduler looks for due reminders.
    tick_seconds: float = Field(default=15.0, gt=0, le=300)

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
