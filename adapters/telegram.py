"""The Telegram adapter (python-telegram-bot 22): updates in as core events, replies out as
Telegram messages. Translation only: every decision is the coach's.

In: a private message, a command in a group (`/help` or `/help@ThisBot`; commands for other
bots and plain group chatter are ignored), a reply to one of the bot's messages in a group,
and a button press (its callback data is the button payload). `update_id` goes into the event
so the coach handles an update delivered twice only once. `user_is_admin` is looked up with
getChatMember only for `/cohort` commands and cohort buttons in groups; elsewhere it is False.

Out: plain text (no parse mode, so nothing a user typed can turn into markup), split at
4,096 characters; reply buttons as an inline keyboard; `Reply.image` as a photo and
`Reply.file` as a document. Every button press is answered (`answerCallbackQuery`). Pressing
an answer to a question replaces that question, in place, with the coach's next message, so a
guided check-in stays one tidy message; any other button press just drops the old keyboard
(in groups, shared menus are left as they are). A reply marked `private` in a group goes to the
user's private chat instead.

Modes: long polling by default; a webhook (`webhook_url` set) for several workers behind a
load balancer, served by a small aiohttp server that checks the secret token on every request.

Failures never stop the process: 429s are waited out (live replies here, proactive sends by
the outbox, which holds the whole queue; PTB's `AIORateLimiter` paces), network errors
retried with backoff, a user who blocked the bot is reported through `on_unreachable`, and a
malformed update is logged and skipped (it would otherwise block getUpdates for good). A
message is never sent twice: a send that timed out waiting for Telegram's answer may have
arrived, so it is not retried (`Unconfirmed` for the outbox); only failures that surely
happened before Telegram acted (no connection, an error status, a 429) are.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import hmac
import inspect
import json
import logging
import re
import warnings
import weakref
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote, urlsplit

import httpx
from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    CallbackQuery,
    Chat,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import AIORateLimiter, Application, ContextTypes, TypeHandler
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from core.delivery.platform import RetryLater, Unconfirmed, Unreachable
from core.engine.payloads import owner_tag, parse_question_payload
from core.events import MAX_PAYLOAD_BYTES, ChatRef, Event, MenuCommand, Reply, Sender
from core.rules.text import parse_command, shorten

if TYPE_CHECKING:
    from aiohttp import web

log = logging.getLogger(__name__)

PLATFORM = "telegram"
DEFAULT_API = "https://api.telegram.org"
MAX_TEXT = 4096  # Telegram's limits, in UTF-16 code units
MAX_CAPTION = 1024
MAX_ALERT = 200
ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")
GROUP_TYPES = frozenset({ChatType.GROUP, ChatType.SUPERGROUP})
ADMIN_STATUSES = frozenset({ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER})
GONE_STATUSES = frozenset({ChatMemberStatus.BANNED, ChatMemberStatus.LEFT})
COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)

# Live replies: network errors are retried this many times, waiting 0.5 s, 1 s, 2 s.
LIVE_RETRIES = 3
BACKOFF_START = 0.5
# A 429 asking for a longer wait than this is not waited out inside a live reply.
MAX_LIVE_WAIT = 60.0
START_ATTEMPTS = 5

PRIVATE_NOTE = (
    "{name}, I have an answer for you that I only share in a private chat. Open a chat "
    "with me (@{bot}), press Start, then try again."
)
# When the reply can be redone from a deep link, pressing Start is all it takes.
PRIVATE_LINK_NOTE = (
    "{name}, the rest is for your eyes only: open https://t.me/{bot}?start={link} and "
    "press Start to finish in our private chat."
)
ANONYMOUS_NOTE = (
    "I can't tell who you are while you post as the group. Turn off “Remain anonymous” in "
    "your admin rights, or message me directly."
)

Handler = Callable[[Event], Awaitable[list[Reply]]]
UnreachableCallback = Callable[[ChatRef], Awaitable[None] | None]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class TelegramConfig:
    token: str = field(repr=False)
    # Root of the Bot API server: empty for api.telegram.org, or a local Bot API server
    # (e.g. http://127.0.0.1:8081). PTB's own form ending in /bot is accepted too.
    api_base_url: str = ""
    # Set: webhook mode. Telegram POSTs updates to this public URL; the server started here
    # listens on webhook_listen:webhook_port, at the URL's path.
    webhook_url: str = ""
    # Checked on every webhook request; empty: derived from the token, so every worker
    # behind the load balancer agrees on it without further set-up.
    webhook_secret: str = field(default="", repr=False)
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8080
    poll_timeout: float = 25.0
    # Seconds to wait for Telegram's answer to a call (PTB's default). A send that outlasts
    # it is not repeated, since it may have arrived.
    read_timeout: float = 5.0
    # 429s retried inside PTB's AIORateLimiter. 0: a 429 comes straight back, so the
    # outbox holds every queued send at once (retrying inside one send let the others
    # run into the limit: 176 429s in bench/fanout.py at 25/s), and live replies wait
    # it out in `_call`.
    rate_limit_retries: int = 0
    concurrent_updates: int = 16


def api_urls(api_base_url: str) -> tuple[str, str]:
    """The server root (or PTB's `…/bot` form) → PTB's base_url and base_file_url."""
    root = (api_base_url.strip() or DEFAULT_API).rstrip("/")
    root = root.removesuffix("/bot")
    return f"{root}/bot", f"{root}/file/bot"


def webhook_secret_for(config: TelegramConfig) -> str:
    if config.webhook_secret:
        return config.webhook_secret
    return hashlib.sha256(f"doms-coach-webhook:{config.token}".encode()).hexdigest()


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


def retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # int vs timedelta: PTB's transition warning, not ours
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def maybe_delivered(exc: NetworkError) -> bool:
    """A call that timed out waiting for the answer reached Telegram and may have been
    carried out; a connection that could not be made, a full pool or an error status means
    it surely was not, so only those are safe to repeat for a send."""
    return isinstance(exc.__cause__, httpx.ReadTimeout)


def is_chat_gone(exc: BadRequest) -> bool:
    message = exc.message.lower()
    return "chat not found" in message or "user not found" in message


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


class RedactSecrets(logging.Filter):
    """Blanks out secrets in log records: PTB logs the Bot API URL, which holds the token,
    and every call's parameters (a webhook's secret token) at DEBUG; httpx logs each
    request URL at INFO. A filter sees only records logged on its own logger, never those
    of its children, so it is put on every logger of those libraries (`attach`); the
    traceback text is redacted too."""

    LIBRARIES = ("telegram", "httpx", "httpcore", "adapters.telegram")

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        found = {s for s in secrets if s}
        found |= {quote(s, safe="") for s in found}  # as it appears inside a URL
        self.secrets = sorted(found, key=len, reverse=True)
        self._loggers: list[logging.Logger] = []

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "<token>")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self.redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True

    def attach(self) -> None:
        names = [
            name
            for name in list(logging.Logger.manager.loggerDict)
            if any(name == lib or name.startswith(lib + ".") for lib in self.LIBRARIES)
        ]
        for name in {*names, *self.LIBRARIES}:
            logger = logging.getLogger(name)
            logger.addFilter(self)
            self._loggers.append(logger)

    def detach(self) -> None:
        for logger in self._loggers:
            logger.removeFilter(self)
        self._loggers.clear()


class _SkipMalformedUpdates(HTTPXRequest):
    """getUpdates: an update PTB cannot parse fails the whole batch, and as its offset is
    then never confirmed, it would block polling for good. Each update is checked here and
    a bad one replaced by a bare {update_id} (logged, then skipped) so the offset moves on."""

    async def do_request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        code, payload = await super().do_request(url, method, *args, **kwargs)
        if code != 200 or not url.endswith("/getUpdates"):
            return code, payload
        try:
            body = json.loads(payload)
            updates = body["result"]
        except (ValueError, TypeError, KeyError):
            return code, payload  # PTB reports it
        if not isinstance(updates, list):
            return code, payload
        checked = [_checked_update(item) for item in updates]
        if all(c is u for c, u in zip(checked, updates, strict=True)):
            return code, payload
        kept = [c for c in checked if c is not None]
        return code, json.dumps({**body, "result": kept}).encode()


def _checked_update(item: Any) -> Any:
    try:
        Update.de_json(item, None)
        return item
    except Exception as exc:
        update_id = item.get("update_id") if isinstance(item, dict) else None
        log.warning("skipping a malformed Telegram update %s (%s)", update_id, type(exc).__name__)
        return {"update_id": update_id} if isinstance(update_id, int) else None


class TelegramAdapter:
    """One bot. `start()`/`stop()` run it inside an existing event loop (beside Discord and
    the scheduler); `send()` delivers proactive messages for the outbox."""

    name = PLATFORM

    def __init__(
        self,
        config: TelegramConfig,
        *,
        handle: Handler,
        commands: Iterable[MenuCommand] = (),
        on_unreachable: UnreachableCallback | None = None,
    ) -> None:
        self.config = config
        self.handle = handle
        self.commands = list(commands)
        self.on_unreachable = on_unreachable
        self.webhook_address: tuple[str, int] | None = None
        self._webhook_runner: web.AppRunner | None = None
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
        self._network_failures = 0
        # Attached before the Application is built: building it logs the Bot API URL.
        self._redact = RedactSecrets(config.token, webhook_secret_for(config))
        self._redact.attach()
        base_url, base_file_url = api_urls(config.api_base_url)
        builder = (
            Application.builder()
            .token(config.token)
            .base_url(base_url)
            .base_file_url(base_file_url)
            .rate_limiter(AIORateLimiter(max_retries=config.rate_limit_retries))
            .read_timeout(config.read_timeout)
            .concurrent_updates(max(1, config.concurrent_updates))
        )
        if config.webhook_url:
            builder = builder.updater(None)
        else:
            builder = builder.get_updates_request(_SkipMalformedUpdates(connection_pool_size=1))
        self.app: Application[Any, Any, Any, Any, Any, Any] = builder.build()
        self.app.add_handler(TypeHandler(Update, self._on_update))
        self.app.add_error_handler(self._on_error)

    @property
    def bot_username(self) -> str:
        return str(self.app.bot.username)

    # -- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        """initialize → command menus → start → polling (or the webhook server). A start
        that fails part-way is undone before the error is raised."""
        self._redact.attach()  # again: loggers the libraries created since
        try:
            await self._start()
        except BaseException:
            await self.stop()
            raise

    async def _start(self) -> None:
        await self._initialize()
        await self._register_commands()
        await self.app.start()
        if self.config.webhook_url:
            await self._start_webhook()
            return
        updater = self.app.updater
        assert updater is not None
        await updater.start_polling(
            timeout=timedelta(seconds=self.config.poll_timeout),
            allowed_updates=list(ALLOWED_UPDATES),
            bootstrap_retries=START_ATTEMPTS,
            error_callback=self._polling_error,
        )
        log.info("Telegram: polling as @%s", self.bot_username)

    async def stop(self) -> None:
        """The reverse of start; each step runs even if an earlier one failed."""
        if self._webhook_runner is not None:
            await _quietly("stopping the webhook server", self._webhook_runner.cleanup())
            self._webhook_runner = None
        updater = self.app.updater
        if updater is not None and updater.running:
            await _quietly("stopping polling", updater.stop())
        if self.app.running:
            await _quietly("stopping the application", self.app.stop())
        await _quietly("shutting down", self.app.shutdown())
        self._redact.detach()

    async def _initialize(self) -> None:
        delay = 1.0
        for attempt in range(1, START_ATTEMPTS + 1):
            try:
                await self.app.initialize()
                return
            except InvalidToken:
                log.error("Telegram rejected the bot token: check TELEGRAM_TOKEN")
                raise
            except NetworkError as exc:
                if attempt == START_ATTEMPTS:
                    raise
                log.warning(
                    "Telegram unreachable at start (%s); retrying in %.0f s", exc.message, delay
                )
                await asyncio.sleep(delay)
                delay *= 2

    async def _register_commands(self) -> None:
        """setMyCommands: one menu for private chats, one for groups."""
        menus = (
            (BotCommandScopeAllPrivateChats(), [c for c in self.commands if c.in_private]),
            (BotCommandScopeAllGroupChats(), [c for c in self.commands if c.in_groups]),
        )
        for scope, commands in menus:
            entries = [
                BotCommand(c.name, shorten(c.summary or c.name, 256))
                for c in commands
                if COMMAND_NAME.match(c.name)
            ][:100]
            try:
                await self._call(functools.partial(self.app.bot.set_my_commands, entries, scope))
            except TelegramError as exc:
                log.warning("could not set the %s command menu: %s", scope.type, exc.message)

    def _polling_error(self, exc: TelegramError) -> None:
        if isinstance(exc, Conflict):
            log.error(
                "Telegram: another process is polling this bot or a webhook is set (%s)",
                exc.message,
            )
        else:
            log.warning("Telegram polling failed (%s: %s); retrying", type(exc).__name__, exc)

    # -- webhook ---------------------------------------------------------------------

    async def _start_webhook(self) -> None:
        from aiohttp import web

        path = urlsplit(self.config.webhook_url).path or "/"
        server = web.Application(client_max_size=1 << 20)
        server.router.add_post(path, self._on_webhook)
        server.router.add_get("/healthz", self._on_health)
        runner = web.AppRunner(server, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.config.webhook_listen, self.config.webhook_port)
        await site.start()
        self._webhook_runner = runner
        host, port = runner.addresses[0][:2]
        self.webhook_address = (str(host), int(port))
        await self._call(
            lambda: self.app.bot.set_webhook(
                self.config.webhook_url,
                secret_token=webhook_secret_for(self.config),
                allowed_updates=list(ALLOWED_UPDATES),
            )
        )
        log.info("Telegram: webhook on %s:%s%s", host, port, path)

    async def _on_health(self, request: web.Request) -> web.StreamResponse:
        from aiohttp import web

        return web.Response(text="ok")

    async def _on_webhook(self, request: web.Request) -> web.StreamResponse:
        from aiohttp import web

        given = request.headers.get(SECRET_HEADER, "")
        expected = webhook_secret_for(self.config)
        if not hmac.compare_digest(given.encode(), expected.encode()):
            log.warning("webhook request without the right secret token from %s", request.remote)
            return web.Response(status=403, text="forbidden")
        try:
            data = await request.json()
            update = Update.de_json(data, self.app.bot)
        except Exception as exc:
            # Answered 200 so Telegram does not retry it forever: logged and skipped.
            log.warning("skipping a malformed webhook update (%s)", type(exc).__name__)
            return web.Response(text="skipped")
        await self.app.update_queue.put(update)
        return web.Response(text="ok")

    # -- updates in ------------------------------------------------------------------

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        lock = self._locks.setdefault(chat.id if chat else 0, asyncio.Lock())
        async with lock:  # one chat's updates in arrival order; other chats run alongside
            try:
                if update.callback_query is not None:
                    await self._on_press(update, update.callback_query)
                elif update.message is not None:
                    await self._on_message(update, update.message)
                elif update.my_chat_member is not None:
                    await self._on_membership(update.my_chat_member)
                else:
                    log.debug("skipping Telegram update %s: not a kind I use", update.update_id)
            except Exception:
                log.exception("failed handling Telegram update %s", update.update_id)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("error while handling a Telegram update", exc_info=context.error)

    async def _on_message(self, update: Update, message: Message) -> None:
        user = message.from_user
        chat = message.chat
        if chat.type == ChatType.CHANNEL:
            return
        is_group = chat.type in GROUP_TYPES
        text = message.text or message.caption
        if is_group and (not text or not self._for_me(message, text)):
            return
        if message.sender_chat is not None or user is None or user.is_bot:
            if is_group and message.sender_chat is not None and message.sender_chat.id == chat.id:
                ref = ChatRef(PLATFORM, str(chat.id), is_group=True)
                await self._send_live(ref, Reply(ANONYMOUS_NOTE), message, quote=True)
            return
        admin = is_group and needs_admin_check(text, None) and await self._is_admin(chat, user.id)
        event = Event(
            Sender(PLATFORM, str(user.id), user.first_name),
            ChatRef(PLATFORM, str(chat.id), is_group=is_group, user_is_admin=admin),
            text=text,
            when=message.date,
            update_id=str(update.update_id),
        )
        replies = await self.handle(event)
        await self._deliver(event, replies, message, quote=True)

    def _for_me(self, message: Message, text: str | None) -> bool:
        """In a group: a command (for this bot, if it names one) or a reply to this bot."""
        if text and text.startswith("/"):
            target = command_target(text)
            return target is None or target.lower() == self.bot_username.lower()
        replied = message.reply_to_message
        author = replied.from_user if replied is not None else None
        return author is not None and author.id == self.app.bot.id

    async def _on_press(self, update: Update, query: CallbackQuery) -> None:
        user = query.from_user
        origin = query.message
        payload = query.data
        if origin is None or not payload:
            await self._answer(query)
            return
        chat = origin.chat
        is_group = chat.type in GROUP_TYPES
        question = parse_question_payload(payload)
        foreign = question is not None and question.owner != owner_tag(PLATFORM, str(user.id))
        if not foreign:
            await self._answer(query)  # stops the button's spinner at once
        admin = (
            is_group and needs_admin_check(None, payload) and await self._is_admin(chat, user.id)
        )
        event = Event(
            Sender(PLATFORM, str(user.id), user.first_name),
            ChatRef(PLATFORM, str(chat.id), is_group=is_group, user_is_admin=admin),
            payload=payload,
            when=datetime.now(UTC),
            update_id=str(update.update_id),
        )
        replies = await self.handle(event)
        message = origin if isinstance(origin, Message) else None
        if foreign:
            # Someone pressed another user's question: tell only them, leave the message be.
            note = "\n".join(r.text for r in replies)
            quiet = all(not (r.buttons or r.image or r.file) for r in replies)
            if replies and quiet and utf16_len(note) <= MAX_ALERT:
                await self._answer(query, note)
                return
            await self._answer(query)
            await self._deliver(event, replies, message, quote=False)
            return
        if not replies:
            return  # a delivery we had handled already
        if message is not None:
            if question is not None and self._fits_in_place(event, replies[0], message):
                if await self._replace(message, replies[0]):
                    replies = replies[1:]
                else:
                    await self._drop_keyboard(message)
            elif question is not None or not is_group:
                await self._drop_keyboard(message)
        await self._deliver(event, replies, message, quote=False)

    async def _on_membership(self, change: ChatMemberUpdated) -> None:
        if change.new_chat_member.user.id != self.app.bot.id:
            return
        if change.new_chat_member.status not in GONE_STATUSES:
            return
        chat = change.chat
        ref = ChatRef(PLATFORM, str(chat.id), is_group=chat.type in GROUP_TYPES)
        log.info("Telegram: the bot was blocked or removed in chat %s", chat.id)
        await self._unreachable(ref)

    async def _is_admin(self, chat: Chat, user_id: int) -> bool:
        try:
            member = await self._call(lambda: self.app.bot.get_chat_member(chat.id, user_id))
        except TelegramError as exc:
            log.warning("could not check admin rights in %s: %s", chat.id, exc.message)
            return False
        return member.status in ADMIN_STATUSES

    async def _answer(self, query: CallbackQuery, alert: str | None = None) -> None:
        try:
            await self.app.bot.answer_callback_query(
                query.id, text=alert, show_alert=alert is not None
            )
        except TelegramError as exc:  # too old, or answered already
            log.debug("could not answer a button press: %s", exc.message)

    # -- replies out (live) ----------------------------------------------------------

    def _fits_in_place(self, event: Event, reply: Reply, message: Message) -> bool:
        return (
            message.text is not None
            and reply.image is None
            and reply.file is None
            and not (reply.private and event.chat.is_group)
            and (reply.chat is None or reply.chat == event.chat)
            and bool(reply.text.strip())
            and utf16_len(reply.text) <= MAX_TEXT
        )

    async def _replace(self, message: Message, reply: Reply) -> bool:
        try:
            await self._call(
                lambda: self.app.bot.edit_message_text(
                    reply.text,
                    chat_id=message.chat.id,
                    message_id=message.message_id,
                    reply_markup=keyboard(reply),
                    link_preview_options=NO_PREVIEW,
                ),
                retries=LIVE_RETRIES,
            )
            return True
        except BadRequest as exc:
            if "not modified" in exc.message.lower():
                return True
            log.info("could not edit message %s: %s", message.message_id, exc.message)
        except TelegramError as exc:
            log.info("could not edit message %s: %s", message.message_id, exc.message)
        return False

    async def _drop_keyboard(self, message: Message) -> None:
        if message.reply_markup is None:
            return
        try:
            await self._call(
                lambda: self.app.bot.edit_message_reply_markup(
                    chat_id=message.chat.id, message_id=message.message_id, reply_markup=None
                ),
                retries=LIVE_RETRIES,
            )
        except TelegramError as exc:
            log.debug("could not remove a keyboard: %s", exc.message)

    async def _deliver(
        self, event: Event, replies: Sequence[Reply], origin: Message | None, *, quote: bool
    ) -> None:
        """Send the coach's replies for `event` (to `origin`'s chat and topic unless a reply
        says otherwise); in a group, `quote` makes the first one a reply to `origin`.
        Nothing here may raise."""
        skipped: set[str] = set()
        noted = False
        for reply in replies:
            target = reply.chat or event.chat
            if target.platform != PLATFORM:
                log.warning("dropping a reply addressed to %s", target.platform)
                continue
            here = origin if origin is not None and str(origin.chat.id) == target.chat_id else None
            if reply.private and target.is_group:
                direct = ChatRef(PLATFORM, event.sender.user_id)
                if await self._send_live(direct, reply) == "unreachable" and not noted:
                    noted = True
                    note = (PRIVATE_LINK_NOTE if reply.link else PRIVATE_NOTE).format(
                        name=event.sender.display_name or "Hi",
                        bot=self.bot_username,
                        link=reply.link,
                    )
                    await self._send_live(target, Reply(note), here, quote=quote)
                    quote = False
                continue
            if target.chat_id in skipped:
                continue
            outcome = await self._send_live(target, reply, here, quote=quote and here is not None)
            quote = quote and here is None
            if outcome == "unreachable":
                skipped.add(target.chat_id)

    async def _send_live(
        self, chat: ChatRef, reply: Reply, origin: Message | None = None, *, quote: bool = False
    ) -> str:
        """→ "sent", "unreachable" (reported through on_unreachable) or "failed"."""
        thread = (
            origin.message_thread_id if origin is not None and origin.is_topic_message else None
        )
        reply_to = origin.message_id if origin is not None and quote and chat.is_group else None
        try:
            await self._render(
                int(chat.chat_id), reply, retries=LIVE_RETRIES, thread=thread, reply_to=reply_to
            )
            return "sent"
        except Forbidden as exc:
            log.info("Telegram chat %s is unreachable: %s", chat.chat_id, exc.message)
            await self._unreachable(chat)
            return "unreachable"
        except BadRequest as exc:
            if is_chat_gone(exc):
                await self._unreachable(chat)
                return "unreachable"
            log.warning("Telegram refused a reply to %s: %s", chat.chat_id, exc.message)
        except TelegramError as exc:
            log.warning(
                "could not reply to %s (%s: %s)", chat.chat_id, type(exc).__name__, exc.message
            )
        except Exception:
            log.exception("could not reply to %s", chat.chat_id)
        return "failed"

    async def _unreachable(self, chat: ChatRef) -> None:
        if self.on_unreachable is None:
            return
        try:
            result = self.on_unreachable(chat)
            if inspect.isawaitable(result):
                await result
        except Exception:
            log.exception("on_unreachable failed for %s", chat.chat_id)

    # -- replies out (outbox) --------------------------------------------------------

    async def send(self, chat: ChatRef, reply: Reply) -> None:
        """The Platform protocol: deliver one proactive message, or raise RetryLater /
        Unreachable. Waits out 429s first (AIORateLimiter); network errors are the
        outbox's to retry."""
        if reply.private and chat.is_group:
            log.error("refusing to post a private message into group %s", chat.chat_id)
            return
        try:
            await self._render(int(chat.chat_id), reply, retries=0)
        except RetryAfter as exc:
            raise RetryLater(retry_seconds(exc), "Telegram rate limit") from exc
        except Forbidden as exc:
            raise Unreachable(exc.message) from exc
        except BadRequest as exc:
            if is_chat_gone(exc):
                raise Unreachable(exc.message) from exc
            raise
        except NetworkError as exc:  # includes TimedOut
            if maybe_delivered(exc):
                raise Unconfirmed("Telegram did not answer in time") from exc
            self._network_failures += 1
            after = min(60.0, 2.0 ** min(self._network_failures, 6))
            raise RetryLater(after, f"Telegram network error: {exc.message}") from exc
        self._network_failures = 0

    # -- rendering -------------------------------------------------------------------

    async def _render(
        self,
        chat_id: int,
        reply: Reply,
        *,
        retries: int,
        thread: int | None = None,
        reply_to: int | None = None,
    ) -> None:
        """One Reply → sendMessage (split), sendPhoto and/or sendDocument. Buttons go on the
        last message. A group upgraded to a supergroup is followed once."""
        try:
            await self._render_to(chat_id, reply, retries, thread, reply_to)
        except ChatMigrated as exc:
            log.info("Telegram group %s moved to %s", chat_id, exc.new_chat_id)
            await self._render_to(int(exc.new_chat_id), reply, retries, thread, None)

    async def _render_to(
        self, chat_id: int, reply: Reply, retries: int, thread: int | None, reply_to: int | None
    ) -> None:
        bot = self.app.bot
        markup = keyboard(reply)
        media: list[tuple[str, bytes, str]] = []
        if reply.image is not None:
            media.append(("photo", reply.image.data, reply.image.name or "image.png"))
        if reply.file is not None:
            media.append(("document", reply.file.data, reply.file.name or "file"))
        caption: str | None = None
        texts = split_text(reply.text)
        if media and len(texts) == 1 and utf16_len(texts[0]) <= MAX_CAPTION:
            caption, texts = texts[0], []
        first = True

        def replying() -> ReplyParameters | None:
            nonlocal first
            params = (
                ReplyParameters(reply_to, allow_sending_without_reply=True)
                if first and reply_to is not None
                else None
            )
            first = False
            return params

        for n, text in enumerate(texts):
            last = n == len(texts) - 1 and not media
            send_text = functools.partial(
                bot.send_message,
                chat_id,
                text,
                reply_markup=markup if last else None,
                link_preview_options=NO_PREVIEW,
                reply_parameters=replying(),
                message_thread_id=thread,
            )
            await self._call(send_text, retries=retries, idempotent=False)
        for n, (kind, data, name) in enumerate(media):
            last = n == len(media) - 1
            send_media = functools.partial(
                bot.send_photo if kind == "photo" else bot.send_document,
                chat_id,
                data,
                filename=name,
                caption=caption if n == 0 else None,
                reply_markup=markup if last else None,
                reply_parameters=replying(),
                message_thread_id=thread,
            )
            await self._call(send_media, retries=retries, idempotent=False)

    async def _call(
        self, make: Callable[[], Awaitable[T]], *, retries: int = 0, idempotent: bool = True
    ) -> T:
        """One Bot API call; `retries` network failures (and 429s that outlasted the rate
        limiter's own retries) are retried with backoff before giving up. A call that is
        not `idempotent` (a send) is not repeated after it may have been carried out."""
        delay = BACKOFF_START
        for attempt in range(retries + 1):
            try:
                return await make()
            except (BadRequest, Forbidden, ChatMigrated, InvalidToken):
                raise  # answers, not passing faults
            except RetryAfter as exc:
                wait = retry_seconds(exc)
                if attempt == retries or wait > MAX_LIVE_WAIT:
                    raise
                await asyncio.sleep(wait)
            except NetworkError as exc:
                if attempt == retries:
                    raise
                if not idempotent and maybe_delivered(exc):
                    log.warning("Telegram did not answer a send in time; not repeating it")
                    raise
                log.info("Telegram network error (%s); retrying in %.1f s", exc.message, delay)
                await asyncio.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")


async def _quietly(what: str, step: Awaitable[Any]) -> None:
    try:
        await step
    except Exception:
        log.warning("Telegram: %s failed", what, exc_info=True)
