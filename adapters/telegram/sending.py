"""Replies out: the coach's replies to an update (live) and the outbox's proactive sends.

The two differ in who rides out failures. A live reply is retried here, briefly, since
the user is waiting and nothing else will; a proactive send is tried once and its failure
mapped to what the outbox understands (RetryLater, Unreachable, Unconfirmed), as the
outbox holds the whole queue and paces it. Either way a send that may have arrived is
never repeated.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Sequence

from telegram import Bot, Message, ReplyParameters
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from adapters.telegram.config import PLATFORM
from adapters.telegram.errors import (
    LIVE_RETRIES,
    call,
    is_chat_gone,
    maybe_delivered,
    retry_seconds,
)
from adapters.telegram.rendering import (
    MAX_CAPTION,
    MAX_TEXT,
    NO_PREVIEW,
    keyboard,
    split_text,
    utf16_len,
)
from core.delivery.platform import RetryLater, Unconfirmed, Unreachable
from core.events import ChatRef, Event, Reply

log = logging.getLogger("adapters.telegram")  # one logger for the whole adapter

PRIVATE_NOTE = (
    "{name}, I have an answer for you that I only share in a private chat. Open a chat "
    "with me (@{bot}), press Start, then try again."
)
# When the reply can be redone from a deep link, pressing Start is all it takes.
PRIVATE_LINK_NOTE = (
    "{name}, the rest is for your eyes only: open https://t.me/{bot}?start={link} and "
    "press Start to finish in our private chat."
)


def fits_in_place(event: Event, reply: Reply, message: Message) -> bool:
    """Whether `reply` can replace the text of `message` by an edit: text only, for the
    same chat, within one message."""
    return (
        message.text is not None
        and reply.image is None
        and reply.file is None
        and not (reply.private and event.chat.is_group)
        and (reply.chat is None or reply.chat == event.chat)
        and bool(reply.text.strip())
        and utf16_len(reply.text) <= MAX_TEXT
    )


class TelegramSender:
    """Sends and edits messages for one bot. A chat found unreachable while replying is
    reported through `report_unreachable`; the outbox's sends only raise, as the outbox marks
    users itself."""

    def __init__(self, bot: Bot, report_unreachable: Callable[[ChatRef], Awaitable[None]]) -> None:
        self.bot = bot
        self.report_unreachable = report_unreachable
        self._network_failures = 0

    # -- replies out (live) ----------------------------------------------------------

    async def replace(self, message: Message, reply: Reply) -> bool:
        """Edit `message` into `reply`; False when Telegram would not have it."""
        try:
            await call(
                lambda: self.bot.edit_message_text(
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

    async def drop_keyboard(self, message: Message) -> None:
        if message.reply_markup is None:
            return
        try:
            await call(
                lambda: self.bot.edit_message_reply_markup(
                    chat_id=message.chat.id, message_id=message.message_id, reply_markup=None
                ),
                retries=LIVE_RETRIES,
            )
        except TelegramError as exc:
            log.debug("could not remove a keyboard: %s", exc.message)

    async def deliver(
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
                if await self.send_live(direct, reply) == "unreachable" and not noted:
                    noted = True
                    note = (PRIVATE_LINK_NOTE if reply.link else PRIVATE_NOTE).format(
                        name=event.sender.display_name or "Hi",
                        bot=str(self.bot.username),
                        link=reply.link,
                    )
                    await self.send_live(target, Reply(note), here, quote=quote)
                    quote = False
                continue
            if target.chat_id in skipped:
                continue
            outcome = await self.send_live(target, reply, here, quote=quote and here is not None)
            quote = quote and here is None
            if outcome == "unreachable":
                skipped.add(target.chat_id)

    async def send_live(
        self, chat: ChatRef, reply: Reply, origin: Message | None = None, *, quote: bool = False
    ) -> str:
        """→ "sent", "unreachable" (reported through report_unreachable) or "failed"."""
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
            await self.report_unreachable(chat)
            return "unreachable"
        except BadRequest as exc:
            if is_chat_gone(exc):
                log.info("Telegram chat %s is gone: %s", chat.chat_id, exc.message)
                await self.report_unreachable(chat)
                return "unreachable"
            log.warning("Telegram refused a reply to %s: %s", chat.chat_id, exc.message)
        except TelegramError as exc:
            log.warning(
                "could not reply to %s (%s: %s)", chat.chat_id, type(exc).__name__, exc.message
            )
        except Exception:
            log.exception("could not reply to %s", chat.chat_id)
        return "failed"

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
            raise RetryLater(retry_seconds(exc), "Telegram rate limit", rate_limited=True) from exc
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
        bot = self.bot
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
            await call(send_text, retries=retries, idempotent=False)
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
            await call(send_media, retries=retries, idempotent=False)
