"""Wiring: which features make up the coach, and the process lifecycle of `coach run`."""

from __future__ import annotations

import asyncio
import functools
import logging
import signal
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.console import ConsoleChat
from bot.settings import Settings
from core.basics import Basics
from core.checkin import Checkin
from core.coach import Coach, Feature
from core.cohorts import Cohorts
from core.db import Database
from core.delivery import Platform
from core.faq.feature import Faq
from core.flood import FloodControl, FloodLimits
from core.history import History
from core.housekeeping import prune_old_records, prune_processed_updates
from core.outbox import Outbox
from core.pain import Pain
from core.program_feature import Program
from core.ready import Ready
from core.remind import Remind
from core.reminders import tick

log = logging.getLogger(__name__)


def features() -> list[Feature]:
    return [
        Basics(),
        Faq(),
        Checkin(),
        Ready(),
        Pain(),
        Program(),
        History(),
        Remind(),
        Cohorts(),
    ]


async def open_coach(
    database_url: str, default_tz: str, *, flood: FloodControl | None = None
) -> Coach:
    db = Database(database_url)
    await db.migrate()
    return Coach(db, default_tz=default_tz, flood=flood).install(features())


def flood_control(settings: Settings) -> FloodControl:
    return FloodControl(
        FloodLimits(
            per_minute=settings.flood_per_minute,
            burst=settings.flood_burst,
            group_per_minute=settings.flood_group_per_minute,
            group_burst=settings.flood_group_burst,
        )
    )


async def chat(settings: Settings, *, user_id: str, json_mode: bool) -> None:
    coach = await open_coach(settings.database_url, settings.default_timezone)
    try:
        await ConsoleChat(coach.handle, user_id=user_id, json_mode=json_mode).run()
    finally:
        await coach.db.close()


async def run(settings: Settings, *, user_id: str) -> None:
    """Start every configured platform, the reminder scheduler and the outbox in this
    loop; stop cleanly on SIGTERM/SIGINT. With no platform configured, run the console
    chat instead (reminders appear there too), so a new user sees the coach work with
    zero set-up."""
    # The local console is one trusted person (often piping a script): no flood control.
    public = settings.telegram_token is not None or settings.discord_token is not None
    coach = await open_coach(
        settings.database_url,
        settings.default_timezone,
        flood=flood_control(settings) if public else None,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    async with AsyncExitStack() as stack:
        stack.push_async_callback(coach.db.close)
        platforms: dict[str, Platform] = {}
        # Platform adapters start here, each pushing its own shutdown onto `stack`.
        if settings.telegram_token is not None:
            from adapters.telegram import TelegramAdapter, TelegramConfig

            secret = settings.telegram_webhook_secret
            telegram = TelegramAdapter(
                TelegramConfig(
                    settings.telegram_token.get_secret_value(),
                    api_base_url=settings.telegram_api_base_url,
                    webhook_url=settings.telegram_webhook_url,
                    webhook_secret=secret.get_secret_value() if secret else "",
                    webhook_listen=settings.telegram_webhook_listen,
                    webhook_port=settings.telegram_webhook_port,
                ),
                handle=coach.handle,
                commands=coach.commands.values(),
            )
            await telegram.start()
            stack.push_async_callback(telegram.stop)
            platforms[telegram.name] = telegram
        if settings.discord_token is not None:
            from adapters.discord_adapter import DiscordAdapter, DiscordConfig

            discord_bot = DiscordAdapter(
                coach.handle,
                coach.commands.values(),
                DiscordConfig(
                    settings.discord_token.get_secret_value(),
                    guild_id=settings.discord_guild_id,
                    api_base_url=settings.discord_api_base_url,
                    gateway_url=settings.discord_gateway_url,
                    shard_ids=settings.discord_shard_ids or None,
                    shard_count=settings.discord_shard_count,
                ),
            )
            await discord_bot.start()
            stack.push_async_callback(discord_bot.stop)
            discord_bot.when_stopped(stop.set)  # a dead gateway stops the process
            platforms[discord_bot.name] = discord_bot
        if not platforms:
            log.info("no platform token configured: starting the console chat")
            console = ConsoleChat(coach.handle, user_id=user_id)
            platforms[console.name] = console
            console_task = asyncio.create_task(console.run())
            console_task.add_done_callback(lambda _: stop.set())
        outbox = Outbox(coach.db, platforms)
        runs = JobRuns()
        scheduler = start_scheduler(coach.db, settings, runs=runs)
        # Unwound in reverse: the scheduler stops, then the runs in flight finish, and
        # only then do the adapters stop and the database close.
        stack.push_async_callback(runs.wait)
        stack.callback(scheduler.shutdown, wait=False)
        sender = asyncio.create_task(outbox.run(stop))
        await stop.wait()
        await sender
    log.info("stopped")


class JobRuns:
    """Runs of the scheduler's jobs, as tasks a shutdown waits for. APScheduler cancels a
    coroutine job that is still running when it shuts down; cancelled inside a database
    transaction, the job left an aiosqlite thread behind that kept the process from
    exiting, so `coach run` could hang on SIGTERM. A run is shielded from that cancel and
    `wait` lets it finish before the database closes."""

    def __init__(self) -> None:
        self.running: set[asyncio.Future[Any]] = set()

    def shielded(self, func: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        @functools.wraps(func)
        async def run(*args: Any, **kwargs: Any) -> Any:
            task = asyncio.ensure_future(func(*args, **kwargs))
            self.running.add(task)
            task.add_done_callback(self._done)
            return await asyncio.shield(task)

        return run

    def _done(self, task: asyncio.Future[Any]) -> None:
        self.running.discard(task)
        if not task.cancelled():
            task.exception()  # reported through the shield; retrieved here if that was gone

    async def wait(self, within: float = 30.0) -> None:
        if self.running:
            await asyncio.wait(set(self.running), timeout=within)


def start_scheduler(
    db: Database, settings: Settings, *, paused: bool = False, runs: JobRuns | None = None
) -> Any:
    """APScheduler runs the periodic work inside this loop. The reminder tick only
    claims rows whose due time has come; the schedule itself lives in the database.
    With `runs`, every job run is one that shutdown can wait for (see JobRuns)."""
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    def job(func: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        return runs.shielded(func) if runs is not None else func

    grace = timedelta(minutes=settings.reminder_grace_minutes)
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(
        job(tick),
        "interval",
        seconds=settings.tick_seconds,
        args=[db],
        kwargs={"grace": grace},
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
    )
    scheduler.add_job(job(prune_processed_updates), "interval", hours=1, args=[db])
    if settings.retention_days:
        scheduler.add_job(
            job(prune_old_records),
            "interval",
            hours=24,
            args=[db, timedelta(days=settings.retention_days)],
            id="retention",
            next_run_time=datetime.now(UTC) + timedelta(minutes=5),
        )
    scheduler.start(paused=paused)
    return scheduler
