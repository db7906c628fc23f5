"""The coach: one event in, the replies out, state stored in the same transaction.

Features (check-in, readiness, FAQ, …) register commands, flows, button handlers and
free-text handlers on the coach; `handle` routes an event to them. Routing order matters
for users: a command always works, even mid-conversation; a button press goes to the
question it belongs to (or is explained if stale or forged); plain text answers the
question the user is on — unless it names a medical red flag, which is triaged first —
else, in a private chat, goes to the feature that fits it (`core.engine.free_text`).

How to write a feature (commands, flows, buttons, storage, tests): docs/ARCHITECTURE.md.
"""

from __future__ import annotations

import difflib
import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cached_property, partial
from typing import Protocol, runtime_checkable

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from core.engine.flood import FloodControl
from core.engine.free_text import FreeText, RouteFlow
from core.engine.payloads import parse_question_payload
from core.engine.ticks import DEFAULT_GRACE, DueWork, TickResult, run_tick
from core.engine.turn import CommandHandler, Flow, Replies, Turn
from core.events import Button, Event, Reply, handling
from core.metrics import NO_METRICS, Metrics
from core.rules.intents import Intent, read_intent
from core.rules.text import MAX_TEXT, clean_text, parse_command
from core.rules.triage import is_red_flag
from core.storage.conversations import open_turn, save_conversation
from core.storage.db import Database, is_transient
from core.storage.group_commit import GroupCommit
from core.storage.users import UserRecord, ensure_chat, set_user_fields

log = logging.getLogger(__name__)

# Typed as a whole message, these do what /cancel does: end the question, if any.
_STOP = re.compile(r"(stop|cancel|quit|exit|abort|never ?mind|forget it)[.!]*")
ButtonHandler = Callable[[Turn, str], Awaitable[Replies]]
Buttons = tuple[tuple[Button, ...], ...]
# What a user can do now, as buttons for the chat of `turn` (`Coach.offer_next_steps`).
NextSteps = Callable[[Turn], Buttons]

TOO_LONG = (
    f"That message is too long for me — I read up to {MAX_TEXT:,} characters at a time. "
    "Could you send a shorter version?"
)
# A too-long message naming a red flag is answered from the part that fits, and says so.
READ_PART = (
    f"That message was long, so I read only its first {MAX_TEXT:,} characters; send the "
    "rest separately if there's more."
)
EMPTY = "I didn't catch any text there. Type a question, or /help to see what I can do."
DB_BUSY = (
    "I couldn't save that just now — my storage is busy. Nothing was half-saved; "
    "please send it again in a moment."
)
NOT_AN_ANSWER = Reply("Sorry, that isn't one of the answers I can take here.")
FOREIGN_BUTTON = "That button belongs to someone else's question — start your own with /help."
# A button this version has no handler for: an older message's, or a forged one.
EXPIRED = "This button has expired — it's from an older message."
EXPIRED_NOTICE = "This button has expired."
# A button of a question the user has moved on from (or that was never theirs to answer).
STALE = "That button is from an earlier question, so I've left it alone."
STALE_NOTICE = "That button is from an earlier question."
NOW = " Here's what you can do now:"
NO_STEPS = " Send /help to see what I can do."
INTERNAL = (
    "Sorry, I tripped over that one. Nothing you had recorded was lost — "
    "please try again, or send /help."
)


async def welcome_back_if_unreachable(conn: AsyncConnection, user: UserRecord) -> Reply | None:
    """Messages to this user had failed (blocked bot, closed DMs): they are back, so say
    once why reminders stopped and how to restart them."""
    if not user.unreachable:
        return None
    await set_user_fields(conn, user, unreachable=False, paused=True)
    return Reply(
        "Welcome back! My reminders couldn't reach you for a while, so I paused them. "
        "Send /resume to turn them back on."
    )


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    summary: str
    handler: CommandHandler
    in_groups: bool = False
    in_private: bool = True


class Feature(Protocol):
    def install(self, coach: Coach) -> None: ...


@runtime_checkable
class WarmsUp(Protocol):
    def warm_up(self) -> None: ...


