"""Several workers on one database: each update applied once, each user's steps in order."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from core.db import Database
from tests.conftest import Chat, build_coach


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
