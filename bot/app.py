"""Wiring: which features make up the coach, and the process lifecycle of `coach run`."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack

from adapters.console import ConsoleChat
from bot.settings import Settings
from core.basics import Basics
from core.coach import Coach, Feature
from core.db import Database
from core.housekeeping import prune_processed_updates

log = logging.getLogger(__name__)


def features() -> list[Feature]:
    return [Basics()]


async def open_coach(database_url: str, default_tz: str) -> Coach:
    db = Database(database_url)
    await db.migrate()
    return Coach(db, default_tz=default_tz).install(features())


async def chat(settings: Settings, *, user_id: str, json_mode: bool) -> None:
    coach = await open_coach(settings.database_url, settings.default_timezone)
    try:
        await ConsoleChat(coach.handle, user_id=user_id, json_mode=json_mode).run()
    finally:
        await coach.db.close()


Service = Callable[[], Awaitable[None]]


async def run(settings: Settings, *, user_id: str) -> None:
    """Start every configured platform and the scheduler in this loop; stop cleanly on
    SIGTERM/SIGINT. With no platform configured, run the console chat instead so a
    new user sees the coach work with zero set-up."""
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    coach = await open_coach(settings.database_url, settings.default_timezone)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(prune_processed_updates, "interval", hours=1, args=[coach.db])
    async with AsyncExitStack() as stack:
        scheduler.start()
        stack.callback(scheduler.shutdown, wait=False)
        stack.push_async_callback(coach.db.close)
        platforms: list[str] = []
        if not platforms:
            log.info("no platform token configured: starting the console chat")
            console = ConsoleChat(coach.handle, user_id=user_id)
            chat_task = asyncio.create_task(console.run())
            stop_task = asyncio.create_task(stop.wait())
            await asyncio.wait({chat_task, stop_task}, return_when=asyncio.FIRST_COMPLETED)
            stop_task.cancel()
            return
        await stop.wait()
    log.info("stopped")
