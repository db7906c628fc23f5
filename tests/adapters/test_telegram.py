"""The Telegram adapter end to end: the real python-telegram-bot Application polls (or takes
webhooks) against a wire-level fake Bot API on 127.0.0.1, with the real coach behind it.
No network and no token needed."""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from sqlalchemy import func, select
from telegram.error import InvalidToken

from adapters.telegram import (
    MenuCommand,
    TelegramAdapter,
    TelegramConfig,
    api_urls,
    split_text,
    webhook_secret_for,
)
from core.delivery.platform import RetryLater, Unconfirmed, Unreachable
from core.delivery.reachability import chat_unreachable
from core.engine.coach import Coach
from core.engine.payloads import owner_tag
from core.events import Button, ChatRef, Event, Reply, rows
from core.storage.db import Database
from core.storage.schema import cohort_members, cohorts
from tests.conftest import build_coach, start_coach_run
from tests.fakes.telegram_api import BOT_USERNAME, TOKEN, Call, FakeTelegram

pytestmark = pytest.mark.filterwarnings(
    # PTB's own RetryAfter message reads the attribute it is deprecating; not ours to fix.
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"
)

ALICE = 4242
BOB = 5151
CAROL = 6363
GROUP = -100777


class Collected(list[Any]):
    """A list that can be waited on: filled by callbacks, read by the test."""

    def __init__(self) -> None:
        super().__init__()
        self.changed = asyncio.Event()

    def append(self, item: Any) -> None:
        super().append(item)
        self.changed.set()

    async def until(self, count: int, within: float = 5.0) -> None:
        async with asyncio.timeout(within):
            while len(self) < count:
                self.changed.clear()
                await self.changed.wait()


@dataclass
class Harness:
    tg: FakeTelegram
    adapter: TelegramAdapter
    unreachable: Collected = field(default_factory=Collected)

    async def say(self, user: int, text: str, *, group: int | None = None, **kw: Any) -> Call:
        """Send a message and wait for the bot's first answer to it."""
        mark = self.tg.mark()
        self.tg.push(self.tg.text(user, text, group=group, **kw))
        [call] = await self.tg.wait_for("sendMessage", since=mark)
        return call

    async def press(self, user: int, call: Call, label: str) -> Call:
        """Press a button on the message `call` produced; wait for the edit or new message."""
        mark = self.tg.mark()
        self.tg.push(self.tg.press(user, call.result, label))
        await self.tg.wait_for("answerCallbackQuery", since=mark)
        [answer] = await self.tg.wait_for(("editMessageText", "sendMessage"), since=mark)
        return answer


@asynccontextmanager
async def running(
    tg: FakeTelegram,
    handle: Callable[[Event], Awaitable[list[Reply]]],
    commands: Iterable[MenuCommand] = (),
    gone: Database | None = None,
    **config: Any,
) -> AsyncIterator[Harness]:
    """Run the adapter; chats it reports gone are collected and, with `gone`, also handed
    to the coach's own handling, as `coach run` does."""
    unreachable = Collected()

    async def on_unreachable(chat: ChatRef) -> None:
        if gone is not None:
            await chat_unreachable(gone, chat)
        unreachable.append(chat)

    settings = TelegramConfig(TOKEN, api_base_url=tg.url, poll_timeout=10, **config)
    adapter = TelegramAdapter(
        settings, handle=handle, commands=commands, on_unreachable=on_unreachable
    )
    await adapter.start()
    try:
        yield Harness(tg, adapter, unreachable)
    finally:
        await adapter.stop()


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def real_coach(tmp_path: Path) -> AsyncIterator[Coach]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/c.db")
    await db.migrate()
    yield build_coach(db)
    await db.close()


@pytest.fixture
async def bot(tg: FakeTelegram, real_coach: Coach) -> AsyncIterator[Harness]:
    async with running(tg, real_coach.handle, real_coach.commands.values()) as harness:
        yield harness


# --- through the whole product ------------------------------------------------------------


