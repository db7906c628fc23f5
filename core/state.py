"""Conversation state in the database, so a restart or another worker continues it."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from core.schema import conversations, utcnow
from core.turn import Conversation


async def load_conversation(conn: AsyncConnection, user_id: int) -> Conversation | None:
    row = (
        await conn.execute(select(conversations).where(conversations.c.user_id == user_id))
    ).first()
    if row is None:
        return None
    return Conversation(row.flow, row.step, dict(row.data or {}), row.seq)


async def save_conversation(
    conn: AsyncConnection, user_id: int, convo: Conversation | None
) -> None:
    if convo is None:
        await conn.execute(delete(conversations).where(conversations.c.user_id == user_id))
        return
    values = {
        "user_id": user_id,
        "flow": convo.flow,
        "step": convo.step,
        "data": convo.data,
        "seq": convo.seq,
        "updated_at": utcnow(),
    }
    dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
    stmt = dialect.insert(conversations).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[conversations.c.user_id],
        set_={k: stmt.excluded[k] for k in values if k != "user_id"},
    )
    await conn.execute(stmt)
