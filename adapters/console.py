"""The console adapter: a local chat on stdin/stdout, following the console contract in
DESIGN.md (others drive the bot through it, so its output format is kept stable).

A line is a message; a line holding a button's number (counted across all rows of the
most recent message that had buttons) or its exact label presses that button.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import threading
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from typing import TextIO

from core.events import Attachment, Button, ChatRef, Event, Reply, Sender

Handler = Callable[[Event], Awaitable[list[Reply]]]
PLATFORM = "console"


class ConsoleChat:
    name = PLATFORM

    def __init__(
        self,
        handle: Handler,
        *,
        user_id: str,
        display_name: str = "",
        json_mode: bool = False,
        out: TextIO | None = None,
    ) -> None:
        self.handle = handle
        self.sender = Sender(PLATFORM, user_id, display_name)
        self.chat = ChatRef(PLATFORM, user_id)
        self.json_mode = json_mode
        self.out = out or sys.stdout
        self._buttons: list[Button] = []
        self._media_dir: Path | None = None
        self._media_names = count(1)

    async def run(self, source: TextIO | None = None) -> None:
        """Read until end of input or /quit."""
        lines = _lines(source or sys.stdin)
        while True:
            line = await lines.get()
            if line is None:
                return
            line = line.rstrip("\r\n")
            if line.strip().lower() in {"/quit", "/exit"}:
                return
            for reply in await self.handle(self.event_for(line)):
                self.show(reply)

    def event_for(self, line: str) -> Event:
        now = datetime.now(UTC)
        pressed = self._pressed(line.strip())
        if pressed is not None:
            return Event(self.sender, self.chat, payload=pressed.payload, when=now)
        return Event(self.sender, self.chat, text=line, when=now)

    def _pressed(self, line: str) -> Button | None:
        if line.isdigit() and 1 <= int(line) <= len(self._buttons):
            return self._buttons[int(line) - 1]
        return next((b for b in self._buttons if b.label == line), None)

    async def send(self, chat: ChatRef, reply: Reply) -> None:
        """Proactive messages (reminders) for this console's user appear in the chat."""
        if chat.chat_id == self.chat.chat_id:
            self.show(reply)

    def show(self, reply: Reply) -> None:
        """Print one outgoing message (also used for reminders the scheduler sends)."""
        if reply.buttons:
            self._buttons = reply.flat_buttons
        image = self._save(reply.image, ".png") if reply.image else None
        file = self._save(reply.file, "") if reply.file else None
        if self.json_mode:
            message = {
                "text": reply.text,
                "buttons": [[b.label for b in row] for row in reply.buttons],
                "image": image,
                "file": file,
            }
            print(json.dumps(message, ensure_ascii=False), file=self.out, flush=True)
            return
        lines = [reply.text]
        lines += [f"  [{n}] {b.label}" for n, b in enumerate(reply.flat_buttons, 1)]
        lines += [f"  (image: {image})"] if image else []
        lines += [f"  (file: {file})"] if file else []
        print("\n".join(lines), file=self.out, flush=True)

    def _save(self, attachment: Attachment, suffix: str) -> str:
        if self._media_dir is None:
            self._media_dir = Path(tempfile.mkdtemp(prefix="doms-coach-"))
        name = Path(attachment.name).name or f"attachment{next(self._media_names)}{suffix}"
        path = self._media_dir / name
        path.write_bytes(attachment.data)
        return str(path)


def _lines(source: TextIO) -> asyncio.Queue[str | None]:
    """Read lines on a daemon thread: a blocking read must not keep the process alive
    when `coach run` is asked to stop (an executor thread would be waited for)."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def pump() -> None:
        for line in iter(source.readline, ""):
            loop.call_soon_threadsafe(queue.put_nowait, line)
        loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=pump, name="console-stdin", daemon=True).start()
    return queue
