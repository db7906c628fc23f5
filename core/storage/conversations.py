"""Conversation state in the database, so a restart or another worker continues it.

`open_turn` starts an event's transaction: it claims the platform's update id (a
second delivery of the update, on any worker, waits for the first one's commit and
then finds the id taken), locks the user's row until the transaction ends, and reads
the question the user is on. Two workers handling two updates from one person thus
take turns: the second reads the state the first left behind, so a conversation step
never interleaves with another, and a second tap on the same question is seen as
stale.

The question lives in the user's own row (`users.convo_*`), not a table beside it:
PostgreSQL's `SELECT … FOR UPDATE`, once it has waited for another worker's lock,
re-reads the row it locked, but every other row the statement reads still comes from
the snapshot taken before the wait — a joined conversation row would be the one from
before the other worker's step. The locked row itself is fresh, so one statement
claims the update, locks the user and reads their question. SQLite: every transaction
begins IMMEDIATE, which lets one writer in at all, so one statement claims the update
and a second reads the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, literal, null, select, true, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from core.events import Sender
from core.storage.schema import CONVERSATION_COLUMNS, processed_updates, users, utcnow
from core.storage.sql import insert_ignoring_duplicates
from core.storage.users import UserRecord, create_user, user_record


@dataclass(slots=True)
class Conversation:
    """The question a user is on: its flow and step, the answers so far (`data`, JSON),
    and `seq`, which numbers the question so a press on an older one is recognised."""

    flow: str
    step: str
    data: dict[str, Any]
    seq: int


_USER_LOCKED = (
    select(users)
    .where(
        users.c.platform == bindparam("platform"),
        users.c.platform_user_id == bindparam("user_id"),
    )
    .with_for_update()  # SQLite: left out when compiled; BEGIN IMMEDIATE locks instead
)
_THIS_USER = users.c.id == bindparam("uid")
_SAVE_STATE = (
    update(users)
    .where(_THIS_USER)
    .values(
        convo_flow=bindparam("flow"),
        convo_step=bindparam("step"),
        convo_data=bindparam("data", type_=users.c.convo_data.type),
        convo_seq=bindparam("seq"),
        convo_updated_at=bindparam("at", type_=users.c.convo_updated_at.type),
    )
)
# SET every conversation column to NULL: no question.
NO_QUESTION = {column: null() for column in CONVERSATION_COLUMNS.values()}
_CLEAR_STATE = update(users).where(_THIS_USER).values(NO_QUESTION)


def _claim_and_lock() -> Any:
    """PostgreSQL, one round trip: claim the update, then lock the user and read their
    question. Always one row: `fresh` (1, or 0 for an update seen before) and the
    user's columns (NULL before their first contact)."""
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
    if update_id is None:
        row = await _locked_user(conn, sender, key)
    elif conn.dialect.name == "sqlite":
        claim = {"platform": sender.platform, "update_id": update_id, "handled_at": utcnow()}
        stmt = insert_ignoring_duplicates(conn, processed_updates)
        if (await conn.execute(stmt, claim)).rowcount == 0:
            return None
        row = await _locked_user(conn, sender, key)
    else:
        claim = {**key, "update_id": update_id, "handled_at": utcnow()}
        row = (await conn.execute(_CLAIM_AND_LOCK, claim)).one()
        if not row.fresh:
            return None
        if row.id is None:  # first contact
            row = await _locked_user(conn, sender, key)
    return user_record(row), _conversation(row)


async def _locked_user(conn: AsyncConnection, sender: Sender, key: Any) -> Any:
    row = (await conn.execute(_USER_LOCKED, key)).first()
    if row is None:
        await create_user(conn, sender)
        row = (await conn.execute(_USER_LOCKED, key)).one()
    return row


def _conversation(row: Any) -> Conversation | None:
    if row.convo_flow is None:
        return None
    return Conversation(row.convo_flow, row.convo_step, dict(row.convo_data or {}), row.convo_seq)


async def save_conversation(
    conn: AsyncConnection, user_id: int, convo: Conversation | None
) -> None:
    """Store the question the user is on in their row (locked since `open_turn`); None
    clears it."""
    if convo is None:
        await conn.execute(_CLEAR_STATE, {"uid": user_id})
        return
    values = {
        "uid": user_id,
        "flow": convo.flow,
        "step": convo.step,
        "data": convo.data,
        "seq": convo.seq,
        "at": utcnow(),
    }
    await conn.execute(_SAVE_STATE, values)
