"""A wire-level fake of the Telegram Bot API for tests: an aiohttp server on 127.0.0.1 at a
random port, speaking the real protocol (`POST /bot<TOKEN>/<method>`, form or multipart
bodies, `{"ok": ..., "result": ...}` answers), so the real python-telegram-bot Application
runs against it unchanged.

It implements what the coach's bot calls — getMe, deleteWebhook, setWebhook, a long-polling
getUpdates (holds up to `timeout` seconds, drops updates below `offset`), setMyCommands,
sendMessage, sendPhoto, sendDocument, editMessageText, editMessageReplyMarkup,
answerCallbackQuery, getChatMember — records every call, and can be told to fail the next
calls of a method (429 with retry_after, 403 blocked, 400, 502), to drop the connection
without an answer (`drop`: a network error, nothing done) or to answer slowly (`slow`: the
call is carried out, its answer comes late — as when Telegram is overloaded). With
`sends_per_second` set it also enforces a global flood limit as Telegram does: beyond that
many messages sent in any rolling second, a send is refused with 429 and a whole-second
`retry_after`.

    async with FakeTelegram() as tg:
        ...  # point the bot at tg.url
        tg.push(tg.text(42, "/start"))
        [call] = await tg.wait_for("sendMessage")
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

from tests.fakes.telegram_wire import ApiError, Call, Upload, error_response, read_request
from tests.fakes.telegram_world import BOT_USERNAME, TOKEN, TelegramWorld

__all__ = ["BOT_USERNAME", "TOKEN", "Call", "FakeTelegram"]

# Methods that post a message, and so count against the global flood limit.
SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})


@dataclass(slots=True)
class Failure:
    method: str
    status: int
    description: str
    retry_after: int | None
    chat_id: int | None
    remaining: int


@dataclass(slots=True)
class Slow:
    method: str
    seconds: float
    remaining: int


@dataclass(slots=True)
class _Pending:
    update: dict[str, Any]
    redeliver: bool = False


@dataclass(slots=True)
class FakeTelegram(TelegramWorld):
    """The server in front of a TelegramWorld, and the controls tests drive it by."""

    host: str = "127.0.0.1"
    calls: list[Call] = field(default_factory=list)
    # update_ids in the order getUpdates handed them out (a redelivery shows up twice)
    delivered: list[int] = field(default_factory=list)
    # Global flood limit: at most this many sends in any rolling second (0: no limit).
    sends_per_second: int = 0
    # How many sends the flood limit refused with 429.
    throttled: int = 0
    port: int = 0
    _accepted: deque[float] = field(default_factory=deque)
    _failures: list[Failure] = field(default_factory=list)
    _slow: list[Slow] = field(default_factory=list)
    _pending: list[_Pending] = field(default_factory=list)
    _new_updates: asyncio.Event = field(default_factory=asyncio.Event)
    _activity: asyncio.Condition = field(default_factory=asyncio.Condition)
    _closing: bool = False
    _runner: web.AppRunner | None = None

    # -- lifecycle -------------------------------------------------------------------

    async def start(self) -> FakeTelegram:
        app = web.Application()
        app.router.add_route("*", "/{bot_token}/{method}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def close(self) -> None:
        self._closing = True
        self._new_updates.set()  # release a pending long poll
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def url(self) -> str:
        """The server root, as TELEGRAM_API_BASE_URL takes it."""
        return f"http://{self.host}:{self.port}"

    # -- what tests do ---------------------------------------------------------------

    def push(self, *updates: dict[str, Any], redeliver: bool = False) -> list[dict[str, Any]]:
        """Queue updates for getUpdates (an update_id is assigned when missing).
        `redeliver=True` hands them out even below the confirmed offset, as Telegram does
        when a confirmation was lost."""
        for update in updates:
            update.setdefault("update_id", next(self._ids))
            self._pending.append(_Pending(update, redeliver))
        self._new_updates.set()
        return list(updates)

    def fail(
        self,
        method: str,
        status: int,
        description: str,
        *,
        retry_after: int | None = None,
        chat_id: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls of `method` (to `chat_id`, if given) with an error."""
        self._failures.append(Failure(method, status, description, retry_after, chat_id, times))

    def drop(self, method: str, *, times: int = 1) -> None:
        """Close the connection on the next `times` calls of `method` without answering
        and without doing anything (the client sees a network error)."""
        self._failures.append(Failure(method, 0, "dropped", None, None, times))

    def slow(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Carry out the next `times` calls of `method`, but answer only after `seconds`."""
        self._slow.append(Slow(method, seconds, times))

    def mark(self) -> int:
        """A position in the call log, for `wait_for(since=...)`."""
        return len(self.calls)

    def sent(self, method: str | tuple[str, ...] | None = None, *, since: int = 0) -> list[Call]:
        """Successful calls (of `method`, or of any of several) after `since`."""
        wanted = (method,) if isinstance(method, str) else method
        return [c for c in self.calls[since:] if c.ok and (wanted is None or c.method in wanted)]

    async def wait_for(
        self,
        method: str | tuple[str, ...],
        *,
        since: int = 0,
        count: int = 1,
        where: Callable[[Call], bool] | None = None,
        within: float = 5.0,
    ) -> list[Call]:
        """Wait until the bot has made `count` successful `method` calls after `since`."""

        def found() -> list[Call]:
            return [c for c in self.sent(method, since=since) if where is None or where(c)]

        try:
            async with asyncio.timeout(within), self._activity:
                await self._activity.wait_for(lambda: len(found()) >= count)
        except TimeoutError:
            seen = [(c.method, c.status, c.text[:60]) for c in self.calls[since:]]
            raise AssertionError(
                f"no {count} x {method} within {within} s; calls since: {seen}"
            ) from None
        return found()[:count]

    async def wait_until(self, predicate: Callable[[], bool], *, within: float = 5.0) -> None:
        """Wait until `predicate` holds, checked after every call the bot makes."""
        async with asyncio.timeout(within), self._activity:
            await self._activity.wait_for(predicate)

    # -- the server ------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        if request.match_info["bot_token"] != f"bot{self.token}":
            return error_response(401, "Unauthorized")
        params, files = await read_request(request)
        failure = self._failure_for(method, params)
        if failure is not None and failure.status == 0:
            await self._record(Call(method, params, files, 0, _now()))
            assert request.transport is not None
            request.transport.abort()
            return web.Response()
        if failure is not None:
            await self._record(Call(method, params, files, failure.status, _now()))
            return error_response(
                failure.status, failure.description, retry_after=failure.retry_after
            )
        if method in SEND_METHODS and self.sends_per_second:
            wait = self._flood_wait()
            if wait:
                self.throttled += 1
                await self._record(Call(method, params, files, 429, _now()))
                return error_response(
                    429, f"Too Many Requests: retry after {wait}", retry_after=wait
                )
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            await self._record(Call(method, params, files, 404, _now()))
            return error_response(404, "Not Found")
        try:
            result = await handler(params, files)
        except ApiError as exc:
            await self._record(Call(method, params, files, exc.status, _now()))
            return error_response(exc.status, exc.description)
        await self._record(Call(method, params, files, 200, _now(), result))
        delay = self._delay_for(method)
        if delay:
            await asyncio.sleep(delay)  # done already; only the answer is late
        return web.json_response({"ok": True, "result": result})

    def _delay_for(self, method: str) -> float:
        for slow in self._slow:
            if slow.method == method and slow.remaining > 0:
                slow.remaining -= 1
                return slow.seconds
        return 0.0

    def _failure_for(self, method: str, params: dict[str, Any]) -> Failure | None:
        for failure in self._failures:
            if failure.method != method or failure.remaining <= 0:
                continue
            if failure.chat_id is not None and str(params.get("chat_id")) != str(failure.chat_id):
                continue
            failure.remaining -= 1
            return failure
        return None

    def _flood_wait(self) -> int:
        """0 when a send fits the rolling second (it is counted), else the whole seconds
        to wait, as Telegram gives them (at least 1)."""
        now = _now()
        while self._accepted and self._accepted[0] <= now - 1.0:
            self._accepted.popleft()
        if len(self._accepted) < self.sends_per_second:
            self._accepted.append(now)
            return 0
        return max(1, math.ceil(self._accepted[0] + 1.0 - now))

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        async with self._activity:
            self._activity.notify_all()

    async def _m_getMe(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        return {**self.bot_user(), "can_join_groups": True, "can_read_all_group_messages": False}

    async def _m_deleteWebhook(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        return True

    async def _m_setWebhook(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        return True

    async def _m_setMyCommands(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        return True

    async def _m_answerCallbackQuery(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        return True

    async def _m_getUpdates(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)

        def ready() -> list[_Pending]:
            self._pending = [
                p for p in self._pending if p.redeliver or p.update["update_id"] >= offset
            ]
            return self._pending

        deadline = _now() + timeout
        while not ready() and not self._closing and _now() < deadline:
            self._new_updates.clear()
            try:
                async with asyncio.timeout(deadline - _now()):
                    await self._new_updates.wait()
            except TimeoutError:
                break
        batch = sorted(ready(), key=lambda p: p.update["update_id"])[:limit]
        for pending in batch:
            pending.redeliver = False  # handed out; confirmed by the next offset
            self.delivered.append(pending.update["update_id"])
        return [p.update for p in batch]

    async def _m_sendMessage(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        text = str(params.get("text") or "")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return self.new_message(params, text=text)

    async def _m_sendPhoto(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        upload = files.get("photo")
        size = len(upload.data) if upload else 0
        photo = [
            {
                "file_id": "photo1",
                "file_unique_id": "p1",
                "width": 800,
                "height": 600,
                "file_size": size,
            }
        ]
        return self.new_message(params, photo=photo, **_caption(params))

    async def _m_sendDocument(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        upload = files.get("document")
        document = {
            "file_id": "doc1",
            "file_unique_id": "d1",
            "file_name": upload.filename if upload else "file",
            "file_size": len(upload.data) if upload else 0,
        }
        return self.new_message(params, document=document, **_caption(params))

    async def _m_editMessageText(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        message = self.stored(params)
        markup = params.get("reply_markup") or None
        if message.get("text") == params.get("text") and message.get("reply_markup") == markup:
            raise ApiError(400, "Bad Request: message is not modified")
        message["text"] = params["text"]
        message["edit_date"] = int(time.time())
        _set_markup(message, markup)
        return message

    async def _m_editMessageReplyMarkup(
        self, params: dict[str, Any], files: dict[str, Upload]
    ) -> Any:
        message = self.stored(params)
        _set_markup(message, params.get("reply_markup") or None)
        message["edit_date"] = int(time.time())
        return message

    async def _m_getChatMember(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        user = self.user(user_id)
        if (chat_id, user_id) not in self.admins:
            return {"status": "member", "user": user}
        rights = (
            "can_be_edited is_anonymous can_manage_chat can_delete_messages "
            "can_manage_video_chats can_restrict_members can_promote_members can_change_info "
            "can_invite_users can_post_stories can_edit_stories can_delete_stories"
        ).split()
        return {"status": "administrator", "user": user, **dict.fromkeys(rights, False)}


def _now() -> float:
    return asyncio.get_running_loop().time()


def _caption(params: dict[str, Any]) -> dict[str, Any]:
    return {"caption": params["caption"]} if params.get("caption") else {}


def _set_markup(message: dict[str, Any], markup: Any) -> None:
    if markup and markup.get("inline_keyboard"):
        message["reply_markup"] = markup
    else:
        message.pop("reply_markup", None)
