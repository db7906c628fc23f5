"""The Discord adapter (discord.py 2.x): slash commands and button presses in, replies out.

Translation only — the coach decides everything. Each concern has its own module:

- `config`: `DiscordConfig`, and the process-wide REST/gateway override for a run.
- `commands`: every core command as a slash command with one optional text option.
- `buttons`: buttons whose custom_id is the core's payload, drawn only: every press on
  any message (before a restart, from an older version, forged) reaches the coach and is
  answered — a select menu left by an older version too.
- `rendering`: a core `Reply` cut to Discord's limits (`limits`: 2,000 characters,
  5 rows of 5 buttons).
- `interactions`: commands and presses as core events; which chat, who sees the answer.
- `answering`: every interaction acknowledged within Discord's 3 s, directly or
  deferred ("thinking…") and followed up.
- `delivery`: proactive messages from the outbox, Discord's failures mapped to
  `RetryLater` and `Unreachable`.
- `client`: the discord.py client (intents, shards, command sync, removed servers, the
  one route for presses).
- `adapter`: `DiscordAdapter`, which owns the client's lifecycle and wires the rest.
"""

from __future__ import annotations

from adapters.discord_adapter.adapter import DiscordAdapter
from adapters.discord_adapter.config import PLATFORM, DiscordConfig
from adapters.discord_adapter.limits import MAX_CONTENT
from adapters.discord_adapter.rendering import Outgoing, button_pages, render, split_text

__all__ = [
    "MAX_CONTENT",
    "PLATFORM",
    "DiscordAdapter",
    "DiscordConfig",
    "Outgoing",
    "button_pages",
    "render",
    "split_text",
]
