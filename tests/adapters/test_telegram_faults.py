"""Telegram failing, and the adapter riding it out: 429s, network errors, answers that come
too late, users who blocked the bot, malformed and repeated updates, and how each maps to
what the outbox understands for proactive sends. No reply is lost to a passing fault and
none is sent twice."""

from __future__ import annotations

import itertools
import logging

import pytest

from core.delivery.platform import RetryLater, Unconfirmed, Unreachable
from core.engine.coach import Coach
from core.events import Button, ChatRef, Reply, rows

# The fixtures: pytest finds them among this module's names.
from tests.adapters.telegram_fixtures import bot_fixture as bot_fixture
from tests.adapters.telegram_fixtures import real_coach_fixture as real_coach_fixture
from tests.adapters.telegram_fixtures import tg_fixture as tg_fixture
from tests.adapters.telegram_harness import ALICE, BOB, Harness, Scripted, running
from tests.fakes.telegram_api import TOKEN, Call, FakeTelegram

pytestmark = pytest.mark.filterwarnings(
    # PTB's own RetryAfter message reads the attribute it is deprecating; not ours to fix.
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"
)


# --- through the whole product ------------------------------------------------------------


async def test_an_update_delivered_twice_is_answered_once(bot: Harness) -> None:
    mark = bot.tg.mark()
    [update] = bot.tg.push(bot.tg.text(ALICE, "/start"))
    await bot.tg.wait_for("sendMessage", since=mark)
    bot.tg.push(update, redeliver=True)  # Telegram lost our confirmation and sends it again
    await bot.say(ALICE, "/help")

    assert bot.tg.delivered.count(update["update_id"]) == 2
    texts = [c.text for c in bot.tg.sent("sendMessage", since=mark)]
    assert len(texts) == 2 and texts[1].startswith("Here's what I can do")


async def test_a_429_is_waited_out_and_the_reply_still_arrives(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    bot.tg.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    mark = bot.tg.mark()
    answer = await bot.say(ALICE, "/help")

    attempts = [c for c in bot.tg.calls[mark:] if c.method == "sendMessage"]
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 1.0
    assert answer.text.startswith("Here's what I can do")
    waits = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert waits == ["Telegram rate limit: trying again in 1 s"]  # handled: no error
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


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


# --- proactive sends, for the outbox ------------------------------------------------------


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


async def test_a_429_past_the_limiters_own_retries_comes_back_unlogged(
    tg: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    """PTB's rate limiter still retries as configured; the 429 it then gives up on is
    the outbox's to wait out (and to log, once), not an error with a traceback."""
    async with running(tg, Scripted(), rate_limit_retries=1) as bot:
        tg.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1, times=2)
        with pytest.raises(RetryLater) as waited:
            await bot.adapter.send(ChatRef("telegram", str(ALICE)), Reply("Leg day today"))
    assert waited.value.after == 1
    assert [c.status for c in tg.calls if c.method == "sendMessage"] == [429, 429]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


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
