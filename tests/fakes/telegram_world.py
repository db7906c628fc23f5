"""What the fake Bot API knows of Telegram: the bot, its chats and users, and every message
as the bot last left it, so that a button pressed after an edit carries the keyboard the
user would really see. Tests build the updates they push from here (`text`, `press`), and
the server keeps the bot's own messages here as it sends and edits them."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.telegram_wire import ApiError, Call

TOKEN = "123:TEST"
BOT_USERNAME = "DomsCoachBot"


@dataclass(slots=True)
class TelegramWorld:
    token: str = TOKEN
    username: str = BOT_USERNAME
    # (chat_id, message_id) → the message as the bot last left it
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    # (chat_id, user_id) pairs getChatMember reports as administrators
    admins: set[tuple[int, int]] = field(default_factory=set)
    chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def bot_id(self) -> int:
        return int(self.token.split(":", 1)[0])

    def bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "DOMS Coach",
            "username": self.username,
        }

    # -- building updates ------------------------------------------------------------

    def user(self, user_id: int, first_name: str = "") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": first_name or f"User{user_id}"}

    def private_chat(self, user_id: int, first_name: str = "") -> dict[str, Any]:
        chat = {"id": user_id, "type": "private", "first_name": first_name or f"User{user_id}"}
        self.chats[user_id] = chat
        return chat

    def group_chat(self, chat_id: int, title: str = "Cohort") -> dict[str, Any]:
        chat = {"id": chat_id, "type": "supergroup", "title": title}
        self.chats[chat_id] = chat
        return chat

    def text(
        self,
        user_id: int,
        text: str,
        *,
        group: int | None = None,
        first_name: str = "",
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """An update carrying a text message from `user_id`, privately or in `group`."""
        chat = self.group_chat(group) if group else self.private_chat(user_id, first_name)
        message = self._message(chat, self.user(user_id, first_name), text=text)
        if text.startswith("/"):
            length = len(text.split()[0].encode("utf-16-le")) // 2
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return {"message": message}

    def press(
        self, user_id: int, message: dict[str, Any], label: str, *, first_name: str = ""
    ) -> dict[str, Any]:
        """An update pressing the button labelled `label` (or starting with it) on one of
        the bot's messages, as that message currently is."""
        current = self.messages.get((message["chat"]["id"], message["message_id"]), message)
        rows = (current.get("reply_markup") or {}).get("inline_keyboard", [])
        buttons = [b for row in rows for b in row]
        chosen = next((b for b in buttons if b["text"] == label), None) or next(
            (b for b in buttons if b["text"].startswith(label)), None
        )
        if chosen is None:
            raise AssertionError(f"no button {label!r} in {[b['text'] for b in buttons]}")
        return self.press_data(user_id, current, chosen["callback_data"], first_name=first_name)

    def press_data(
        self, user_id: int, message: dict[str, Any], data: str, *, first_name: str = ""
    ) -> dict[str, Any]:
        return {
            "callback_query": {
                "id": str(next(self._ids)),
                "from": self.user(user_id, first_name),
                "chat_instance": str(message["chat"]["id"]),
                "data": data,
                "message": message,
            }
        }

    def message_of(self, call: Call) -> dict[str, Any]:
        """The message a send/edit call produced, as it is now."""
        result: dict[str, Any] = call.result
        return self.messages[(result["chat"]["id"], result["message_id"])]

    # -- the bot's own messages ------------------------------------------------------

    def new_message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        """A message the bot sends with `params` (chat, keyboard, topic), kept as sent."""
        message = self._message(self._chat(params["chat_id"]), self.bot_user(), **content)
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        if params.get("message_thread_id"):
            message["message_thread_id"] = int(params["message_thread_id"])
        self.messages[(message["chat"]["id"], message["message_id"])] = message
        return message

    def stored(self, params: dict[str, Any]) -> dict[str, Any]:
        """The message an edit names, or Telegram's error for one it never sent."""
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            raise ApiError(400, "Bad Request: message to edit not found")
        return self.messages[key]

    def _message(
        self, chat: dict[str, Any], sender: dict[str, Any], **content: Any
    ) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": sender,
            **content,
        }

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        key = int(chat_id)
        if key not in self.chats:
            return {"id": key, "type": "private" if key > 0 else "supergroup", "first_name": "U"}
        return self.chats[key]
