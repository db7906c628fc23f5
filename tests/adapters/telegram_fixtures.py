"""The fixtures of the Telegram adapter tests: a fake Bot API (`tg`), the real coach on a
fresh SQLite file (`real_coach`) and the adapter running between them (`bot`).

A test file takes them by importing all three (`from … import bot_fixture as
bot_fixture`, the alias marking a name kept on purpose): pytest finds fixtures only in
conftest files and in the test module itself. Their functions are named apart from the
fixtures so that a test's `bot` argument does not shadow the import.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.engine.coach import Coach
from core.storage.db import Database
from tests.adapters.telegram_harness import Harness, running
from tests.conftest import build_coach
from tests.fakes.telegram_api import FakeTelegram


@pytest.fixture(name="tg")
async def tg_fixture() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture(name="real_coach")
async def real_coach_fixture(tmp_path: Path) -> AsyncIterator[Coach]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/c.db")
    await db.migrate()
    yield build_coach(db)
    await db.close()


@pytest.fixture(name="bot")
async def bot_fixture(tg: FakeTelegram, real_coach: Coach) -> AsyncIterator[Harness]:
    async with running(tg, real_coach.handle, real_coach.commands.values()) as harness:
        yield harness
