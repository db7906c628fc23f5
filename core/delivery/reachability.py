"""What to do when a platform says a chat is gone.

One entry point for every adapter and the outbox: a private chat gone means the user
blocked the bot (their reminders pause until they come back); a group chat gone means the
bot was removed, and the group's cohort goes with it (members keep their own records).
"""

from __future__ import annotations

from sqlalchemy import select

from core.delivery.outbox import mark_unreachable
from core.events import ChatRef
from core.storage.cohorts import remove_cohort_for_chat
from core.storage.db import Database
from core.storage.schema import reminders, users


async def chat_unreachable(db: Database, chat: ChatRef) -> None:
    if chat.is_group:
        async with db.transaction() as conn:
            await remove_cohort_for_chat(conn, chat.platform, chat.chat_id)
        return
    # A private chat's id is the user's own id on both platforms. Someone with no running
    # reminder (e.g. a group member who never opened the private chat) has nothing to pause.
    async with db.transaction() as conn:
        user_id = await conn.scalar(
            select(users.c.id)
            .join(reminders, reminders.c.user_id == users.c.id)
            .where(
                users.c.platform == chat.platform,
                users.c.platform_user_id == chat.chat_id,
                reminders.c.next_due_at.is_not(None),
            )
            .limit(1)
        )
    if user_id is not None:
        await mark_unreachable(db, user_id)