async def test_menus_are_registered_and_start_answers_with_buttons(bot: Harness) -> None:
    menus = {c.params["scope"]["type"]: c.params["commands"] for c in bot.tg.sent("setMyCommands")}
    private = {c["command"] for c in menus["all_private_chats"]}
    groups = {c["command"] for c in menus["all_group_chats"]}
    assert {"start", "checkin", "timezone"} <= private
    assert "start" in groups and "timezone" not in groups

    welcome = await bot.say(ALICE, "/start", first_name="<b>Al & Bo</b>")
    assert "<b>Al & Bo</b>" in welcome.text  # shown as typed: plain text, no parse mode
    assert "parse_mode" not in welcome.params
    assert welcome.labels[:1] == ["Check in"]
    assert all(len(data.encode()) <= 64 for row in welcome.buttons for _, data in row)


async def test_a_full_check_in_by_buttons_stays_one_tidy_message(bot: Harness) -> None:
    intro = await bot.say(ALICE, "/checkin")
    assert "Start check-in" in intro.labels
    mark = bot.tg.mark()

    first = await bot.press(ALICE, intro, "Start check-in")
    assert first.method == "editMessageText"
    assert first.params["message_id"] == str(intro.result["message_id"])
    assert "(1 of" in first.text
    second = await bot.press(ALICE, first, "3 Very sore")
    assert "(2 of" in second.text
    third = await bot.press(ALICE, second, "1 Mild")
    assert "(3 of" in third.text
    done = await bot.press(ALICE, third, "The rest: none")

    assert done.text.startswith("Saved today's check-in:")
    assert "reply_markup" not in bot.tg.message_of(done)  # answered: no buttons left
    assert bot.tg.sent("sendMessage", since=mark) == []  # every step was an edit
    assert len(bot.tg.sent("answerCallbackQuery", since=mark)) == 4


async def test_ready_walks_to_a_verdict(bot: Harness) -> None:
    question = await bot.say(ALICE, "/ready")
    assert "Still sore" in question.labels
    warmup = await bot.press(ALICE, question, "Still sore")
    assert "any sharp pain?" in warmup.text
    working_set = await bot.press(ALICE, warmup, "No")
    verdict = await bot.press(ALICE, working_set, "Stronger")
    assert "Stronger than last time" in verdict.text and "Train as planned" in verdict.text


async def test_pain_with_a_red_flag_says_stop_and_get_help(bot: Harness) -> None:
    answer = await bot.say(ALICE, "/pain a bit of a pump but also chest pain and I can't breathe")
    assert "red flag" in answer.text
    assert "emergency" in answer.text


async def test_ask_answers_from_the_knowledge_base(bot: Harness) -> None:
    answer = await bot.say(ALICE, "/ask is it ok to lift while I'm still sore?")
    assert answer.text.startswith("Lifting while sore")


async def test_chart_arrives_as_a_photo_and_export_as_a_document(bot: Harness) -> None:
    saved = await bot.say(ALICE, "/checkin legs 3 chest 1")
    assert saved.text.startswith("Saved today's check-in")

    mark = bot.tg.mark()
    bot.tg.push(bot.tg.text(ALICE, "/chart"))
    [photo] = await bot.tg.wait_for("sendPhoto", since=mark, within=20)
    assert photo.files["photo"].data.startswith(b"\x89PNG")
    assert photo.text.startswith("Your soreness by muscle group")

    mark = bot.tg.mark()
    bot.tg.push(bot.tg.text(ALICE, "/export"))
    [document] = await bot.tg.wait_for("sendDocument", since=mark)
    assert document.files["document"].filename == "doms-coach-export.csv"
    assert b"quads" in document.files["document"].data


