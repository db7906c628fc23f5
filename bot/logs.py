"""Logging for the `coach` command: one stream handler whose formatter blanks out secrets
and names the event each line was written for.

Why on the handler's formatter: a filter on a logger sees only records logged on that very
logger (not its children's), and tracebacks are rendered only when formatting. Everything
the process writes passes through here, from any library, so a token in a URL, a webhook
secret in logged call parameters or a database password in an error never reaches the log;
and every line written while an update or interaction was handled carries its id
(`event=…`, from `core.events.EVENT_ID`), so one person's trouble is one search.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from typing import TextIO
from urllib.parse import quote

from sqlalchemy.engine import make_url

from bot.settings import Settings
from core.events import EVENT_ID

FORMAT = "%(asctime)s %(levelname)s %(name)s:%(event)s %(message)s"
QUIET = ("apscheduler", "alembic")


class RedactingFormatter(logging.Formatter):
    def __init__(self, fmt: str, secrets: Iterable[str]) -> None:
        super().__init__(fmt)
        found = {s for s in secrets if s and len(s) >= 4}
        found |= {quote(s, safe="") for s in found}  # as it appears inside a URL
        self.secrets = sorted(found, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        # Formatting happens in the logging call, in the task that logged: the context
        # variable is that task's, i.e. the event it was handling.
        event = EVENT_ID.get()
        record.event = f" event={event}" if event else ""
        text = super().format(record)
        for secret in self.secrets:
            text = text.replace(secret, "<redacted>")
        return text


def secrets_of(settings: Settings) -> list[str]:
    """Every secret the settings hold, including the webhook secret derived from the
    Telegram token and the password inside DATABASE_URL."""
    found: list[str] = []
    if settings.telegram_token is not None:
        from adapters.telegram import TelegramConfig, webhook_secret_for

        token = settings.telegram_token.get_secret_value()
        given = settings.telegram_webhook_secret
        found += [
            token,
            webhook_secret_for(
                TelegramConfig(token, webhook_secret=given.get_secret_value() if given else "")
            ),
        ]
    if settings.discord_token is not None:
        found.append(settings.discord_token.get_secret_value())
    password = make_url(settings.database_url).password
    if password:
        found.append(str(password))
    return found


def setup_logging(settings: Settings, *, level: str, stream: TextIO | None = None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(RedactingFormatter(FORMAT, secrets_of(settings)))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    for noisy in QUIET:
        logging.getLogger(noisy).setLevel(logging.WARNING)
