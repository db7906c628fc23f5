"""Discord's size limits, kept in one place so rendering, buttons and slash commands agree.

Discord rejects an oversized label, description or message outright instead of cutting
it, so everything the coach writes is fitted to these before it is sent.
"""

from __future__ import annotations

MAX_CONTENT = 2000  # characters in one message
MAX_ROWS = 5  # action rows per message
MAX_PER_ROW = 5  # buttons per action row
MAX_LABEL = 80
MAX_DESCRIPTION = 100


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