async def test_group_commands_need_this_bot_and_chatter_is_ignored(
    tg: FakeTelegram, real_coach: Coach
) -> None:
    seen = Collected()

    async def handle(event: Event) -> list[Reply]:
        seen.append(event)
        return await real_coach.handle(event)

    async with running(tg, handle, real_coach.commands.values()) as bot:
        command = tg.text(ALICE, f"/help@{BOT_USERNAME}", group=GROUP)
        mark = tg.mark()
        tg.push(
            tg.text(BOB, "morning all, legs day!", group=GROUP),
            tg.text(BOB, "/help@SomeOtherBot", group=GROUP),
            command,
        )
        [help_reply] = await tg.wait_for("sendMessage", since=mark)
        assert help_reply.chat_id == GROUP
        assert "/start" in help_reply.text and "/timezone" not in help_reply.text
        reply_params = help_reply.params["reply_parameters"]
        assert reply_params["message_id"] == command["message"]["message_id"]

        await bot.say(BOB, "/start", group=GROUP, reply_to=help_reply.result)
        tg.push(tg.text(BOB, "thanks!", group=GROUP, reply_to=help_reply.result))
        await seen.until(3)

    assert [e.text for e in seen] == [f"/help@{BOT_USERNAME}", "/start", "thanks!"]
    assert all(e.chat == ChatRef("telegram", str(GROUP), is_group=True) for e in seen)
    assert seen[0].update_id is not None and seen[0].sender.user_id == str(ALICE)


async def test_a_cohort_in_a_group_keeps_everyones_answers_private(
    tg: FakeTelegram, real_coach: Coach
) -> None:
    db = real_coach.db

    async def count(table: Any) -> int:
        async with db.transaction() as conn:
            return int(await conn.scalar(select(func.count()).select_from(table)) or 0)

    tg.admins.add((GROUP, ALICE))
    start = "/cohort start 2026-11-23 mon,wed,fri 18:00 UTC"
    async with running(tg, real_coach.handle, real_coach.commands.values(), gone=db) as bot:
        refused = await bot.say(BOB, start, group=GROUP)
        assert "Only this chat's admins" in refused.text and await count(cohorts) == 0
        started = await bot.say(ALICE, start, group=GROUP)
        assert "Cohort started" in started.text and started.chat_id == GROUP

        # Bob has a private chat with the bot: his details arrive there, not in the group.
        await bot.say(BOB, "/start")
        mark = tg.mark()
        tg.push(tg.text(BOB, "/join", group=GROUP))
        said = await tg.wait_for("sendMessage", since=mark, count=2)
        assert {c.chat_id for c in said} == {GROUP, BOB}
        assert "your plan" not in next(c for c in said if c.chat_id == GROUP).text.lower()

        # Carol never opened one: the group gets a deep link that completes the join.
        tg.fail("sendMessage", 403, "Forbidden: bot can't initiate conversation", chat_id=CAROL)
        mark = tg.mark()
        tg.push(tg.text(CAROL, "/join", group=GROUP))
        [_, note] = await tg.wait_for("sendMessage", since=mark, count=2)
        assert note.chat_id == GROUP
        link = f"https://t.me/{BOT_USERNAME}?start=join-"
        assert link in note.text
        param = note.text.split("?start=")[1].split()[0]
        joined = await bot.say(CAROL, f"/start {param}")
        assert joined.chat_id == CAROL and "follows the cohort's plan" in joined.text
        await bot.say(ALICE, "/join", group=GROUP)
        assert await count(cohort_members) == 3

        for user, levels in ((ALICE, "chest 1"), (BOB, "chest 3"), (CAROL, "chest 2")):
            await bot.say(user, f"/checkin {levels}")
        summary = await bot.say(BOB, "/summary", group=GROUP)
        assert "3 of 3 checked in" in summary.text and "chest 2.0" in summary.text
        for private in ("User4242", "User5151", "User6363", "chest 1", "chest 3 "):
            assert private not in summary.text

        # Removed from the group: the cohort and its member list go.
        mark = tg.mark()
        tg.push(
            {
                "my_chat_member": {
                    "chat": tg.group_chat(GROUP),
                    "from": tg.user(ALICE),
                    "date": 1_700_000_000,
                    "old_chat_member": {"status": "member", "user": tg.bot_user()},
                    "new_chat_member": {"status": "left", "user": tg.bot_user()},
                }
            }
        )
        await bot.unreachable.until(2)  # Carol's failed DM, then the group
        assert bot.unreachable[-1] == ChatRef("telegram", str(GROUP), is_group=True)
    assert await count(cohorts) == 0 and await count(cohort_members) == 0


