"""How the fake Bot API speaks HTTP, apart from what it does: requests read the way PTB
sends them (form or multipart fields, some of them JSON strings, files as uploads), errors
answered the way Telegram does, and the record kept of every call for tests to inspect."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

# Form fields PTB sends as JSON strings.
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "commands",
        "scope",
        "allowed_updates",
        "link_preview_options",
        "reply_parameters",
        "entities",
        "caption_entities",
    }
)


@dataclass(frozen=True, slots=True)
class Upload:
    filename: str
    data: bytes
    content_type: str


@dataclass(slots=True)
class Call:
    """One request the bot made, and how the fake answered it."""

    method: str
    params: dict[str, Any]
    files: dict[str, Upload]
    status: int
    at: float
    result: Any = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return None if value is None else int(value)

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def buttons(self) -> list[list[tuple[str, str]]]:
        """The inline keyboard as rows of (label, callback_data)."""
        markup = self.params.get("reply_markup") or {}
        return [
            [(b["text"], b.get("callback_data", "")) for b in row]
            for row in markup.get("inline_keyboard", [])
        ]

    @property
    def labels(self) -> list[str]:
        return [label for row in self.buttons for label, _ in row]


class ApiError(Exception):
    """Raised by a method to answer with Telegram's error status and description."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def error_response(
    status: int, description: str, *, retry_after: int | None = None
) -> web.Response:
    """Telegram's error answer; a 429 says in `parameters` how long to wait."""
    answer: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        answer["parameters"] = {"retry_after": retry_after}
    return web.json_response(answer, status=status)


async def read_request(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    params: dict[str, Any] = {}
    files: dict[str, Upload] = {}
    if request.content_type == "application/json":
        body = await request.json()
        return (body if isinstance(body, dict) else {}), files
    form = await request.post()
    for key, value in form.items():
        if isinstance(value, web.FileField):
            data = value.file.read()
            files[key] = Upload(value.filename, data, value.content_type)
            continue
        if key in JSON_FIELDS and isinstance(value, str):
            try:
                params[key] = json.loads(value)
                continue
            except ValueError:
                pass
        params[key] = value
    return params, files
