"""The outbox under faults: a send cut short by a crash or left unanswered is never repeated,
a send that surely failed is retried until it arrives once, and the sender loop survives a
broken database without spinning."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from core.delivery.outbox import LEASE, Outbox, encode_reply
from core.delivery.platform import RetryLater, Unconfirmed
from core.events import ChatRef, Reply
from core.storage.db import Database
from core.storage.schema import outbox, utcnow


class Crash(BaseException):
    """The process dying mid-send (not an Exception: nothing may catch it)."""


class Platform:
    name = "test"

    def __init__(self, *script: BaseException | None, crash_after_send: bool = False) -> None:
        self.script = list(script)
        self.crash_after_send = crash_after_send
        self.delivered: list[str] = []
        self.arrived = asyncio.Event()
        self.attempts = 0

    async def send(self, chat: ChatRef, reply: Reply) -> None:
        self.attempts += 1
        outcome = self.script.pop(0) if self.script else None
        if outcome is not None:
            raise outcome
        self.delivered.append(reply.text)
        self.arrived.set()
        if self.crash_after_send:
            raise Crash


async def queue(db: Database, *texts: str) -> None:
    now = utcnow()
    async with db.transaction() as conn:
        for n, text in enumerate(texts):
            await conn.execute(
                insert(outbox).values(
                    dedupe_key=f"k{n}",
                    platform="test",
                    chat_id="chat",
                    message=encode_reply(Reply(text)),
                    created_at=now,
                    not_before=now,
                )
            )


async def states(db: Database) -> list[tuple[bool, str | None]]:
    async with db.transaction() as conn:
        found = await conn.execute(select(outbox.c.sent_at, outbox.c.failed).order_by(outbox.c.id))
        return [(sent is not None, failed) for sent, failed in found]


async def test_a_send_cut_short_by_a_crash_is_never_repeated(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await queue(db, "Leg day today")
    dying = Platform(crash_after_send=True)
    with pytest.raises(Crash):
        await Outbox(db, {"test": dying}).deliver_once()
    assert dying.delivered == ["Leg day today"]  # it reached the user, sent_at was not written

    restarted = Platform()
    box = Outbox(db, {"test": restarted})
    later = utcnow() + LEASE + timedelta(seconds=1)
    assert await box.deliver_once(later) == 0
    assert await box.recover(later) == 1
    assert "may have arrived" in caplog.text
    assert await box.deliver_once(later + timedelta(minutes=5)) == 0
    assert restarted.delivered == [] and await states(db) == [(False, "unconfirmed")]


async def test_a_send_left_unanswered_is_not_sent_again(db: Database) -> None:
    await queue(db, "Leg day today", "Check in?")
    platform = Platform(Unconfirmed("no answer within 5 s"))
    box = Outbox(db, {"test": platform}, concurrency=1)
    assert await box.deliver_once() == 2
    assert await box.deliver_once(utcnow() + timedelta(hours=1)) == 0
    assert platform.delivered == ["Check in?"] and box.stats.unconfirmed == 1
    assert await states(db) == [(False, "unconfirmed"), (True, None)]


async def test_passing_faults_are_retried_until_it_arrives_once(db: Database) -> None:
    await queue(db, "Leg day today")
    platform = Platform(RetryLater(0.01), RetryLater(0.02), ConnectionResetError())
    box = Outbox(db, {"test": platform})
    assert await box.deliver_once() == 1  # two 429s waited out, then a network error
    assert platform.delivered == [] and await states(db) == [(False, None)]
    assert await box.deliver_once() == 0  # backing off: not before 2 s
    assert await box.deliver_once(utcnow() + timedelta(seconds=3)) == 1
    assert await box.deliver_once(utcnow() + timedelta(hours=1)) == 0
    assert platform.delivered == ["Leg day today"] and platform.attempts == 4
    assert box.stats.retried == 2 and box.stats.sent == 1


async def test_the_sender_loop_survives_a_broken_database_without_spinning(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    db = Database(sqlite_url)  # not migrated: every lease fails with "no such table"
    platform = Platform()
    box = Outbox(db, {"test": platform})
    calls = 0
    lease = box._lease

    async def counting(now: object) -> object:
        nonlocal calls
        calls += 1
        return await lease(now)  # type: ignore[arg-type]

    box._lease = counting  # type: ignore[method-assign]
    stop = asyncio.Event()
    running = asyncio.create_task(box.run(stop, idle=0.2))
    await asyncio.sleep(1.0)
    assert 2 <= calls <= 8  # waits between failures instead of hammering the database
    # A database away is a handled condition: a warning, never an error with a traceback.
    assert "outbox: database unavailable, retrying shortly" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

    await db.migrate()  # the database is back
    await queue(db, "Leg day today")
    await asyncio.wait_for(platform.arrived.wait(), 5)
    stop.set()
    await running
    assert platform.delivered == ["Leg day today"]
    await db.close()
