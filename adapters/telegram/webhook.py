"""Webhook mode: a small aiohttp server that Telegram POSTs updates to, for several workers
behind a load balancer (long polling allows only one process per bot).

Anyone who finds the URL can post to it, so every request must carry the secret token
given to setWebhook. A malformed update is answered 200 all the same: an error status
would make Telegram resend it forever.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from telegram import Update
from telegram.ext import Application

from adapters.telegram.config import ALLOWED_UPDATES, TelegramConfig, webhook_secret_for
from adapters.telegram.errors import call

if TYPE_CHECKING:
    from aiohttp import web

log = logging.getLogger("adapters.telegram")  # one logger for the whole adapter

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# A GET path and its handler, served beside the webhook (health checks, metrics).
Route = tuple[str, Callable[["web.Request"], Awaitable["web.StreamResponse"]]]


class WebhookServer:
    """Serves `config.webhook_url`'s path on webhook_listen:webhook_port and puts each
    update on the Application's queue, as polling would."""

    def __init__(
        self,
        app: Application[Any, Any, Any, Any, Any, Any],
        config: TelegramConfig,
        routes: Sequence[Route] = (),
    ) -> None:
        self.app = app
        self.config = config
        self.routes = list(routes)
        # Where it listens, once it does (webhook_port 0 picks a free port).
        self.address: tuple[str, int] | None = None
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Listen, then tell Telegram where to post (setWebhook)."""
        from aiohttp import web

        path = urlsplit(self.config.webhook_url).path or "/"
        server = web.Application(client_max_size=1 << 20)
        server.router.add_post(path, self._on_webhook)
        served = {route for route, _ in self.routes}
        if "/healthz" not in served:
            server.router.add_get("/healthz", self._on_health)
        for route, handler in self.routes:
            server.router.add_get(route, handler)
        runner = web.AppRunner(server, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.config.webhook_listen, self.config.webhook_port)
        await site.start()
        self._runner = runner
        host, port = runner.addresses[0][:2]
        self.address = (str(host), int(port))
        await call(
            lambda: self.app.bot.set_webhook(
                self.config.webhook_url,
                secret_token=webhook_secret_for(self.config),
                allowed_updates=list(ALLOWED_UPDATES),
            )
        )
        log.info("Telegram: webhook on %s:%s%s", host, port, path)

    async def stop(self) -> None:
        """Stop listening; nothing to do if it never started."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def _on_health(self, request: web.Request) -> web.StreamResponse:
        from aiohttp import web

        return web.Response(text="ok")

    async def _on_webhook(self, request: web.Request) -> web.StreamResponse:
        from aiohttp import web

        given = request.headers.get(SECRET_HEADER, "")
        expected = webhook_secret_for(self.config)
        if not hmac.compare_digest(given.encode(), expected.encode()):
            log.warning("webhook request without the right secret token from %s", request.remote)
            return web.Response(status=403, text="forbidden")
        try:
            data = await request.json()
            update = Update.de_json(data, self.app.bot)
        except Exception as exc:
            # Answered 200 so Telegram does not retry it forever: logged and skipped.
            log.warning("skipping a malformed webhook update (%s)", type(exc).__name__)
            return web.Response(text="skipped")
        await self.app.update_queue.put(update)
        return web.Response(text="ok")
