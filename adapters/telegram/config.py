"""What the adapter needs to know about its Bot API server, and the values derived from it
that several places must agree on: PTB's URLs, and the webhook secret every worker behind a
load balancer computes alike."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

PLATFORM = "telegram"
DEFAULT_API = "https://api.telegram.org"
# Asked for both by polling and by setWebhook: everything else is never sent to us.
ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")


@dataclass(frozen=True, slots=True)
class TelegramConfig:
    token: str = field(repr=False)
    # Root of the Bot API server: empty for api.telegram.org, or a local Bot API server
    # (e.g. http://127.0.0.1:8081). PTB's own form ending in /bot is accepted too.
    api_base_url: str = ""
    # Set: webhook mode. Telegram POSTs updates to this public URL; the server started here
    # listens on webhook_listen:webhook_port, at the URL's path.
    webhook_url: str = ""
    # Checked on every webhook request; empty: derived from the token, so every worker
    # behind the load balancer agrees on it without further set-up.
    webhook_secret: str = field(default="", repr=False)
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8080
    poll_timeout: float = 25.0
    # Seconds to wait for Telegram's answer to a call (PTB's default). A send that outlasts
    # it is not repeated, since it may have arrived.
    read_timeout: float = 5.0
    # 429s retried inside PTB's AIORateLimiter. 0: a 429 comes straight back, so the
    # outbox holds every queued send at once (retrying inside one send let the others
    # run into the limit: 176 429s in bench/fanout.py at 25/s), and live replies wait
    # it out in `errors.call`.
    rate_limit_retries: int = 0
    concurrent_updates: int = 16


def api_urls(api_base_url: str) -> tuple[str, str]:
    """The server root (or PTB's `…/bot` form) → PTB's base_url and base_file_url."""
    root = (api_base_url.strip() or DEFAULT_API).rstrip("/")
    root = root.removesuffix("/bot")
    return f"{root}/bot", f"{root}/file/bot"


def webhook_secret_for(config: TelegramConfig) -> str:
    if config.webhook_secret:
        return config.webhook_secret
    return hashlib.sha256(f"doms-coach-webhook:{config.token}".encode()).hexdigest()
