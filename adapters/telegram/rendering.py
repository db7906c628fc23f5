"""Telegram's message limits, and fitting a reply's text and buttons within them.

Telegram counts lengths in UTF-16 code units, not characters: an emoji outside the Basic
Multilingual Plane costs two, so a split by `len()` could still be refused as too long.
Buttons whose payload is over the callback-data limit are left out rather than let one bad
button fail the whole message.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions

from core.events import MAX_PAYLOAD_BYTES, Reply

MAX_TEXT = 4096  # Telegram's limits, in UTF-16 code units
MAX_CAPTION = 1024
MAX_ALERT = 200
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, limit: int) -> tuple[str, str]:
    """The longest head of `text` within `limit` UTF-16 units, and the rest."""
    units = 0
    for i, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return text[:i], text[i:]
    return text, ""


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split at line breaks where possible so each part fits one Telegram message."""
    if utf16_len(text) <= limit:
        return [text] if text.strip() else []
    pieces: list[str] = []
    for line in text.splitlines(keepends=True):
        while utf16_len(line) > limit:
            head, line = _cut(line, limit)
            pieces.append(head)
        pieces.append(line)
    parts: list[str] = []
    current = ""
    for piece in pieces:
        if current and utf16_len(current + piece) > limit:
            parts.append(current)
            current = ""
        current += piece
    parts.append(current)
    return [p.strip("\n") for p in parts if p.strip()]


def press_notice(replies: Sequence[Reply]) -> str:
    """What answers the button press itself (answerCallbackQuery): the first reply's
    `notice`, cut to Telegram's 200 units; empty when the replies are answer enough."""
    notice = next((r.notice for r in replies if r.notice), "")
    if utf16_len(notice) <= MAX_ALERT:
        return notice
    return _cut(notice, MAX_ALERT - 1)[0].rstrip() + "…"


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    rows = [
        [
            InlineKeyboardButton(b.label, callback_data=b.payload)
            for b in row
            if b.label and len(b.payload.encode()) <= MAX_PAYLOAD_BYTES
        ]
        for row in reply.buttons
    ]
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None
