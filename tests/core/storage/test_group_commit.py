"""Group commit: events arriving together share a transaction, yet each person's event
is stored (or refused) exactly as if it had been alone."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from typing import Any

from sqlalchemy import event, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from core.engine.coach import INTERNAL, Coach, Command
from core.engine.turn import Replies, Turn
from core.events import Sender
from core.storage.db import Database
from core.storage.group_commit import GroupCommit
from core.storage.schema import checkins, users
from core.storage.users import create_user
from tests.conftest import Chat, build_coach


async def checkin_count(db: Database) -> int:
    async with db.transaction() as conn:
        return int(await conn.scalar(select(func.count()).select_from(checkins)) or 0)


def count_commits(db: Database) -> list[int]:
    commits: list[int] = []

    @event.listens_for(db.engine.sync_engine, "commit")
    def _on_commit(_conn: Any) -> None:
        commits.append(1)

    return commits


async def test_check_ins_sent_together_are_all_saved_in_fewer_commits(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chats = [chat_as(f"u{n}") for n in range(12)]
    await asyncio.gather(*(chat.say("/start") for chat in chats))  # everyone exists
    commits = count_commits(coach.db)

    await asyncio.gather(*(chat.say("/checkin legs 2") for chat in chats))

    for chat in chats:
        assert chat.text.startswith("Saved today's check-in: quads 2"), chat.text
    assert await checkin_count(coach.db) == 12
    assert len(commits) < 12  # shared: the reason group commit exists


async def test_one_failing_event_costs_the_others_nothing(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    async def boom(turn: Turn, args: str) -> Replies:
        await turn.conn.execute(text("SELECT 1"))
        raise RuntimeError("a bug in one handler")

    coach.command(Command("boom", "fails", boom))
    chats = [chat_as(f"u{n}") for n in range(6)]
    await asyncio.gather(*(chat.say("/start") for chat in chats))

    await asyncio.gather(
        *(chat.say("/boom" if n == 2 else "/checkin chest 1") for n, chat in enumerate(chats))
    )

    assert chats[2].text == INTERNAL
    for n, chat in enumerate(chats):
        if n != 2:
            assert chat.text.startswith("Saved today's check-in: chest 1"), chat.text
    assert await checkin_count(coach.db) == 5


async def test_a_unit_failing_at_commit_leaves_the_rest_committed(sqlite_url: str) -> None:
    """A failure only COMMIT detects (a deferred foreign key) rolls the shared
    transaction back: the batch is run again unit by unit, so only the bad one fails."""
    db = Database(sqlite_url)
    await db.migrate()
    group = GroupCommit(db, lanes=1)
    async with db.transaction() as conn:
        await create_user(conn, Sender("t", "a", "A"))
        user = int(await conn.scalar(select(users.c.id)) or 0)

    def insert_for(user_id: int, day: str) -> Callable[[AsyncConnection], Any]:
        async def unit(conn: AsyncConnection) -> str:
            await conn.execute(text("PRAGMA defer_foreign_keys = ON"))
            await conn.execute(
                text(
                    "INSERT INTO checkins (user_id, day, levels, created_at, updated_at) "
                    "VALUES (:u, :d, '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"u": user_id, "d": day},
            )
            return day

        return unit

    days = ["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"]
    outcomes = await asyncio.gather(
        *(
            group.run("same-lane", insert_for(user if day != "2026-12-03" else 999_999, day))
            for day in days
        ),
        return_exceptions=True,
    )

    assert outcomes[0] == "2026-12-01" and outcomes[1] == "2026-12-02"
    assert isinstance(outcomes[2], Exception) and "FOREIGN KEY" in str(outcomes[2]).upper()
    assert outcomes[3] == "2026-12-04"
    assert await checkin_count(db) == 3
    await db.close()


async def test_one_persons_events_keep_their_order(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/start")
    first, second = Chat(coach, "u1"), Chat(coach, "u1")
    await asyncio.gather(first.say("/checkin chest 1"), second.say("/checkin chest 3"))
    assert first.text.startswith("Saved today's check-in: chest 1")
    # The second one saw the first one's check-in, so it asks before replacing it.
    assert second.text.startswith("You've already checked in today (chest 1")
    assert await checkin_count(coach.db) == 1


async def test_waiting_for_another_process_lock_leaves_the_loop_free(sqlite_url: str) -> None:
    """Statements after the first run on the loop's thread, but BEGIN IMMEDIATE — which
    can wait for another process's write lock — does not: the loop keeps running."""
    db = Database(sqlite_url)
    await db.migrate()
    coach = build_coach(db)
    other = sqlite3.connect(db.url.database or "", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process is writing
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    running = asyncio.create_task(ticker())
    try:
        reply = asyncio.create_task(Chat(coach, "u1").say("/checkin chest 2"))
        await asyncio.sleep(0.3)
        assert not reply.done() and ticks >= 10  # waiting, and the loop is not blocked
        other.execute("COMMIT")
        replies = await reply
        assert replies[0].text.startswith("Saved today's check-in: chest 2")
    finally:
        running.cancel()
        other.close()
        await db.close()
