"""Wiring: which features make up the coach, and the process lifecycle of `coach run`."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import signal
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.console import ConsoleChat
from bot.settings import Settings
from core.delivery.outbox import Outbox
from core.delivery.platform import Platform
from core.delivery.reachability import chat_unreachable
from core.engine.coach import Coach, Feature
from core.engine.flood import FloodControl, FloodLimits
from core.events import ChatRef
from core.features.basics import Basics
from core.features.checkin import Checkin
from core.features.cohorts import Cohorts
from core.features.faq import Faq
from core.features.history import History
from core.features.pain import Pain
from core.features.program import Program
from core.features.ready import Ready
from core.features.reminders import Remind
from core.metrics import NO_METRICS, Metrics
from core.storage.db import Database
from core.storage.housekeeping import prune_old_records, prune_processed_updates
from core.storage.locks import exclusive_lock

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
    settings: Settings, *, flood: FloodControl | None = None, metrics: Metrics = NO_METRICS
) -> Coach:
    db = Database(settings.database_url, pool_size=settings.database_pool_size)
    await db.migrate()
    coach = Coach(db, default_tz=settings.default_timezone, flood=flood, metrics=metrics)
    return coach.install(features())


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
    coach = await open_coach(settings)
    try:
        await ConsoleChat(coach.handle, user_id=user_id, json_mode=json_mode).run()
    finally:
        await coach.db.close()


class RoleTaken(Exception):
    """This process cannot take a role another process holds (the SQLite scheduler)."""


async def run(settings: Settings, *, user_id: str) -> None:
    """Start this process's roles in this loop — the configured platforms, the reminder
    scheduler, and a sender for each platform's outbox — and stop cleanly on
    SIGTERM/SIGINT. With every role and no platform configured, run the console chat
    instead (reminders appear there too), so a new user sees the coach work with zero
    set-up."""
    # The local console is one trusted person (often piping a script): no flood control.
    # Imported here: aiohttp and prometheus-client cost `coach chat` start-up time it never
    # uses them for.
    from bot.health import Health, platform_checks, serve
    from bot.metrics import PrometheusMetrics

    public = settings.telegram_token is not None or settings.discord_token is not None
    metrics = PrometheusMetrics()
    flood = flood_control(settings) if public else None
    coach = await open_coach(settings, flood=flood, metrics=metrics)
    health = Health(
        coach.db,
        metrics,
        tick_seconds=settings.tick_seconds if settings.runs("scheduler") else None,
        last_tick=lambda: coach.last_tick,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    async with AsyncExitStack() as stack:
        stack.push_async_callback(coach.db.close)
        if settings.runs("scheduler"):
            # Before any platform starts: a refused process should not answer anyone.
            await hold_scheduler_role(coach.db, stack)
        if settings.runs("telegram") or settings.runs("discord"):
            coach.warm_up()  # before anyone can write: nobody waits for the FAQ's first build
        platforms: dict[str, Platform] = {}
        # Blocked by a user, or removed from a group: the same answer from every sender.
        gone = functools.partial(chat_unreachable, coach.db)
        # Platform adapters start here, each pushing its own shutdown onto `stack`.
        if settings.runs("telegram"):
            from adapters.telegram import TelegramAdapter, TelegramConfig

            assert settings.telegram_token is not None
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
                on_unreachable=gone,
                routes=health.routes(),  # a webhook worker serves them on its own port
            )
            await telegram.start()
            stack.push_async_callback(telegram.stop)
            platforms[telegram.name] = telegram
        if settings.runs("discord"):
            from adapters.discord_adapter import DiscordAdapter, DiscordConfig

            assert settings.discord_token is not None
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
                on_unreachable=gone,
            )
            await discord_bot.start()
            stack.push_async_callback(discord_bot.stop)
            discord_bot.when_stopped(stop.set)  # a dead gateway stops the process
            platforms[discord_bot.name] = discord_bot
        if not platforms and settings.roles == ("all",):
            log.info("no platform token configured: starting the console chat")
            console = ConsoleChat(coach.handle, user_id=user_id)
            platforms[console.name] = console
            console_task = asyncio.create_task(console.run())
            console_task.add_done_callback(lambda _: stop.set())
        if settings.runs("scheduler"):
            runs = JobRuns()
            scheduler = start_scheduler(coach, settings, runs=runs)
            # Unwound in reverse: the scheduler stops, then the runs in flight finish, and
            # only then do the adapters stop and the database close.
            stack.push_async_callback(runs.wait)
            stack.callback(scheduler.shutdown, wait=False)
        health.platforms = platform_checks(platforms)
        if settings.health_port is not None:
            stop_serving = await serve(
                health.routes(), settings.health_listen, settings.health_port
            )
            stack.push_async_callback(stop_serving)
        log.info("running: %s", ", ".join(sorted({*platforms, *_scheduler(settings)})))
        senders = [
            asyncio.create_task(send_while_elected(coach.db, platform, stop, gone, metrics=metrics))
            for platform in platforms.values()
        ]
        await stop.wait()
        await asyncio.gather(*senders)
    log.info("stopped")


def _scheduler(settings: Settings) -> set[str]:
    return {"scheduler"} if settings.runs("scheduler") else set()


async def hold_scheduler_role(db: Database, stack: AsyncExitStack) -> None:
    """On SQLite one scheduler at a time: its claims have no row locks to skip, and two
    would queue behind each other's write lock. On PostgreSQL any number may run."""
    if not db.is_sqlite:
        return
    lock = exclusive_lock(db, "scheduler")
    if not await lock.acquire():
        holder = f" ({lock.holder})" if lock.holder else ""
        raise RoleTaken(
            f"another process{holder} already runs the scheduler on this SQLite database, "
            "and SQLite takes one. Start this one without it (--role telegram or "
            "--role discord), or move to PostgreSQL to run several schedulers."
        )
    stack.push_async_callback(lock.release)


async def send_while_elected(
    db: Database,
    platform: Platform,
    stop: asyncio.Event,
    on_unreachable: Callable[[ChatRef], Awaitable[None]] | None = None,
    *,
    retry: float = 5.0,
    metrics: Metrics = NO_METRICS,
) -> None:
    """Send the platform's queued messages while this process is its sender, and
    stand by otherwise. One process sends per platform: the platforms' rate limits are
    per bot, and a sender keeps them in its own memory. When the sender stops or
    dies, a standby takes over within `retry` seconds."""
    lock = exclusive_lock(db, f"outbox-{platform.name}")
    sender = Outbox(db, {platform.name: platform}, on_unreachable=on_unreachable, metrics=metrics)
    try:
        while not stop.is_set():
            try:
                if await lock.acquire():
                    await sender.run(stop, still_elected=lock.held)
            except Exception:
                log.exception("outbox sender for %s failed; retrying", platform.name)
                await lock.release()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=retry)
    finally:
        await lock.release()


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
    coach: Coach, settings: Settings, *, paused: bool = False, runs: JobRuns | None = None
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
        job(coach.tick),
        "interval",
        seconds=settings.tick_seconds,
        kwargs={"grace": grace},
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
    )
    scheduler.add_job(job(prune_processed_updates), "interval", hours=1, args=[coach.db])
    if settings.retention_days:
        scheduler.add_job(
            job(prune_old_records),
            "interval",
            hours=24,
            args=[coach.db, timedelta(days=settings.retention_days)],
            id="retention",
            next_run_time=datetime.now(UTC) + timedelta(minutes=5),
        )
    scheduler.start(paused=paused)
    return scheduler
