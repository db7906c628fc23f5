"""Several workers on one database: each update applied once, each user's steps in order.

Two `Coach` instances with separate `Database` objects stand for two worker processes
behind a load balancer. Platforms deliver at least once, so every update here reaches
both workers at the same moment; and people double-tap, so some buttons are pressed
twice at once, one press landing on each worker.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import create_async_engine

from core.delivery import outbox as outbox_module
from core.delivery.outbox import Outbox
from core.delivery.platform import RetryLater
from core.engine.coach import Coach
from core.events import ChatRef, Event, Reply, Sender
from core.features.reminders import due as reminders_module
from core.storage.db import Database
from core.storage.locks import exclusive_lock
from core.storage.schema import (
    checkins,
    outbox,
    processed_updates,
    readiness_checks,
    reminders,
    users,
    utcnow,
)
from tests.conftest import NOON, Chat, build_coach

STALE = "That button is from an earlier question"
USERS = 12


class Person:
    """One user whose updates reach two workers."""

    ids = itertools.count(1)

    def __init__(self, name: str, workers: tuple[Coach, Coach]) -> None:
        self.sender = Sender("test", name, name.title())
        self.chat = ChatRef("test", name)
        self.workers = workers
        self.latest: list[Reply] = []
        self.updates = 0

    def event(self, *, text: str | None = None, payload: str | None = None) -> Event:
        self.updates += 1
        update_id = str(next(Person.ids))
        return Event(self.sender, self.chat, text, payload, NOON, update_id)

    async def send(self, *, text: str | None = None, payload: str | None = None) -> list[Reply]:
        """Deliver one update to both workers at once: exactly one of them answers."""
        event = self.event(text=text, payload=payload)
        answers = await asyncio.gather(*(w.handle(event) for w in self.workers))
        answered = [a for a in answers if a]
        assert len(answered) == 1, answers
        self.latest = answered[0]
        return self.latest

    def button(self, label: str) -> str:
        for b in (b for r in self.latest for b in r.flat_buttons):
            if b.label.startswith(label):
                return b.payload
        raise AssertionError(f"no {label!r} in {[r.text for r in self.latest]}")

    async def double_tap(self, first: str, second: str) -> tuple[list[Reply], list[Reply]]:
        """Two presses on the latest question at once, one reaching each worker."""
        one, two = self.button(first), self.button(second)
        a, b = self.workers
        return await asyncio.gather(
            a.handle(self.event(payload=one)), b.handle(self.event(payload=two))
        )


def latest_question(*answers: list[Reply]) -> list[Reply]:
    """What the user sees last: the question with the highest sequence number."""

    def seq(replies: list[Reply]) -> int:
        payloads = [b.payload for r in replies for b in r.flat_buttons]
        return max((int(p.split(":")[2]) for p in payloads if p.startswith("q:")), default=-1)

    return max(answers, key=seq)


async def check_in_and_get_ready(person: Person) -> None:
    # A guided check-in, every update delivered twice.
    await person.send(text="/checkin")
    await person.send(payload=person.button("Start check-in"))
    await person.send(payload=person.button("2 Moderate"))
    assert "(2 of" in person.latest[0].text
    # Two different answers to the second question tapped at once: one counts, the
    # other is recognised as stale, and the user goes on from the question they see.
    first, second = await person.double_tap("1 ", "3 ")
    stale = [r for r in (first, second) if STALE in r[0].text]
    assert len(stale) == 1, (first, second)
    person.latest = latest_question(first, second)
    await person.send(payload=person.button("The rest: none"))
    assert "Saved today's check-in" in person.latest[0].text
    # /ready, and its last answer tapped twice: one readiness check is stored.
    await person.send(text="/ready")
    await person.send(payload=person.button("Never got sore"))
    first, second = await person.double_tap("Stronger", "Stronger")
    assert sorted(STALE in r[0].text for r in (first, second)) == [False, True]


async def count(db: Database, table: object) -> int:
    async with db.transaction() as conn:
        return int(await conn.scalar(select(func.count()).select_from(table)) or 0)  # type: ignore[arg-type]


async def test_two_workers_apply_each_update_once_and_each_step_in_order(
    database_url: str,
) -> None:
    dbs = (Database(database_url), Database(database_url))
    await asyncio.gather(*(db.migrate() for db in dbs))
    try:
        workers = (build_coach(dbs[0]), build_coach(dbs[1]))
        people = [Person(f"user{n}", workers) for n in range(USERS)]
        await asyncio.gather(*(check_in_and_get_ready(p) for p in people))
        async with dbs[0].transaction() as conn:
            stored = {r.user_id: r.levels for r in await conn.execute(select(checkins))}
        assert len(stored) == USERS
        for levels in stored.values():
            assert levels["chest"] == 2  # the first question's answer
            assert levels["back"] in (1, 3)  # whichever tap came first
            assert sum(levels.values()) == 2 + levels["back"]  # the rest: none
        assert await count(dbs[1], readiness_checks) == USERS
        asking = select(users).where(users.c.convo_flow.is_not(None)).subquery()
        assert await count(dbs[1], asking) == 0  # every conversation finished
        # Every update recorded once, whichever worker took it.
        assert await count(dbs[1], processed_updates) == sum(p.updates for p in people)
    finally:
        await asyncio.gather(*(db.close() for db in dbs))


async def cut_connections(url: str) -> None:
    """What a server restart or an idle-connection reaper does to a worker's pool."""
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    await engine.dispose()


