"""A core `Reply` as Discord messages.

The core writes replies of any length with any number of buttons; Discord takes 2,000
characters and 5 rows of 5 buttons a message, and rejects a message whose custom_ids
repeat. The cutting happens here, once, for both answers and proactive messages.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import discord

from adapters.discord_adapter.buttons import payload_view
from adapters.discord_adapter.limits import MAX_CONTENT, MAX_PER_ROW, MAX_ROWS
from adapters.discord_adapter.wording import MORE_CHOICES
from core.events import Attachment, Button, Reply


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One Discord message: a slice of a reply's text, its files and a page of buttons."""

    content: str
    attachments: tuple[Attachment, ...] = ()
    buttons: tuple[tuple[Button, ...], ...] = ()

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for send / send_message / followup.send (fresh file objects
        every time: a discord.File is a stream and can be read only once)."""
        args: dict[str, Any] = {"content": self.content or None}
        if self.attachments:
            args["files"] = [
                discord.File(io.BytesIO(a.data), filename=a.name) for a in self.attachments
            ]
        if self.buttons:
            args["view"] = payload_view(self.buttons)
        return args


def split_text(text: str, limit: int = MAX_CONTENT) -> list[str]:
    """Cut text into messages of at most `limit` characters, at a line break or a space
    where there is one."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    if rest or not parts:
        parts.append(rest)
    return parts


def button_pages(
    rows: Sequence[Sequence[Button]],
) -> list[tuple[tuple[Button, ...], ...]]:
    """Keep the core's rows when they fit one message (5 rows of 5); otherwise pack the
    buttons five to a row, 25 to a message. A payload repeated within a message is
    dropped (Discord rejects duplicate custom_ids)."""
    kept = [tuple(row) for row in rows if row]
    if not kept:
        return []
    if len(kept) > MAX_ROWS or any(len(row) > MAX_PER_ROW for row in kept):
        flat = [b for row in kept for b in row]
        packed = [tuple(flat[i : i + MAX_PER_ROW]) for i in range(0, len(flat), MAX_PER_ROW)]
        kept = packed
    pages: list[tuple[tuple[Button, ...], ...]] = []
    for start in range(0, len(kept), MAX_ROWS):
        seen: set[str] = set()
        page: list[tuple[Button, ...]] = []
        for row in kept[start : start + MAX_ROWS]:
            unique: list[Button] = []
            for button in row:
                if button.payload not in seen:
                    seen.add(button.payload)
                    unique.append(button)
            if unique:
                page.append(tuple(unique))
        pages.append(tuple(page))
    return pages


def render(reply: Reply) -> list[Outgoing]:
    """A reply as Discord messages: text split at 2,000 characters; the image and file
    and the first page of buttons ride on the last piece of text."""
    texts = split_text(reply.text)
    attachments = tuple(a for a in (reply.image, reply.file) if a is not None)
    pages = button_pages(reply.buttons)
    messages = [Outgoing(t) for t in texts[:-1]]
    messages.append(Outgoing(texts[-1], attachments, pages[0] if pages else ()))
    messages += [Outgoing(MORE_CHOICES, (), page) for page in pages[1:]]
    return [m for m in messages if m.content or m.attachments or m.buttons]
