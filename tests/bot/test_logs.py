"""The `coach` log: whatever a library logs — a token in a URL, a webhook secret among call
parameters, a database password in an error, in the message, its arguments or a traceback,
on any logger — is blanked before it is written."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from adapters.telegram import TelegramConfig, webhook_secret_for
from bot.logs import secrets_of, setup_logging
from bot.settings import Settings

TOKEN = "123456:AAH-secret_token"
PASSWORD = "pg-pa55word"


@pytest.fixture
def log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    settings = Settings(
        telegram_token=TOKEN,
        discord_token="discord.secret.token",
        database_url=f"postgresql+asyncpg://coach:{PASSWORD}@db:5432/coach",
    )
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    setup_logging(settings, level="DEBUG", stream=stream)
    yield stream
    root.handlers[:], _ = saved
    root.setLevel(saved[1])


def test_secrets_are_blanked_wherever_they_appear(log: io.StringIO) -> None:
    secret = webhook_secret_for(TelegramConfig(TOKEN))
    child = logging.getLogger("telegram.ext.ExtBot")  # no filter of its own anywhere
    child.debug("Set Bot API URL: https://api.telegram.org/bot%s", TOKEN)
    child.debug("setWebhook with {'secret_token': '%s'}", secret)
    logging.getLogger("httpx").info("GET https://x/bot123456%3AAAH-secret_token/getMe")
    logging.getLogger("discord.http").debug("Authorization: Bot discord.secret.token")
    try:
        raise ConnectionError(f"could not connect to postgresql://coach:{PASSWORD}@db")
    except ConnectionError:
        logging.getLogger("sqlalchemy.pool").exception("connection failed")
    text = log.getvalue()
    assert text.count("<redacted>") == 5
    for leak in (TOKEN, "123456%3AAAH-secret_token", secret, "discord.secret.token", PASSWORD):
        assert leak not in text
    assert "Traceback" in text and "ConnectionError" in text  # the rest is kept


def test_every_secret_setting_is_known() -> None:
    settings = Settings(telegram_token=TOKEN, telegram_webhook_secret="given-secret")
    assert set(secrets_of(settings)) == {TOKEN, "given-secret"}
    assert secrets_of(Settings(telegram_token="", discord_token="")) == []
