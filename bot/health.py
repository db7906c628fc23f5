"""Health and metrics over HTTP, for load balancers, orchestrators and Prometheus.

- GET /healthz: the process is alive and its event loop answers.
- GET /readyz: it can do its job — the database answers, each platform this process runs
  is connected, and the scheduler (if this process runs it) ticked within two periods.
  503 with the failing checks otherwise, so a load balancer stops sending it updates.
- GET /metrics: Prometheus text (`bot/metrics.py`).

`coach run` serves them on HEALTH_PORT; the Telegram webhook role serves the same routes
on its webhook server, where the load balancer already looks.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from aiohttp import web
from sqlalchemy import text

from bot.metrics import CONTENT_TYPE, PrometheusMetrics
from core.storage.db import Database

log = logging.getLogger(__name__)

Route = tuple[str, Callable[[web.Request], Awaitable[web.StreamResponse]]]
DATABASE_TIMEOUT = 2.0


@dataclass
class Health:
    """What /readyz checks: the database, each platform's `connected` flag, and — when
    `tick_seconds` is set, this process running the scheduler — when the last tick
    finished (`last_tick`, monotonic seconds; None before the first)."""

    db: Database
    metrics: PrometheusMetrics
    platforms: dict[str, Callable[[], bool]] = field(default_factory=dict)
    tick_seconds: float | None = None
    last_tick: Callable[[], float | None] = lambda: None
    started: float = field(default_factory=time.monotonic)

    async def _database_answers(self) -> bool:
        try:
            async with asyncio.timeout(DATABASE_TIMEOUT), self.db.transaction() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:  # any failure is "not ready"; said without the URL
            log.warning("readiness: the database does not answer (%s)", type(exc).__name__)
            return False
        return True

    async def checks(self) -> dict[str, bool]:
        found = {"database": await self._database_answers()}
        for name, connected in self.platforms.items():
            found[name] = connected()
        if self.tick_seconds is not None:
            last = self.last_tick() or self.started  # the first tick runs at start
            found["scheduler"] = time.monotonic() - last <= 2 * self.tick_seconds + 5
        return found

    def routes(self) -> list[Route]:
        return [("/healthz", self._healthz), ("/readyz", self._readyz), ("/metrics", self._metrics)]

    async def _healthz(self, request: web.Request) -> web.StreamResponse:
        return web.Response(text="ok\n")

    async def _readyz(self, request: web.Request) -> web.StreamResponse:
        found = await self.checks()
        status = 200 if all(found.values()) else 503
        return web.Response(
            status=status, text=json.dumps(found) + "\n", content_type="application/json"
        )

    async def _metrics(self, request: web.Request) -> web.StreamResponse:
        body = await self.metrics.exposition(self.db)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})


async def serve(routes: list[Route], host: str, port: int) -> Callable[[], Awaitable[None]]:
    """Serve `routes` on host:port; returns the coroutine function that stops it."""
    app = web.Application()
    for path, handler in routes:
        app.router.add_get(path, handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("health and metrics on http://%s:%d (/healthz, /readyz, /metrics)", host, port)
    return runner.cleanup


@runtime_checkable
class ReportsConnection(Protocol):
    @property
    def connected(self) -> bool: ...


def _flag(platform: ReportsConnection) -> Callable[[], bool]:
    return lambda: platform.connected


def platform_checks(platforms: Mapping[str, object]) -> dict[str, Callable[[], bool]]:
    """Each platform's `connected` flag, for the platforms that report one."""
    return {
        name: _flag(platform)
        for name, platform in platforms.items()
        if isinstance(platform, ReportsConnection)
    }
