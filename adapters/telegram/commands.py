"""Bot commands: the menus Telegram shows, and which messages in a group are commands for
this bot. Telegram delivers every command typed in a group to each bot in it, so one for
another bot (`/help@OtherBot`) must be told apart and left alone."""

from __future__ import annotations

import re
from collections.abc import Sequence

from telegram import (
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
)

from core.events import MenuCommand
from core.rules.text import parse_command, shorten

COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")


def menus(commands: Sequence[MenuCommand]) -> list[tuple[BotCommandScope, list[BotCommand]]]:
    """setMyCommands' arguments: one menu for private chats, one for groups, each within
    Telegram's limits (names it accepts, 256-character summaries, 100 entries)."""
    scoped = (
        (BotCommandScopeAllPrivateChats(), [c for c in commands if c.in_private]),
        (BotCommandScopeAllGroupChats(), [c for c in commands if c.in_groups]),
    )
    return [
        (
            scope,
            [
                BotCommand(c.name, shorten(c.summary or c.name, 256))
                for c in chosen
                if COMMAND_NAME.match(c.name)
            ][:100],
        )
        for scope, chosen in scoped
    ]


def command_target(text: str) -> str | None:
    """`/help@SomeBot args` → "SomeBot"; None when the command names no bot."""
    head = text.split(maxsplit=1)[0] if text.strip() else ""
    _, at, name = head.partition("@")
    return name if at else None


def needs_admin_check(text: str | None, payload: str | None) -> bool:
    """Only cohort administration depends on the user's rights in a group; nothing else
    costs a getChatMember call."""
    if payload is not None:
        return payload.startswith(("cohort:", "cmd:cohort"))
    parsed = parse_command(text or "")
    return parsed is not None and parsed[0] == "cohort"