async def test_an_update_delivered_twice_is_answered_once(bot: Harness) -> None:
    mark = bot.tg.mark()
    [update] = bot.tg.push(bot.tg.text(ALICE, "/start"))
    await bot.tg.wait_for("sendMessage", since=mark)
    bot.tg.push(update, redeliver=True)  # Telegram lost our confirmation and sends it again
    await bot.say(ALICE, "/help")

    assert bot.tg.delivered.count(update["update_id"]) == 2
    texts = [c.text for c in bot.tg.sent("sendMessage", since=mark)]
    assert len(texts) == 2 and texts[1].startswith("Here's what I can do")


async def test_a_429_is_waited_out_and_the_reply_still_arrives(bot: Harness) -> None:
    bot.tg.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    mark = bot.tg.mark()
    answer = await bot.say(ALICE, "/help")

    attempts = [c for c in bot.tg.calls[mark:] if c.method == "sendMessage"]
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 1.0
    assert answer.text.startswith("Here's what I can do")


async def test_a_network_error_is_retried_and_the_token_never_logged(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bot.tg.fail("sendMessage", 502, "Bad Gateway")
    answer = await bot.say(ALICE, "/help")
    assert answer.text.startswith("Here's what I can do")
    assert "HTTP Request: POST" in caplog.text and TOKEN not in caplog.text


async def test_a_user_who_blocked_the_bot_is_marked_unreachable(bot: Harness) -> None:
    bot.tg.fail("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=ALICE)
    bot.tg.push(bot.tg.text(ALICE, "/start"))
    await bot.unreachable.until(1)
    assert bot.unreachable == [ChatRef("telegram", str(ALICE))]

    answer = await bot.say(BOB, "/help")  # and the bot carries on for everyone else
    assert answer.chat_id == BOB

    blocked = {
        "my_chat_member": {
            "chat": bot.tg.private_chat(BOB),
            "from": bot.tg.user(BOB),
            "date": 1_700_000_000,
            "old_chat_member": {"status": "member", "user": bot.tg.bot_user()},
            "new_chat_member": {
                "status": "kicked",
                "user": bot.tg.bot_user(),
                "until_date": 0,
            },
        }
    }
    bot.tg.push(blocked)
    await bot.unreachable.until(2)
    assert bot.unreachable[1] == ChatRef("telegram", str(BOB))


async def test_malformed_and_unexpected_updates_are_skipped(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    mark = bot.tg.mark()
    bot.tg.push(
        {"message": {"message_id": 1, "text": "no chat, no date"}},
        {"edited_message": bot.tg.text(ALICE, "edited")["message"]},
    )
    answer = await bot.say(ALICE, "/help")
    assert answer.text.startswith("Here's what I can do")
    assert len(bot.tg.sent("sendMessage", since=mark)) == 1
    assert "malformed Telegram update" in caplog.text


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


# --- rendering and routing, with a stand-in for the coach ---------------------------------


class Scripted:
    """Answers every event with the replies it is given, and remembers the events."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.events: list[Event] = []

    async def __call__(self, event: Event) -> list[Reply]:
        self.events.append(event)
        return list(self.replies)


async def test_long_text_is_split_and_buttons_go_on_the_last_part(tg: FakeTelegram) -> None:
    text = "\n".join(f"line {n} " + "x" * 60 for n in range(100))
    reply = Reply(text, rows(Button("OK", "cmd:help")))
    async with running(tg, Scripted(reply)) as bot:
        mark = tg.mark()
        tg.push(tg.text(ALICE, "hello"))
        first, second = await tg.wait_for("sendMessage", since=mark, count=2)
    assert first.text + "\n" + second.text == text
    assert first.buttons == [] and second.labels == ["OK"]
    assert bot.adapter.bot_username == BOT_USERNAME


async def test_a_private_reply_in_a_group_goes_to_the_users_private_chat(
    tg: FakeTelegram,
) -> None:
    secret = Reply("Your pain notes: sharp, left knee.", private=True)
    async with running(tg, Scripted(secret)) as bot:
        direct = await bot.say(ALICE, "/pain", group=GROUP)
        assert direct.chat_id == ALICE and direct.text == secret.text

        tg.fail("sendMessage", 403, "Forbidden: bot can't initiate conversation", chat_id=ALICE)
        note = await bot.say(ALICE, "/pain", group=GROUP)
    assert note.chat_id == GROUP
    assert f"@{BOT_USERNAME}" in note.text and "knee" not in note.text


async def test_admin_rights_are_checked_only_for_cohort_commands(tg: FakeTelegram) -> None:
    coach = Scripted(Reply("ok"))
    tg.admins.add((GROUP, ALICE))
    async with running(tg, coach) as bot:
        await bot.say(ALICE, "/help", group=GROUP)
        assert tg.sent("getChatMember") == []
        await bot.say(ALICE, f"/cohort@{BOT_USERNAME} start", group=GROUP)
        await bot.say(BOB, "/cohort start", group=GROUP)
    assert [e.chat.user_is_admin for e in coach.events] == [False, True, False]
    assert len(tg.sent("getChatMember")) == 2


async def test_pressing_someone_elses_question_only_tells_the_presser(tg: FakeTelegram) -> None:
    question = Reply(
        "Alice, ready?", rows(Button("Yes", f"q:{owner_tag('telegram', str(ALICE))}:1:y"))
    )
    coach = Scripted(question)
    async with running(tg, coach) as bot:
        asked = await bot.say(ALICE, "/ready", group=GROUP)
        coach.replies = [Reply("That button belongs to someone else's question.")]
        mark = tg.mark()
        tg.push(tg.press(BOB, asked.result, "Yes"))
        [answer] = await tg.wait_for("answerCallbackQuery", since=mark)
        await bot.say(BOB, "/help", group=GROUP)  # everything before it is done
    assert answer.params["show_alert"] == "true"
    assert "someone else's" in answer.params["text"]
    assert [c.method for c in tg.sent(since=mark)].count("editMessageText") == 0


async def test_send_maps_platform_answers_for_the_outbox(tg: FakeTelegram) -> None:
    alice = ChatRef("telegram", str(ALICE))
    async with running(tg, Scripted(), rate_limit_retries=0) as bot:
        await bot.adapter.send(
            alice, Reply("Leg day today", rows(Button("Check in", "cmd:checkin")))
        )
        [sent] = tg.sent("sendMessage")
        assert sent.chat_id == ALICE and sent.labels == ["Check in"]

        tg.fail("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
        with pytest.raises(RetryLater) as waited:
            await bot.adapter.send(alice, Reply("again"))
        assert waited.value.after == 7

        tg.fail("sendMessage", 403, "Forbidden: bot was blocked by the user")
        with pytest.raises(Unreachable):
            await bot.adapter.send(alice, Reply("again"))
        tg.fail("sendMessage", 400, "Bad Request: chat not found")
        with pytest.raises(Unreachable):
            await bot.adapter.send(alice, Reply("again"))
        tg.fail("sendMessage", 502, "Bad Gateway")
        with pytest.raises(RetryLater):
            await bot.adapter.send(alice, Reply("again"))
    assert bot.unreachable == []  # the outbox marks users; send() only reports


async def test_the_fakes_flood_limit_answers_429_beyond_its_rolling_second() -> None:
    """bench/fanout.py relies on it: Telegram's global limit, as the real adapter sees it."""
    alice = ChatRef("telegram", str(ALICE))
    async with (
        FakeTelegram(sends_per_second=2) as tg,
        running(tg, Scripted(), rate_limit_retries=0) as bot,
    ):
        await bot.adapter.send(alice, Reply("one"))
        await bot.adapter.send(alice, Reply("two"))
        with pytest.raises(RetryLater) as waited:
            await bot.adapter.send(alice, Reply("three"))
        assert waited.value.after == 1
        assert tg.throttled == 1
        assert [c.text for c in tg.sent("sendMessage")] == ["one", "two"]


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


def test_split_text_counts_utf16_units_and_keeps_everything() -> None:
    text = "💪" * 3000  # 6,000 UTF-16 units
    parts = split_text(text)
    assert len(parts) == 2 and "".join(parts) == text
    assert all(len(p.encode("utf-16-le")) // 2 <= 4096 for p in parts)
    assert split_text("   ") == []


# --- platform faults ----------------------------------------------------------------------


async def test_a_send_answered_too_late_is_not_sent_twice(
    tg: FakeTelegram, real_coach: Coach
) -> None:
    async with running(tg, real_coach.handle, read_timeout=0.5) as bot:
        tg.slow("sendMessage", 1.5)  # Telegram posts it, but answers after our timeout
        mark = tg.mark()
        tg.push(tg.text(ALICE, "/help"))
        await tg.wait_for("sendMessage", since=mark)
        answer = await bot.say(ALICE, "/start")  # and the bot carries on
        assert answer.text.startswith("Hi")
    helps = [c for c in tg.sent("sendMessage", since=mark) if c.text.startswith("Here's")]
    assert len(helps) == 1

    alice = ChatRef("telegram", str(ALICE))
    async with running(tg, Scripted(), read_timeout=0.5) as bot:
        tg.slow("sendMessage", 1.5)
        with pytest.raises(Unconfirmed):  # the outbox records it and does not resend
            await bot.adapter.send(alice, Reply("Leg day today"))
    assert len([c for c in tg.sent("sendMessage") if c.text == "Leg day today"]) == 1


async def test_a_dropped_connection_is_retried_and_the_reply_arrives_once(bot: Harness) -> None:
    bot.tg.drop("sendMessage")  # nothing was done: safe to send again
    mark = bot.tg.mark()
    answer = await bot.say(ALICE, "/help")
    assert answer.text.startswith("Here's what I can do")
    attempts = [c.status for c in bot.tg.calls[mark:] if c.method == "sendMessage"]
    assert attempts == [0, 200]

    bot.tg.drop("sendMessage")
    with pytest.raises(RetryLater):  # the outbox's own backoff takes it from here
        await bot.adapter.send(ChatRef("telegram", str(BOB)), Reply("Leg day today"))


async def test_telegram_failing_for_a_while_costs_one_reply_not_the_bot(bot: Harness) -> None:
    bot.tg.fail("sendMessage", 502, "Bad Gateway", chat_id=ALICE, times=4)  # try + 3 retries
    mark = bot.tg.mark()
    bot.tg.push(bot.tg.text(ALICE, "/help"))
    other = await bot.say(BOB, "/start")  # others are answered meanwhile
    assert other.chat_id == BOB

    def failed() -> list[Call]:
        return [c for c in bot.tg.calls[mark:] if c.method == "sendMessage" and c.status == 502]

    await bot.tg.wait_until(lambda: len(failed()) == 4, within=10)
    gaps = [b.at - a.at for a, b in itertools.pairwise(failed())]
    assert [round(g, 1) >= w for g, w in zip(gaps, (0.5, 1.0, 2.0), strict=True)] == [True] * 3
    answer = await bot.say(ALICE, "/help")  # given up on that one; the bot is fine
    assert answer.text.startswith("Here's what I can do")


async def test_polling_rides_out_getupdates_errors_with_backoff(bot: Harness) -> None:
    bot.tg.fail("getUpdates", 502, "Bad Gateway", times=2)
    first = await bot.say(ALICE, "/help")  # the poll in progress brings it; the next two fail
    assert first.text.startswith("Here's what I can do")
    mark = bot.tg.mark()
    bot.tg.push(bot.tg.text(ALICE, "/start"))
    [welcome] = await bot.tg.wait_for("sendMessage", since=mark, within=15)
    assert welcome.text.startswith("Hi")
    polls = [c for c in bot.tg.calls if c.method == "getUpdates"]
    failures = [c for c in polls if c.status == 502]
    assert len(failures) == 2 and failures[1].at - failures[0].at >= 0.9  # backing off


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