@pytest.mark.postgres
async def test_a_worker_whose_connections_were_cut_carries_on(postgres_url: str) -> None:
    db = Database(postgres_url)
    await db.migrate()
    try:
        chat = Chat(build_coach(db), "cut")
        await chat.say("/checkin")
        await cut_connections(postgres_url)
        await chat.press("Start check-in")
        assert "(1 of" in chat.text and "how sore?" in chat.text
    finally:
        await db.close()


# --- schedulers and senders ------------------------------------------------------------


class Recorder:
    """A platform that records what it was asked to send (shared by both schedulers)."""

    name = "test"

    def __init__(self, fail_first: list[Exception] | None = None) -> None:
        self.sent: list[str] = []
        self.fail_first = list(fail_first or [])

    async def send(self, chat: ChatRef, reply: Reply) -> None:
        await asyncio.sleep(0)  # a network call: let the other scheduler run meanwhile
        if self.fail_first:
            raise self.fail_first.pop(0)
        self.sent.append(chat.chat_id)


async def due_reminders(db: Database, count: int) -> None:
    """`count` users, each with a workout reminder that fell due a minute ago."""
    now = utcnow()
    async with db.transaction() as conn:
        await conn.execute(
            insert(users),
            [
                {"platform": "test", "platform_user_id": f"u{n}", "created_at": now}
                for n in range(count)
            ],
        )
        ids = (await conn.execute(select(users.c.id, users.c.platform_user_id))).all()
        await conn.execute(
            insert(reminders),
            [
                {
                    "user_id": uid,
                    "kind": "workout",
                    "platform": "test",
                    "chat_id": name,
                    "at": "07:00",
                    "days": [0, 1, 2, 3, 4, 5, 6],
                    "next_due_at": now - timedelta(minutes=1),
                }
                for uid, name in ids
            ],
        )


async def run_scheduler(db: Database, platform: Recorder) -> int:
    """One scheduler process: tick and send until nothing is due or queued."""
    sender = Outbox(db, {"test": platform}, batch=50)
    coach = build_coach(db)
    ticks = 0
    while True:
        claimed = (await coach.tick()).claimed
        ticks += claimed > 0
        if not claimed and not await sender.deliver_once():
            return ticks


async def test_two_schedulers_send_1000_due_reminders_exactly_once(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reminders_module, "BATCH", 50)  # many small claims, interleaved
    dbs = (Database(database_url), Database(database_url))
    await dbs[0].migrate()
    await due_reminders(dbs[0], 1000)
    platform = Recorder()
    try:
        ticks = await asyncio.gather(*(run_scheduler(db, platform) for db in dbs))
        async with dbs[1].transaction() as conn:
            unsent = await conn.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))
            )
            queued = await conn.scalar(select(func.count()).select_from(outbox))
    finally:
        await asyncio.gather(*(db.close() for db in dbs))
    assert len(platform.sent) == 1000
    assert set(Counter(platform.sent).values()) == {1}  # nobody got two
    assert (queued, unsent) == (1000, 0)
    if not database_url.startswith("sqlite"):
        assert min(ticks) > 0  # both schedulers claimed a share (SKIP LOCKED)


async def test_a_send_that_cannot_start_in_its_lease_goes_back_to_the_queue(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox_module, "LEASE", timedelta(seconds=1.0))
    monkeypatch.setattr(outbox_module, "SEND_MARGIN", timedelta(seconds=0.5))
    await due_reminders(db, 1)
    await build_coach(db).tick()
    slow = Recorder(fail_first=[RetryLater(0.8)])  # a 429 outlasting the lease
    assert await Outbox(db, {"test": slow}).deliver_once() == 1
    assert slow.sent == []
    async with db.transaction() as conn:
        row = (await conn.execute(select(outbox))).one()
    assert (row.lease_until, row.sent_at, row.attempts) == (None, None, 0)
    other = Recorder()
    assert await Outbox(db, {"test": other}).deliver_once() == 1
    assert other.sent == ["u0"]


async def test_one_process_holds_a_role_lock_until_it_lets_go(db: Database) -> None:
    other_process = Database(str(db.url))
    try:
        mine, theirs = exclusive_lock(db, "scheduler"), exclusive_lock(other_process, "scheduler")
        assert await mine.acquire()
        assert await mine.held()
        assert not await theirs.acquire()
        await mine.release()
        assert await theirs.acquire()
        await theirs.release()
    finally:
        await other_process.close()
