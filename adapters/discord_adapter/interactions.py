"""Slash commands and button presses as core events, and who may see the answer.

Chats follow Telegram's model so the core needs no Discord rules. A private chat is
keyed by the **user id** (on Telegram a private chat's id is the user's), so reminders
set in a DM or in a server go to that user's DM. A guild channel is a group chat keyed
by the channel id. A private command (check-in, pain, readiness…) used in a server
channel runs as the user's private conversation and is answered ephemerally — only they
see it. Shared commands (/help) are answered ephemerally too; group-level commands
(cohort summaries: in groups only) post in the channel, except replies the core marks
`private`.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import discord

from adapters.discord_adapter.config import PLATFORM
from core.engine.payloads import UNREADABLE
from core.events import ChatRef, Event, MenuCommand, Sender


class Incoming(NamedTuple):
    event: Event
    ephemeral: bool  # answer so that only the user sees it


def command_event(
    interaction: discord.Interaction[Any], command: MenuCommand, args: str
) -> Incoming:
    in_guild = interaction.guild_id is not None
    group_level = in_guild and command.in_groups and not command.in_private
    event = event_for(
        interaction,
        text=f"/{command.name} {args}".strip(),
        private=not in_guild or not command.in_groups,
    )
    return Incoming(event, ephemeral=in_guild and not group_level)


def pressed_payload(interaction: discord.Interaction[Any]) -> str:
    """What a component interaction hands the coach: a button's custom_id is the payload
    it was drawn with (or one forged or left by an older version: the coach tells them
    apart); anything else — a select menu or a form from an older version — is a press
    the coach cannot read, and is answered as an expired button."""
    data: dict[str, Any] = dict(interaction.data or {})
    custom_id = data.get("custom_id")
    is_button = data.get("component_type") == discord.ComponentType.button.value
    if interaction.type is discord.InteractionType.component and is_button and custom_id:
        return str(custom_id)
    return UNREADABLE


def press_event(interaction: discord.Interaction[Any], payload: str) -> Incoming:
    in_guild = interaction.guild_id is not None
    message = interaction.message
    # A press on an ephemeral message continues a private conversation held in a
    # channel; a press on a public message there belongs to the channel.
    on_private = message is not None and message.flags.ephemeral
    event = event_for(interaction, payload=payload, private=not in_guild or on_private)
    return Incoming(event, ephemeral=in_guild)


def event_for(
    interaction: discord.Interaction[Any],
    *,
    private: bool,
    text: str | None = None,
    payload: str | None = None,
) -> Event:
    user = interaction.user
    sender = Sender(PLATFORM, str(user.id), user.display_name)
    if private:
        chat = ChatRef(PLATFORM, str(user.id))
    else:
        rights = interaction.permissions
        chat = ChatRef(
            PLATFORM,
            str(interaction.channel_id),
            is_group=True,
            user_is_admin=rights.administrator or rights.manage_guild,
        )
    return Event(
        sender,
        chat,
        text=text,
        payload=payload,
        when=interaction.created_at,
        update_id=str(interaction.id),
    )
