"""The `pain_reports` table: each pain triage's verdict, with the description as typed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from core.rules.text import clean_text
from core.storage.schema import pain_reports

# The stored description is cut here: enough to recognise it in /export, not a diary.
MAX_DESCRIPTION = 1000


def cap_description(text: str) -> str:
    return clean_text(text)[:MAX_DESCRIPTION]


async def record_pain(
    conn: AsyncConnection, user_id: int, at: datetime, description: str, kind: str
) -> None:
    await conn.execute(
        insert(pain_reports).values(
            user_id=user_id, at=at, description=cap_description(description), kind=kind
        )
    )
