"""Buttons whose custom_id is the coach's payload (<= 64 bytes).

One catch-all `DynamicItem`, registered once per client, matches every custom_id. No
view has to be kept alive per message, so a button on a message sent before a restart
still reaches the coach; the core itself answers stale and forged presses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import discord

from adapters.discord_adapter.limits import MAX_LABEL, shorten
from core.events import Button


@runtime_checkable
class TakesPresses(Protocol):
    """The client a press is handed to. A protocol, not the client class, so that the
    buttons need not import the client that registers them."""

    async def take_press(self, interaction: discord.Interaction[Any], payload: str) -> None: ...


class PayloadButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=re.compile(r"(?P<payload>.+)", re.DOTALL),
):
    """A button whose custom_id is the coach's payload. Registered once per client, it
    catches presses on any message, including ones sent before a restart."""

    def __init__(self, label: str, payload: str, *, row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=shorten(label or "·", MAX_LABEL),
                custom_id=payload,
                style=discord.ButtonStyle.secondary,
            ),
            row=row,
        )
        self.payload = payload

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PayloadButton:
        return cls(str(getattr(item, "label", None) or ""), match["payload"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        client = interaction.client
        if isinstance(client, TakesPresses):
            await client.take_press(interaction, self.payload)


def payload_view(rows: Sequence[Sequence[Button]]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for number, row in enumerate(rows):
        for button in row:
            view.add_item(PayloadButton(button.label, button.payload, row=number))
    return view
