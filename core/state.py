"""Conversation state in the database, so a restart or another worker continues it.

`open_turn` starts an event's transaction: it claims the platform's update id (a
second delivery of the update, on any worker, waits for the first one's commit and
then finds the id taken), locks the user's row until the transaction ends, and reads
the question the user is on. Two workers handling two updates from one person thus
take turns: the second reads the state the first left behind, so a conversation step
never interleaves with another, and a second tap on the same question is seen as
stale.

PostgreSQL: `SELECT … FOR UPDATE` waits for the other worker's lock, but every other
row the statement reads still comes from the snapshot taken before the wait — a join
would hand back the conversation as it was before the other worker's step. So one
statement claims the update and locks the user, and a second, with a fresh snapshot,
reads the conversation. SQLite: every transaction begins IMMEDIATE, which lets one
writer in at all, so after the claim one joined statement reads user and conversation.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, delete, func, literal, select, true
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from core.events import Sender
from core.schema import conversations, processed_updates, users, utcnow
from core.sql import insert_ignoring_duplicates, upsert
from core.turn import Conversation
from core.users import UserRecord, create_user, user_record

_WHO = (
    users.c.platform == bindparam("platform"),
    users.c.platform_user_id == bindparam("user_id"),
)
_STATE = (conversations.c.flow, conversations.c.step, conversations.c.data, conversations.c.seq)
_USER_LOCKED = select(users).where(*_WHO).with_for_update()
_CONVERSATION = select(*_STATE).where(conversations.c.user_id == bindparam("uid"))
_USER_AND_CONVERSATION = (
    select(users, *_STATE)
    .outerjoin(conversations, conversations.c.user_id == users.c.id)
    .where(*_WHO)
)
_FORGET_STATE = delete(conversations).where(conversations.c.user_id == bindparam("uid"))
_STATE_COLUMNS = ("user_id", "flow", "step", "data", "seq", "updated_at")


def _claim_and_lock() -> Any:
    """PostgreSQL, one round trip: claim the update, then lock the user. Always one row:
    `fresh` (1, or 0 for an update seen before) and the user's columns (NULL before
    their first contact)."""
    claim = (
        postgresql.insert(processed_updates)
        .values(
            platform=bindparam("platform"),
            update_id=bindparam("update_id"),
            handled_at=bindparam("handled_at"),
        )
        .on_conflict_do_nothing()
        .returning(literal(1))
        .cte("claim")
    )
    claimed = select(func.count().label("fresh")).select_from(claim).subquery("claimed")
    locked = _USER_LOCKED.cte("locked")
    return select(claimed.c.fresh, locked).select_from(claimed.outerjoin(locked, true()))


_CLAIM_AND_LOCK = _claim_and_lock()


async def open_turn(
    conn: AsyncConnection, sender: Sender, update_id: str | None
) -> tuple[UserRecord, Conversation | None] | None:
    """The user (created on first contact), locked, and the question they are on; None
    when this update was handled before."""
    key = {"platform": sender.platform, "user_id": sender.user_id}
    if conn.dialect.name == "sqlite":
        if update_id is not None:
            claim = {"platform": sender.platform, "update_id": update_id, "handled_at": utcnow()}
            stmt = insert_ignoring_duplicates(conn, processed_updates)
            if (await conn.execute(stmt, claim)).rowcount == 0:
                return None
        row = await _user_row(conn, _USER_AND_CONVERSATION, sender, key)
        return user_record(row), _conversation(row)
    if update_id is None:
        row = await _user_row(conn, _USER_LOCKED, sender, key)
    else:
        claim = {**key, "update_id": update_id, "handled_at": utcnow()}
        row = (await conn.execute(_CLAIM_AND_LOCK, claim)).one()
        if not row.fresh:
            return None
        if row.id is None:  # first contact
            row = await _user_row(conn, _USER_LOCKED, sender, key)
    user = user_record(row)
    state = (await conn.execute(_CONVERSATION, {"uid": user.id})).first()
    return user, _conversation(state)


async def _user_row(conn: AsyncConnection, query: Any, sender: Sender, key: Any) -> Any:
    row = (await conn.execute(query, key)).first()
    if row is None:
        await create_user(conn, sender)
        row = (await conn.execute(query, key)).one()
    return row


def _conversation(row: Any) -> Conversation | None:
    if row is None or row.flow is None:
        return None
    return Conversation(row.flow, row.step, dict(row.data or {}), row.seq)


async def save_conversation(
    conn: AsyncConnection, user_id: int, convo: Conversation | None
) -> None:
    if convo is None:
        await conn.execute(_FORGET_STATE, {"uid": user_id})
        return
    values = {
        "user_id": user_id,
        "flow": convo.flow,
        "step": convo.step,
        "data": convo.data,
        "seq": convo.seq,
        "updated_at": utcnow(),
    }
    await conn.execute(upsert(conn, conversations, ["user_id"], _STATE_COLUMNS), values)
