"""Running the Telegram adapter: `coach run` serving it, webhook mode (the secret checked on
every request), a wrong token failing start clearly, the API URL forms accepted, and no
token or webhook secret in any log line, even at DEBUG."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from pathlib import Path
from urllib.parse import quote

import aiohttp
import pytest
from telegram.error import InvalidToken

from adapters.telegram import TelegramAdapter, TelegramConfig, webhook_secret_for
from adapters.telegram.config import api_urls
from core.engine.coach import Coach

# The fixtures: pytest finds them among this module's names.
from tests.adapters.telegram_fixtures import real_coach_fixture as real_coach_fixture
from tests.adapters.telegram_fixtures import tg_fixture as tg_fixture
from tests.adapters.telegram_harness import ALICE, BOB, Scripted, running
from tests.conftest import start_coach_run
from tests.fakes.telegram_api import TOKEN, FakeTelegram

# --- the webhook and starting -------------------------------------------------------------


async def test_coach_run_serves_telegram_and_stops_cleanly(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "TELEGRAM_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": tg.url,
        "DISCORD_TOKEN": "",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
        "LOG_LEVEL": "INFO",
    }
    process = await start_coach_run(env, tmp_path)
    try:
        await tg.wait_for("deleteWebhook", within=20)  # polling starts right after
        tg.push(tg.text(ALICE, "/start"))
        [welcome] = await tg.wait_for("sendMessage", within=10)
        assert "DOMS Coach" in welcome.text
    finally:
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(10):
            _, stderr = await process.communicate()
    assert process.returncode == 0
    assert "Telegram: polling as @DomsCoachBot" in stderr.decode()
    assert TOKEN not in stderr.decode()


async def test_webhook_mode_checks_the_secret_and_handles_each_update_once(
    tg: FakeTelegram, real_coach: Coach
) -> None:
    config = {
        "webhook_url": "https://coach.example.org/telegram/hook",
        "webhook_secret": "s3cret-Token_1",
        "webhook_listen": "127.0.0.1",
        "webhook_port": 0,
    }
    async with running(tg, real_coach.handle, real_coach.commands.values(), **config) as bot:
        [hook] = tg.sent("setWebhook")
        assert hook.params["url"] == config["webhook_url"]
        assert hook.params["secret_token"] == config["webhook_secret"]
        assert bot.adapter.webhook_address is not None
        host, port = bot.adapter.webhook_address
        url = f"http://{host}:{port}/telegram/hook"
        update = tg.text(ALICE, "/start")
        update["update_id"] = 77
        good = {"X-Telegram-Bot-Api-Secret-Token": config["webhook_secret"]}
        async with aiohttp.ClientSession() as http:
            mark = tg.mark()
            async with http.post(url, json=update) as missing:
                assert missing.status == 403
            wrong = {"X-Telegram-Bot-Api-Secret-Token": "guess"}
            async with http.post(url, json=update, headers=wrong) as refused:
                assert refused.status == 403
            async with http.post(url, data=b"{not json", headers=good) as malformed:
                assert malformed.status == 200  # skipped, so Telegram won't resend it
            for _ in range(2):  # Telegram retried after a slow answer
                async with http.post(url, json=update, headers=good) as accepted:
                    assert accepted.status == 200
            sentinel = tg.text(ALICE, "/help")
            sentinel["update_id"] = 78
            async with http.post(url, json=sentinel, headers=good) as accepted:
                assert accepted.status == 200
            await tg.wait_for("sendMessage", since=mark, count=2)
            async with http.get(f"http://{host}:{port}/healthz") as health:
                assert health.status == 200
        texts = [c.text for c in tg.sent("sendMessage", since=mark)]
        assert len(texts) == 2 and texts[0].startswith("Hi") and texts[1].startswith("Here's")
    assert tg.sent("getUpdates") == []


async def test_a_wrong_token_fails_start_with_a_clear_log_line(
    tg: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    adapter = TelegramAdapter(
        TelegramConfig("999:WRONG", api_base_url=tg.url), handle=Scripted(), commands=()
    )
    with pytest.raises(InvalidToken):
        await adapter.start()
    assert "check TELEGRAM_TOKEN" in caplog.text
    assert not adapter.app.running


# --- small pure pieces --------------------------------------------------------------------


def test_api_base_url_takes_a_server_root_or_ptbs_form() -> None:
    assert api_urls("") == ("https://api.telegram.org/bot", "https://api.telegram.org/file/bot")
    assert api_urls("http://127.0.0.1:8081/") == (
        "http://127.0.0.1:8081/bot",
        "http://127.0.0.1:8081/file/bot",
    )
    assert api_urls("http://local:8081/bot")[0] == "http://local:8081/bot"


# --- secrets never logged -------------------------------------------------------------------


class Everything(logging.Handler):
    """Every record of the process, formatted as a log file would show it (tracebacks too)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


async def test_a_full_run_at_debug_logs_no_token_or_webhook_secret(
    tg: FakeTelegram, real_coach: Coach
) -> None:
    root = logging.getLogger()
    seen = Everything()
    level = root.level
    root.addHandler(seen)
    root.setLevel(logging.DEBUG)
    try:
        async with running(tg, real_coach.handle, read_timeout=0.5) as bot:
            intro = await bot.say(ALICE, "/checkin")
            await bot.press(ALICE, intro, "Start check-in")
            tg.fail("sendMessage", 502, "Bad Gateway")
            tg.drop("sendMessage")
            tg.slow("sendMessage", 1.0)
            tg.push(tg.text(ALICE, "/help"))
            await bot.say(BOB, "/start")
            tg.fail("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=BOB)
            tg.push(tg.text(BOB, "/help"))
            await bot.unreachable.until(1)
        config = {
            "webhook_url": "https://coach.example.org/hook",
            "webhook_listen": "127.0.0.1",
            "webhook_port": 0,
        }
        async with running(tg, Scripted(), **config):
            pass
    finally:
        root.removeHandler(seen)
        root.setLevel(level)
    text = "\n".join(seen.lines)
    assert "HTTP Request: POST" in text and "setWebhook" in text  # it did log, in detail
    secret = webhook_secret_for(TelegramConfig(TOKEN))
    for leak in (TOKEN, quote(TOKEN, safe=""), secret):
        assert leak not in text
    assert "<token>" in text


async def test_coach_run_at_debug_logs_no_secret(tg: FakeTelegram, tmp_path: Path) -> None:
    secret = "webhook-Secret_123"
    env = {
        **os.environ,
        "TELEGRAM_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": tg.url,
        "TELEGRAM_WEBHOOK_SECRET": secret,
        "DISCORD_TOKEN": "",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
        "LOG_LEVEL": "DEBUG",
    }
    process = await start_coach_run(env, tmp_path)
    try:
        await tg.wait_for("deleteWebhook", within=20)
        tg.fail("sendMessage", 502, "Bad Gateway")
        tg.push(tg.text(ALICE, "/start"))
        await tg.wait_for("sendMessage", within=10)
        tg.push(tg.text(ALICE, "/checkin legs 3"))
        await tg.wait_for("sendMessage", count=2, within=10)
    finally:
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(10):
            _, stderr = await process.communicate()
    log = stderr.decode()
    assert process.returncode == 0
    assert "DEBUG" in log and "Set Bot API URL" in log  # PTB logged the API URL…
    assert "<token>" in log or "<redacted>" in log  # …blanked
    for leak in (TOKEN, quote(TOKEN, safe=""), secret):
        assert leak not in log
