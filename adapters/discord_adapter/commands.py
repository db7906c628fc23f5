"""The coach's menu as Discord slash commands.

Every core command becomes a slash command with one optional text option, so that
`/ask question:…` reaches the core as the text `/ask …`, exactly as typed on Telegram.
No message-content intent is needed: the bot reads interactions, never channel messages.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands

from adapters.discord_adapter.limits import MAX_DESCRIPTION, shorten
from adapters.discord_adapter.wording import SORRY, UNKNOWN_COMMAND
from core.events import MenuCommand, handling

log = logging.getLogger(__name__)

RunCommand = Callable[[discord.Interaction[Any], MenuCommand, str], Awaitable[None]]

# The option each slash command shows (name, description). Any other command gets "args".
OPTIONS: dict[str, tuple[str, str]] = {
    "ask": ("question", "Your question, e.g. can I lift while sore?"),
    "pain": ("description", "Describe the pain in your own words"),
    "checkin": ("soreness", "Optional shorthand, e.g. legs 3 chest 1 (or leave empty)"),
    "timezone": ("zone", "Area/City, e.g. Europe/Berlin"),
    "remind": ("setting", "Optional, e.g. checkin 08:00 (or leave empty to choose)"),
    "pause": ("until", "Optional, e.g. 10d, 2w or until 2026-12-20"),
}
DEFAULT_OPTION = ("args", "Optional details, as you would type them after the command")


def slash_command(run: RunCommand, command: MenuCommand) -> app_commands.Command[Any, ..., None]:
    """`command` as a slash command whose invocations go to `run` with the option's text.
    Offered in DMs only when the command works in private, in servers when it works
    anywhere (a private command used there is answered privately)."""
    option, described = OPTIONS.get(command.name, DEFAULT_OPTION)

    async def invoke(interaction: discord.Interaction[Any], text: str | None = None) -> None:
        await run(interaction, command, text or "")

    invoke = app_commands.describe(text=described)(app_commands.rename(text=option)(invoke))
    contexts = app_commands.AppCommandContext(
        guild=command.in_groups or command.in_private, dm_channel=command.in_private
    )
    return app_commands.Command(
        name=command.name,
        description=shorten(command.summary or command.name, MAX_DESCRIPTION),
        callback=invoke,
        allowed_contexts=contexts,
    )


class CoachTree(app_commands.CommandTree[Any]):
    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError, /
    ) -> None:
        """A command Discord still shows but this version no longer has (or whose options
        changed) gets a clear answer instead of "The application did not respond"."""
        with handling(str(interaction.id)):
            await self._explain(interaction, error)

    async def _explain(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        outdated = (app_commands.CommandNotFound, app_commands.CommandSignatureMismatch)
        if isinstance(error, outdated):
            log.warning("outdated slash command used: %s", error)
            answer = UNKNOWN_COMMAND
        else:
            log.error("slash command failed", exc_info=error)
            answer = SORRY
        if not interaction.response.is_done():
            with contextlib.suppress(discord.HTTPException):
                await interaction.response.send_message(answer, ephemeral=True)
