"""Privacy: errors show users no internals, a group never sees anyone's health data, /forget
removes every row of the user (table by table) and /export holds only their own data."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from core.delivery.outbox import decode_reply
from core.engine.coach import DB_BUSY, INTERNAL, Coach, Command
from core.engine.turn import Turn
from core.events import ChatRef, Reply
from core.storage.schema import USER_TABLES, outbox, users
from tests.conftest import NOON, Chat

START = "/cohort start 2026-11-23 mon,wed,fri 18:00 Europe/Berlin"
PAIN = {
    "ann": "sharp stabbing pain in my left knee when squatting",
    "bob": "dull ache in my hamstrings two days after deadlifts",
}


def member(chat_as: Callable[..., Chat], name: str, *, admin: bool = False) -> Chat:
    chat = chat_as(name, group="-100")
    chat.chat = ChatRef("test", "-100", is_group=True, user_is_admin=admin)
    return chat


async def everything_about(chat_as: Callable[..., Chat], name: str) -> None:
    """A user with rows in every table that can hold their data."""
    me = chat_as(name)
    await me.say("/timezone Europe/Berlin")
    await me.say("/checkin quads 3 chest 1 lower back 2")
    await me.say(f"/pain {PAIN[name]}")
    await me.say("/ready")
    await me.press("Still sore")
    await me.press("No")
    await me.press("Weaker")
    await me.say("/remind checkin 07:30")
    await member(chat_as, name).say("/join")
    await me.say("/timezone")  # leaves an unfinished question


async def rows_of(coach: Coach, name: str) -> dict[str, int]:
    async with coach.db.transaction() as conn:
        uid = select(users.c.id).where(users.c.platform_user_id == name).scalar_subquery()
        found = {
            t.name: int(
                await conn.scalar(select(func.count()).select_from(t).where(t.c.user_id == uid))
                or 0
            )
            for t in USER_TABLES
        }
        found["users"] = int(
            await conn.scalar(
                select(func.count()).select_from(users).where(users.c.platform_user_id == name)
            )
            or 0
        )
    return found


# --- errors ---------------------------------------------------------------------------------


async def test_errors_shown_to_users_hold_no_internals(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    async def broken(turn: Turn, args: str) -> list[Reply]:
        raise KeyError("SELECT token FROM users -- /srv/coach/core/checkin.py line 42")

    async def storage(turn: Turn, args: str) -> list[Reply]:
        raise OperationalError("UPDATE users SET secret=?", {"secret": "hunter2"}, Exception())

    coach.command(Command("broken", "", broken))
    coach.command(Command("storage", "", storage))
    chat = chat_as()
    await chat.say("/broken")
    assert chat.text == INTERNAL
    await chat.say("/storage")
    assert chat.text == DB_BUSY
    for text in (INTERNAL, DB_BUSY):
        for internal in ("SELECT", "UPDATE", "hunter2", ".py", "Error", "Traceback", "token"):
            assert internal not in text


# --- groups ---------------------------------------------------------------------------------


async def test_group_replies_and_posts_hold_no_individuals_health_data(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    await member(chat_as, "ann", admin=True).say(START)
    for name in PAIN:
        await everything_about(chat_as, name)
    secrets = [
        *PAIN.values(),
        "quads 3",
        "chest 1",
        "lower back 2",
        "Saved today's check-in",
        "Weaker",
        "light",
        "knee",
        "hamstrings",
    ]

    shown: list[Reply] = []
    for name in ("ann", "bob", "cyd"):  # members and someone who never joined
        chat = member(chat_as, name, admin=name == "ann")
        for command in sorted(coach.commands):
            for args in ("", "quads 3", "sharp knee", "stop" if command != "cohort" else ""):
                await chat.say(f"/{command} {args}".strip())
                shown += chat.last
                for button in [b for r in chat.last for b in r.flat_buttons][:3]:
                    await chat.send_payload(button.payload)
                    shown += chat.last
        await member(chat_as, name).say("/join")  # back in, if a /leave took them out
    for hour in range(15, 22):  # the group's workout post and end-of-day summary
        await coach.tick(datetime(2026, 11, 30, hour, 1, tzinfo=UTC))
    async with coach.db.transaction() as conn:
        posts = [
            decode_reply(row.message)
            for row in await conn.execute(select(outbox).where(outbox.c.is_group.is_(True)))
        ]
    assert any("checked in" in p.text for p in posts)  # the summary was posted

    public = [r for r in shown if not r.private] + posts
    assert len(public) > 50
    for reply in public:
        for secret in secrets:
            assert secret not in reply.text, (secret, reply.text)


# --- /forget and /export ----------------------------------------------------------------------


async def test_forget_removes_every_row_of_the_user_table_by_table(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    await member(chat_as, "ann", admin=True).say(START)
    for name in PAIN:
        await everything_about(chat_as, name)
    await coach.tick(datetime(2026, 12, 1, 6, 31, tzinfo=UTC))  # 07:30 Berlin: outbox rows
    ann, bob = await rows_of(coach, "ann"), await rows_of(coach, "bob")
    assert all(n > 0 for n in ann.values()), str(ann)  # every table holds something of hers
    assert all(n > 0 for n in bob.values()), bob

    chat = chat_as("ann")
    chat.when = NOON
    await chat.say("/forget")
    await chat.press("Yes")
    assert "everything I stored about you is deleted" in chat.text
    assert await rows_of(coach, "ann") == dict.fromkeys(ann, 0)
    assert await rows_of(coach, "bob") == bob  # nobody else's


async def test_export_holds_only_the_users_own_data(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    await member(chat_as, "ann", admin=True).say(START)
    for name in PAIN:
        await everything_about(chat_as, name)
    await coach.tick(datetime(2026, 12, 1, 6, 31, tzinfo=UTC))
    chat = chat_as("ann")
    await chat.say("/export")
    exported = chat.last[0].file
    assert exported is not None
    rows: list[list[Any]] = list(csv.reader(io.StringIO(exported.data.decode())))
    sections = {r[0] for r in rows[1:]}
    assert sections == {"profile", "conversations", *(t.name for t in USER_TABLES)}  # all hers
    text = exported.data.decode()
    assert PAIN["ann"] in text
    assert PAIN["bob"] not in text and "Bob" not in text and ",bob" not in text
    assert not any(r[2] in ("id", "user_id") for r in rows)  # no internal ids either
