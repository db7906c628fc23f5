"""What an operator's monitoring sees: /healthz and /readyz follow the process and its
database, a Telegram webhook worker serves them on its own port, and /metrics counts a
session's events, ticks, sends and refusals by the right amounts."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.metrics import PrometheusMetrics
from core.delivery.outbox import Outbox
from core.delivery.platform import RetryLater
from core.engine.coach import Coach
from core.engine.flood import FloodControl, FloodLimits
from core.events import ChatRef, Event, Reply, Sender
from core.storage.db import Database
from tests.adapters.telegram_fixtures import tg_fixture as tg_fixture
from tests.conftest import Chat, coach_env, start_coach_run
from tests.fakes.telegram_api import TOKEN, FakeTelegram


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Proxy:
    """A TCP hop between the coach and PostgreSQL that the test can cut and mend: what a
    database server stopping and starting again looks like to the coach."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.server: asyncio.Server | None = None
        self.pipes: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._join, "127.0.0.1", self.port)

    async def stop(self) -> None:
        assert self.server is not None
        self.server.close()
        for writer in list(self.pipes):
            writer.close()
        await self.server.wait_closed()

    async def _join(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", 5432)
        self.pipes |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, OSError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


async def status(http: aiohttp.ClientSession, url: str) -> int:
    async with http.get(url) as response:
        return response.status


async def eventually(http: aiohttp.ClientSession, url: str, wanted: int, within: float) -> None:
    deadline = asyncio.get_running_loop().time() + within
    seen = None
    while asyncio.get_running_loop().time() < deadline:
        with contextlib.suppress(aiohttp.ClientError):
            seen = await status(http, url)
            if seen == wanted:
                return
        await asyncio.sleep(0.2)
    raise AssertionError(f"{url} answered {seen}, not {wanted}, within {within} s")


@pytest.mark.postgres
async def test_readyz_turns_503_while_the_database_is_down_and_200_when_back(
    postgres_url: str, tmp_path: Path
) -> None:
    proxy = Proxy(free_port())
    await proxy.start()
    port = free_port()
    url = postgres_url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    env = coach_env(DATABASE_URL=url, HEALTH_PORT=str(port), TICK_SECONDS="0.5")
    process = await start_coach_run({**env, "ROLES": "scheduler"}, tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            await eventually(http, f"{base}/readyz", 200, within=30)
            assert await status(http, f"{base}/healthz") == 200
            await proxy.stop()  # the database goes away
            await eventually(http, f"{base}/readyz", 503, within=15)
            assert await status(http, f"{base}/healthz") == 200  # alive all the same
            await proxy.start()  # and comes back
            await eventually(http, f"{base}/readyz", 200, within=30)
    finally:
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(15):
            await process.communicate()
        with contextlib.suppress(Exception):
            await proxy.stop()
    assert process.returncode == 0


async def test_a_webhook_worker_serves_health_and_metrics_on_its_port(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    port = free_port()
    env = coach_env(
        TELEGRAM_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=tg.url,
        TELEGRAM_WEBHOOK_URL="https://coach.example.org/telegram",
        TELEGRAM_WEBHOOK_LISTEN="127.0.0.1",
        TELEGRAM_WEBHOOK_PORT=str(port),
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
        ROLES="telegram",
    )
    process = await start_coach_run(env, tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        await tg.wait_for("setWebhook", within=20)
        async with aiohttp.ClientSession() as http:
            await eventually(http, f"{base}/readyz", 200, within=20)
            async with http.get(f"{base}/readyz") as ready:
                assert await ready.json() == {"database": True, "telegram": True}
            async with http.get(f"{base}/metrics") as scraped:
                assert "coach_outbox_depth 0.0" in await scraped.text()
    finally:
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(15):
            await process.communicate()
    assert process.returncode == 0


def values(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus text exposition, by name and labels."""
    found: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


class Slow429Once:
    """A platform that answers the first send with a 429, then takes everything."""

    name = "test"

    def __init__(self) -> None:
        self.sent: list[Reply] = []
        self.refused = False

    async def send(self, chat: ChatRef, reply: Reply) -> None:
        if not self.refused:
            self.refused = True
            raise RetryLater(0.01, "rate limit", rate_limited=True)
        self.sent.append(reply)


async def test_metrics_count_a_short_session_by_the_right_amounts(db: Database) -> None:
    from bot.app import features

    metrics = PrometheusMetrics()
    flood = FloodControl(FloodLimits(per_minute=1, burst=3, group_per_minute=20, group_burst=10))
    coach = Coach(db, metrics=metrics, flood=flood).install(features())
    chat = Chat(coach, "mia")
    monday = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
    chat.when = monday
    await chat.say("/remind checkin 07:30")  # a command
    await chat.say("hi")  # text
    await chat.press("Check in")  # a button
    for _ in range(3):  # over the burst: flood control drops these
        await coach.handle(Event(Sender("test", "mia"), ChatRef("test", "mia"), text="/help"))
    due = datetime(2026, 11, 30, 7, 30, tzinfo=UTC)
    assert (await coach.tick(due)).queued == 1
    await coach.tick(due + timedelta(days=1, hours=2))  # down past the grace: skipped
    platform = Slow429Once()
    outbox = Outbox(db, {"test": platform}, metrics=metrics)
    while await outbox.deliver_once():
        pass
    scraped = values((await metrics.exposition(db)).decode())

    def total(name: str, **labels: str) -> float:
        return scraped.get((name, tuple(sorted(labels.items()))), 0.0)

    assert total("coach_events_total", kind="command", platform="test") == 4  # 1 + 3 dropped
    assert total("coach_events_total", kind="text", platform="test") == 1
    assert total("coach_events_total", kind="button", platform="test") == 1
    assert total("coach_reply_seconds_count", platform="test") == 6
    assert total("coach_flood_drops_total", scope="private") == 3
    assert total("coach_reminders_queued_total") == 1
    assert total("coach_reminders_skipped_total") == 1
    assert total("coach_platform_errors_total", platform="test", kind="429") == 1
    assert total("coach_messages_sent_total", platform="test", kind="reminder") == 1
    assert total("coach_outbox_depth") == 0
    assert len(platform.sent) == 1
