"""Buttons whose custom_id is the coach's payload (<= 64 bytes), drawn on messages only.

No view is kept alive per message, and no discord.py item answers a press: every
component interaction, on any message (sent before a restart, by an older version, or
forged), goes to the client's one route (`CoachClient.on_interaction`) and on to the
coach, which answers stale, forged and expired presses itself. A catch-all `DynamicItem`
looked like that route but was not one: discord.py drops a press in silence when the
custom_id is not among the message's components, when the component is not a button,
or when the message could not be rebuilt — and the user saw "This interaction failed".
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from adapters.discord_adapter.limits import MAX_LABEL, shorten
from core.events import Button


def payload_view(rows: Sequence[Sequence[Button]]) -> discord.ui.View:
    """The buttons as a view for sending. It is stopped before it is sent: discord.py
    then only draws it, and keeps nothing of it per message (a view that listens would
    be kept for ever, as the coach's buttons never time out)."""
    view = discord.ui.View(timeout=None)
    for number, row in enumerate(rows):
        for button in row:
            view.add_item(
                discord.ui.Button(
                    label=shorten(button.label or "·", MAX_LABEL),
                    custom_id=button.payload,
                    style=discord.ButtonStyle.secondary,
                    row=number,
                )
            )
    view.stop()
    return view
