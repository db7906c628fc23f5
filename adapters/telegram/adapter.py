"""TelegramAdapter: one bot's lifecycle (start, stop, polling or the webhook) and its updates
in, each turned into a core Event for the coach; what the coach answers goes out through
`TelegramSender`, which this class hands every reply to.

Updates of one chat are handled one at a time, in arrival order, so a second tap cannot
overtake the first; other chats run alongside.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import weakref
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import CallbackQuery, Chat, ChatMemberUpdated, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import Conflict, InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ContextTypes, TypeHandler

from adapters.telegram.commands import command_target, menus, needs_admin_check
from adapters.telegram.config import (
    ALLOWED_UPDATES,
    PLATFORM,
    TelegramConfig,
    api_urls,
    webhook_secret_for,
)
from adapters.telegram.errors import SkipMalformedUpdates, call
from adapters.telegram.pacing import QuietRateLimiter
from adapters.telegram.redact import RedactSecrets
from adapters.telegram.rendering import MAX_ALERT, press_notice, utf16_len
from adapters.telegram.sending import TelegramSender, fits_in_place
from adapters.telegram.webhook import Route, WebhookServer
from core.engine.payloads import UNREADABLE, owner_tag, parse_question_payload
from core.events import ChatRef, Event, MenuCommand, Reply, Sender, handling

log = logging.getLogger("adapters.telegram")  # one logger for the whole adapter

GROUP_TYPES = frozenset({ChatType.GROUP, ChatType.SUPERGROUP})
ADMIN_STATUSES = frozenset({ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER})
GONE_STATUSES = frozenset({ChatMemberStatus.BANNED, ChatMemberStatus.LEFT})
START_ATTEMPTS = 5

ANONYMOUS_NOTE = (
    "I can't tell who you are while you post as the group. Turn off “Remain anonymous” in "
    "your admin rights, or message me directly."
)

Handler = Callable[[Event], Awaitable[list[Reply]]]
UnreachableCallback = Callable[[ChatRef], Awaitable[None] | None]


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
        routes: Sequence[Route] = (),
    ) -> None:
        """`routes`: more GET paths for the webhook server to serve (health and metrics),
        so a load balancer checks the same port it sends updates to."""
        self.config = config
        self.handle = handle
        self.commands = list(commands)
        self.on_unreachable = on_unreachable
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
        # Attached before the Application is built: building it logs the Bot API URL.
        self._redact = RedactSecrets(config.token, webhook_secret_for(config))
        self._redact.attach()
        base_url, base_file_url = api_urls(config.api_base_url)
        builder = (
            Application.builder()
            .token(config.token)
            .base_url(base_url)
            .base_file_url(base_file_url)
            .rate_limiter(QuietRateLimiter(max_retries=config.rate_limit_retries))
            .read_timeout(config.read_timeout)
            .concurrent_updates(max(1, config.concurrent_updates))
        )
        if config.webhook_url:
            builder = builder.updater(None)
        else:
            builder = builder.get_updates_request(SkipMalformedUpdates(connection_pool_size=1))
        self.app: Application[Any, Any, Any, Any, Any, Any] = builder.build()
        self.app.add_handler(TypeHandler(Update, self._on_update))
        self.app.add_error_handler(self._on_error)
        self._sender = TelegramSender(self.app.bot, self._unreachable)
        self._webhook = WebhookServer(self.app, config, routes) if config.webhook_url else None

    @property
    def bot_username(self) -> str:
        return str(self.app.bot.username)

    @property
    def connected(self) -> bool:
        """Receiving updates: the Application runs, and so does polling or the webhook."""
        if not self.app.running:
            return False
        if self._webhook is not None:
            return self._webhook.address is not None
        return self.app.updater is not None and self.app.updater.running

    @property
    def webhook_address(self) -> tuple[str, int] | None:
        """Where the webhook server listens, once it does; None when polling."""
        return self._webhook.address if self._webhook is not None else None

    async def send(self, chat: ChatRef, reply: Reply) -> None:
        """The Platform protocol: deliver one proactive message, or raise RetryLater /
        Unreachable (see `TelegramSender.send`)."""
        await self._sender.send(chat, reply)

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
        if self._webhook is not None:
            await self._webhook.start()
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
        if self._webhook is not None:
            await _quietly("stopping the webhook server", self._webhook.stop())
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
        for scope, entries in menus(self.commands):
            try:
                await call(functools.partial(self.app.bot.set_my_commands, entries, scope))
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

    # -- updates in ------------------------------------------------------------------

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        lock = self._locks.setdefault(chat.id if chat else 0, asyncio.Lock())
        # Every line logged from here on, by the coach, PTB or httpx, names the update.
        with handling(str(update.update_id)):
            await self._in_order(update, lock)

    async def _in_order(self, update: Update, lock: asyncio.Lock) -> None:
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
                await self._sender.send_live(ref, Reply(ANONYMOUS_NOTE), message, quote=True)
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
        await self._sender.deliver(event, replies, message, quote=True)

    def _for_me(self, message: Message, text: str | None) -> bool:
        """In a group: a command (for this bot, if it names one) or a reply to this bot."""
        if text and text.startswith("/"):
            target = command_target(text)
            return target is None or target.lower() == self.bot_username.lower()
        replied = message.reply_to_message
        author = replied.from_user if replied is not None else None
        return author is not None and author.id == self.app.bot.id

    async def _on_press(self, update: Update, query: CallbackQuery) -> None:
        """A button press. The button's spinner runs until the coach has answered, so that
        a press that did nothing (an expired or stale button) is told so right on it
        (the replies' `notice`); the replies themselves follow as messages."""
        user = query.from_user
        origin = query.message
        if origin is None:  # on an inline-mode message: none of the coach's
            await self._answer(query)
            return
        payload = query.data or UNREADABLE
        chat = origin.chat
        is_group = chat.type in GROUP_TYPES
        question = parse_question_payload(payload)
        foreign = question is not None and question.owner != owner_tag(PLATFORM, str(user.id))
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
        try:
            replies = await self.handle(event)
        except Exception:
            await self._answer(query)  # the spinner stops, whatever happened
            raise
        message = origin if isinstance(origin, Message) else None
        sender = self._sender
        if foreign:
            # Someone pressed another user's question: tell only them, leave the message be.
            note = "\n".join(r.text for r in replies)
            quiet = all(not (r.buttons or r.image or r.file) for r in replies)
            if replies and quiet and utf16_len(note) <= MAX_ALERT:
                await self._answer(query, note, alert=True)
                return
            await self._answer(query)
            await sender.deliver(event, replies, message, quote=False)
            return
        await self._answer(query, press_notice(replies))
        if not replies:
            return  # a delivery we had handled already
        if message is not None:
            if question is not None and fits_in_place(event, replies[0], message):
                if await sender.replace(message, replies[0]):
                    replies = replies[1:]
                else:
                    await sender.drop_keyboard(message)
            elif question is not None or not is_group:
                await sender.drop_keyboard(message)
        await sender.deliver(event, replies, message, quote=False)

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
            member = await call(lambda: self.app.bot.get_chat_member(chat.id, user_id))
        except TelegramError as exc:
            log.warning("could not check admin rights in %s: %s", chat.id, exc.message)
            return False
        return member.status in ADMIN_STATUSES

    async def _answer(self, query: CallbackQuery, text: str = "", *, alert: bool = False) -> None:
        """Stop the button's spinner, with `text` as a passing notice (or, with `alert`, a
        box to dismiss) when there is something to say about the press itself."""
        try:
            await self.app.bot.answer_callback_query(query.id, text=text or None, show_alert=alert)
        except TelegramError as exc:  # too old, or answered already
            log.debug("could not answer a button press: %s", exc.message)

    async def _unreachable(self, chat: ChatRef) -> None:
        if self.on_unreachable is None:
            return
        try:
            result = self.on_unreachable(chat)
            if inspect.isawaitable(result):
                await result
        except Exception:
            log.exception("on_unreachable failed for %s", chat.chat_id)


async def _quietly(what: str, step: Awaitable[Any]) -> None:
    try:
        await step
    except Exception:
        log.warning("Telegram: %s failed", what, exc_info=True)
