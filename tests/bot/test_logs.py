"""The `coach` log: whatever a library logs — a token in a URL, a webhook secret among call
parameters, a database password in an error, in the message, its arguments or a traceback,
on any logger — is blanked before it is written; what is handled (a 429 waited out, a user
who blocked the bot, a chat that is gone) is no error; and every line written while one
update was handled names it."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from adapters.telegram import TelegramConfig, webhook_secret_for
from bot.logs import secrets_of, setup_logging
from bot.settings import Settings
from core.delivery.outbox import Outbox, encode_reply
from core.engine.coach import Coach, Command
from core.engine.turn import Replies, Turn
from core.events import Reply
from core.storage.db import Database
from core.storage.schema import outbox, utcnow
from tests.adapters.discord_helpers import running_bot
from tests.adapters.telegram_harness import ALICE, BOB, CAROL, Scripted, running
from tests.conftest import build_coach
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import FakeTelegram

TOKEN = "123456:AAH-secret_token"
PASSWORD = "pg-pa55word"

pytestmark = pytest.mark.filterwarnings(
    # PTB's own RetryAfter message reads the attribute it is deprecating; not ours to fix.
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"
)


@contextmanager
def coach_log(settings: Settings, level: str) -> Iterator[io.StringIO]:
    """The log exactly as `coach run` writes it, into a string; the test runner's own
    handlers come back afterwards."""
    stream = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    setup_logging(settings, level=level, stream=stream)
    try:
        yield stream
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])


@pytest.fixture
def log() -> Iterator[io.StringIO]:
    settings = Settings(
        telegram_token=TOKEN,
        discord_token="discord.secret.token",
        database_url=f"postgresql+asyncpg://coach:{PASSWORD}@db:5432/coach",
    )
    with coach_log(settings, "DEBUG") as stream:
        yield stream


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/c.db")
    await db.migrate()
    yield db
    await db.close()


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


async def test_a_429_and_chats_that_are_gone_are_handled_not_errors(database: Database) -> None:
    now = utcnow()
    async with database.transaction() as conn:
        for chat in (ALICE, BOB, CAROL):
            await conn.execute(
                insert(outbox).values(
                    dedupe_key=f"leg-day-{chat}",
                    platform="telegram",
                    chat_id=str(chat),
                    message=encode_reply(Reply("Leg day today")),
                    created_at=now,
                    not_before=now,
                )
            )
    async with FakeTelegram() as tg:
        with coach_log(Settings(telegram_token=tg.token), "INFO") as log:
            async with running(tg, Scripted()) as bot:
                limited = "Too Many Requests: retry after 1"
                tg.fail("sendMessage", 429, limited, retry_after=1, chat_id=ALICE)
                tg.fail("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=BOB)
                tg.fail("sendMessage", 400, "Bad Request: chat not found", chat_id=CAROL)
                await Outbox(database, {bot.adapter.name: bot.adapter}).deliver_once()
        received = [c.chat_id for c in tg.sent("sendMessage")]
    async with database.transaction() as conn:
        failed = dict(list(await conn.execute(select(outbox.c.chat_id, outbox.c.failed))))

    assert received == [ALICE]  # after the wait, once
    assert failed == {str(ALICE): None, str(BOB): "unreachable", str(CAROL): "unreachable"}
    text = log.getvalue()
    lines = text.splitlines()
    assert "Traceback" not in text
    assert [line for line in lines if " ERROR " in line or " CRITICAL " in line] == []
    [warning] = [line for line in lines if " WARNING " in line]  # the 429, once
    assert f"chat {ALICE} held back (Telegram rate limit); sending again in 1.0 s" in warning
    gone = [line for line in lines if " INFO " in line and "is unreachable" in line]
    assert sorted(re.findall(r"chat (\d+)", line)[0] for line in gone) == [str(BOB), str(CAROL)]


async def probe(turn: Turn, args: str) -> Replies:
    # Core code: run in the transaction events handled together share (GroupCommit).
    logging.getLogger("core.features.probe").info("probe by %s", turn.event.sender.user_id)
    return [Reply("probed")]


def probing_coach(database: Database) -> Coach:
    coach = build_coach(database)
    coach.command(Command("probe", "Log one line", probe))
    return coach


async def test_every_line_logged_for_an_update_names_it(database: Database) -> None:
    coach = probing_coach(database)
    async with FakeTelegram() as tg:
        with coach_log(Settings(telegram_token=tg.token), "INFO") as log:
            async with running(tg, coach.handle, coach.commands.values()) as bot:
                tg.fail("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=BOB)
                alice, bob = tg.push(tg.text(ALICE, "/probe"), tg.text(BOB, "/probe"))
                await bot.unreachable.until(1)  # Bob's answer could not be delivered
                await bot.say(ALICE, "/help")  # one chat's updates in order: hers is done

    lines = log.getvalue().splitlines()
    for user, update in ((ALICE, alice), (BOB, bob)):
        tag = f"event={update['update_id']}"
        [core_line] = [line for line in lines if f"probe by {user}" in line]
        assert tag in core_line
        sent = [line for line in lines if "sendMessage" in line and tag in line]
        assert sent, f"no sendMessage line tagged {tag}"
    [gone] = [line for line in lines if "is unreachable" in line]
    assert f"event={bob['update_id']}" in gone and f"chat {BOB}" in gone
    [started] = [line for line in lines if "polling as @" in line]
    assert "event=" not in started  # not handling any update then


async def test_every_line_logged_for_a_discord_interaction_names_it(database: Database) -> None:
    fake = FakeDiscord()
    await fake.start()
    try:
        with coach_log(Settings(discord_token="test-token"), "INFO") as log:
            async with running_bot(fake, probing_coach(database)) as bot:
                ann = fake.user("Ann")
                interaction = await fake.slash(ann, "probe", guild=True)
                [answer] = await bot.answers(interaction)
    finally:
        await fake.close()
    assert answer.content == "probed"
    [line] = [line for line in log.getvalue().splitlines() if f"probe by {ann.id}" in line]
    assert f"event={interaction}" in line
