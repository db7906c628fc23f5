"""Conversation state in the database, so a restart or another worker continues it.

Per-user ordering: `load_turn_state` locks the user's row until the event's transaction
ends. Two workers handling two updates from one person therefore take turns: the
second reads the state the first left behind, so a conversation step never
interleaves with another, and a second tap on the same question is seen as stale.

On PostgreSQL that takes two statements. `SELECT … FOR UPDATE` waits for the other
worker's lock, but every other row the statement reads still comes from the snapshot
taken before the wait — a join would hand back the conversation as it was before the
other worker's step. So the user row is locked first, and the conversation read
afterwards, in a statement of its own with a fresh snapshot. On SQLite every
transaction begins IMMEDIATE, which lets only one writer in at all, so one joined
statement reads both.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.events import Sender
from core.schema import conversations, users, utcnow
from core.sql import upsert
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


async def load_turn_state(
    conn: AsyncConnection, sender: Sender
) -> tuple[UserRecord, Conversation | None]:
    """The user (created on first contact), locked, and the question they are on."""
    key = {"platform": sender.platform, "user_id": sender.user_id}
    if conn.dialect.name == "sqlite":
        row = await _user_row(conn, _USER_AND_CONVERSATION, sender, key)
        return user_record(row), _conversation(row)
    user = user_record(await _user_row(conn, _USER_LOCKED, sender, key))
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