class Coach:
    def __init__(
        self,
        db: Database,
        *,
        default_tz: str = "UTC",
        flood: FloodControl | None = None,
        metrics: Metrics = NO_METRICS,
    ) -> None:
        self.db = db
        self.default_tz = default_tz
        self.metrics = metrics
        # When the last scheduler tick finished (monotonic seconds): /readyz checks it.
        self.last_tick: float | None = None
        # None: no flood control (the local console, tests); `coach run` sets one when
        # Telegram or Discord is configured.
        self.flood = flood
        self.commands: dict[str, Command] = {}
        self.flows: dict[str, Flow] = {}
        self.buttons: dict[str, ButtonHandler] = {}
        self.links: dict[str, ButtonHandler] = {}
        self.free_text = FreeText()
        self._reads_pain: set[str] = set()
        self.due: list[DueWork] = []
        self._warm_ups: list[WarmsUp] = []
        self._next_steps: NextSteps | None = None
        self.flow(RouteFlow(self.free_text))

    # -- registration ---------------------------------------------------------------

    def install(self, features: Iterable[Feature]) -> Coach:
        for feature in features:
            feature.install(self)
            if isinstance(feature, WarmsUp):
                self._warm_ups.append(feature)
        return self

    def warm_up(self) -> None:
        """Build now what features otherwise build on first use (the FAQ matcher takes
        about a second), so that a long-running process's first user doesn't wait."""
        for feature in self._warm_ups:
            feature.warm_up()

    def command(self, command: Command) -> None:
        self.commands[command.name] = command

    def flow(self, flow: Flow, *, reads_pain: bool = False) -> None:
        """`reads_pain`: the flow reads a pain described at any of its steps itself (and
        decides whether to carry on); for every other flow the coach triages a red flag
        typed mid-question, then asks the question again."""
        self.flows[flow.name] = flow
        if reads_pain:
            self._reads_pain.add(flow.name)

    def on_free_text(
        self,
        intent: Intent,
        handler: CommandHandler,
        *,
        answers: Callable[[str], bool] | None = None,
    ) -> None:
        """Handle plain text read as `intent` (`core.rules.intents`) outside any question.
        `answers`, for questions: whether the handler can answer a text — one it cannot,
        said with a hello and asking nothing, goes to the greeting instead."""
        self.free_text.handlers[intent] = handler
        if answers is not None:
            self.free_text.answers = answers

    def button(self, prefix: str, handler: ButtonHandler) -> None:
        self.buttons[prefix] = handler

    def due_work(self, work: DueWork) -> None:
        """Queue `work` on every scheduler tick (see `core.engine.ticks`)."""
        self.due.append(work)

    def offer_next_steps(self, steps: NextSteps) -> None:
        """What a user can do now, as buttons (Basics registers the main actions): offered
        wherever a press leads nowhere any more, so that it never ends in a dead end."""
        self._next_steps = steps

    def link(self, prefix: str, handler: ButtonHandler) -> None:
        """Handle `/start <prefix>-<arg>`: what a deep link into the private chat sends
        (see `Reply.link`)."""
        self.links[prefix] = handler

    # -- handling -------------------------------------------------------------------

    async def tick(
        self, now: datetime | None = None, *, grace: timedelta = DEFAULT_GRACE
    ) -> TickResult:
        """Queue everything due at `now` (default: the current time): one scheduler tick."""
        result = await run_tick(self.db, self.due, now, grace=grace)
        self.metrics.reminders_ticked(result.queued, result.skipped_late)
        self.last_tick = time.monotonic()
        return result

    @cached_property
    def group(self) -> GroupCommit:
        return GroupCommit(self.db, lanes=self.db.parallel)

    async def handle(self, event: Event) -> list[Reply]:
        began = time.perf_counter()
        with handling(event.update_id):
            replies = await self._handle(event)
        kind = "button" if event.payload is not None else "text"
        if kind == "text" and (event.text or "").startswith("/"):
            kind = "command"
        self.metrics.event_handled(kind, event.sender.platform, time.perf_counter() - began)
        return replies

    async def _handle(self, event: Event) -> list[Reply]:
        if self.flood is not None:
            # Before any database work: a flood costs the others nothing.
            refused = self.flood.check(event)
            if refused is not None:
                self.metrics.flood_dropped("group" if event.chat.is_group else "private")
                return [Reply(refused.notice)] if refused.notice else []
        text = clean_text(event.text or "")
        note: list[Reply] = []
        if event.payload is not None:
            # A forged payload's argument may be quoted back ("I don't know the time zone
            # …"): it gets the same cleaning as typed text.
            event = replace(event, payload=clean_text(event.payload))
        elif len(event.text or "") > MAX_TEXT:
            # Too long to read whole; but a red flag wins over everything, length too.
            text = text[:MAX_TEXT]
            if not is_red_flag(text):
                return [Reply(TOO_LONG)]
            note = [Reply(READ_PART)]
        elif not text:
            return [Reply(EMPTY)]
        try:
            try:
                return [*await self._apply(event, text), *note]
            except DBAPIError as exc:
                if not is_transient(exc):
                    raise
                log.info("transient database error, handling the event again: %s", exc)
                self.metrics.database_retried()
                return [*await self._apply(event, text), *note]
        except DBAPIError:
            log.warning("database unavailable while handling an event", exc_info=True)
            self.metrics.database_retried()
            return [Reply(DB_BUSY)]
        except Exception:
            log.exception("unhandled error while handling an event")
            return [Reply(INTERNAL)]

    async def _apply(self, event: Event, text: str) -> list[Reply]:
        """The event's whole effect, in one transaction (shared with events handled at
        the same moment, see `GroupCommit`): nothing of it is stored unless all of it
        is, so running it again after a failure is safe."""
        key = f"{event.sender.platform}:{event.sender.user_id}"
        return await self.group.run(key, partial(self._unit, event, text))

    async def _unit(self, event: Event, text: str, conn: AsyncConnection) -> list[Reply]:
        # Run by whichever task commits the group (`GroupCommit`), not the event's own:
        # the event's id is set again here, so its lines stay tied to it.
        with handling(event.update_id):
            return await self._turn(event, text, conn)

    async def _turn(self, event: Event, text: str, conn: AsyncConnection) -> list[Reply]:
        opened = await open_turn(conn, event.sender, event.update_id)
        if opened is None:
            return []  # delivered twice: the first delivery was answered
        user, convo = opened
        if event.chat.is_group:
            await ensure_chat(conn, event.chat)
        turn = Turn(event, conn, user, convo, self.default_tz)
        notice = await welcome_back_if_unreachable(conn, user)
        replies = await self._route(turn, text)
        if notice is not None:
            replies.insert(0, notice)
        if turn.changed and not turn.forgotten:
            await save_conversation(conn, user.id, turn.convo)
        return replies

    def expired_button(self, turn: Turn) -> Reply:
        """The answer to a button no handler takes (an older version's, or a forged one):
        said where it was pressed, and what the user can do now."""
        return self._dead_end(turn, EXPIRED, EXPIRED_NOTICE)

    def _dead_end(self, turn: Turn, text: str, notice: str) -> Reply:
        steps = self._next_steps(turn) if self._next_steps is not None else ()
        return Reply(text + (NOW if steps else NO_STEPS), steps, notice=notice)

    async def run_command(self, turn: Turn, name: str, args: str) -> Replies:
        command = self.commands.get(name)
        if command is None:
            return [Reply(self._unknown_command_text(name))]
        if turn.event.chat.is_group and not command.in_groups:
            return [Reply(f"/{name} works in a private chat with me — message me directly.")]
        if not turn.event.chat.is_group and not command.in_private:
            return [Reply(f"/{name} is for group chats; add me to your group to use it.")]
        return await command.handler(turn, args)

    async def _route(self, turn: Turn, text: str) -> Replies:
        payload = turn.event.payload
        if payload is not None:
            return await self._route_button(turn, payload)
        parsed = parse_command(text)
        if parsed is not None:
            return await self.run_command(turn, *parsed)
        if text.startswith("/"):  # a lone "/": meant as a command, naming none
            return [Reply("That isn't a command I can read. Send /help to see what I can do.")]
        if _STOP.fullmatch(text.strip().lower()) and "cancel" in self.commands:
            return await self.run_command(turn, "cancel", "")  # "stop", "never mind"
        if turn.convo is not None and turn.convo.flow in self.flows:
            flow = self.flows[turn.convo.flow]
            if flow.name not in self._reads_pain and is_red_flag(text):
                # Red flags win over any question: the warning first, then the question.
                advice = await self.free_text.send(turn, Intent.PAIN, text)
                return [*advice, *await flow.resume(turn)]
            replies = await flow.on_text(turn, text)
            if replies is not None:
                return replies
            return await self._aside(turn, flow, text)
        if turn.event.chat.is_group:
            return []  # adapters pass on only commands and replies to the bot in groups
        return await self.free_text.route(turn, text)

    async def _aside(self, turn: Turn, flow: Flow, text: str) -> Replies:
        """Text that does not answer the question the user is on: answered for what it
        is (a pain, a greeting, a question…), then the question asked again — unless
        answering it asked a question of its own."""
        reading = read_intent(text)
        intent = self.free_text.intent(text, reading)
        if intent is Intent.QUESTION and not reading.asks:
            return [NOT_AN_ANSWER, *await flow.resume(turn)]
        asked = turn.convo.seq if turn.convo is not None else None
        replies = await self.free_text.send(turn, intent, text)
        if turn.convo is not None and turn.convo.seq == asked:
            replies += await flow.resume(turn)
        return replies

    async def _route_button(self, turn: Turn, payload: str) -> Replies:
        press = parse_question_payload(payload)
        if press is not None:
            if press.owner != turn.owner:
                return [Reply(FOREIGN_BUTTON)]
            convo = turn.convo
            if convo is None or convo.seq != press.seq or convo.flow not in self.flows:
                if convo is not None and convo.flow in self.flows:
                    stale = Reply(STALE, notice=STALE_NOTICE)
                    return [stale, *await self.flows[convo.flow].resume(turn)]
                return [self._dead_end(turn, STALE, STALE_NOTICE)]
            flow = self.flows[convo.flow]
            replies = await flow.on_choice(turn, press.value)
            if replies is not None:
                return replies
            return [Reply("That option doesn't fit this question."), *await flow.resume(turn)]
        prefix, _, arg = payload.partition(":")
        handler = self.buttons.get(prefix)
        if handler is None:
            return [self.expired_button(turn)]
        return await handler(turn, arg)

    def _unknown_command_text(self, name: str) -> str:
        close = difflib.get_close_matches(name, list(self.commands), n=1, cutoff=0.6)
        hint = f" Did you mean /{close[0]}?" if close else ""
        shown = name if len(name) <= 32 else name[:32] + "…"
        return f"I don't know the command /{shown}.{hint} Send /help to see what I can do."
