"""Free text outside any question goes to the feature that fits it.

People write to a coach in sentences, not commands. `core.rules.intents` reads what a
message is; features register what to do with each kind (`Coach.on_free_text`): the
check-in offers to log the soreness it read, /pain triages a pain, the readiness check
offers itself, the knowledge base answers a question. When two readings are equally
likely, the coach asks with buttons instead of guessing; the text waits in the
conversation state, so the answer survives a restart like any other question's.
"""

from __future__ import annotations

from collections.abc import Callable

from core.engine.turn import CommandHandler, Replies, Turn
from core.events import Reply
from core.rules.intents import Intent, Reading, read_intent, unanswered

ROUTE = "route"
NO_HANDLER = "Send /help to see what I can do."
WHICH = "I can take that two ways — which would help?"
# What each reading offers when the coach asks which one was meant.
CHOICES: dict[Intent, str] = {
    Intent.CHECKIN: "Log it as today's check-in",
    Intent.QUESTION: "Tell me what it means",
    Intent.READY: "Check if I'm ready to train",
    Intent.PAIN: "Look at this pain",
    Intent.GREETING: "Show me what you can do",
}


class FreeText:
    """The features' handlers for each kind of free text, and the routing between them."""

    def __init__(self) -> None:
        self.handlers: dict[Intent, CommandHandler] = {}
        # Whether the knowledge base can answer a text (the FAQ registers it).
        self.answers: Callable[[str], bool] | None = None

    async def route(self, turn: Turn, text: str) -> Replies:
        reading = read_intent(text)
        if reading.or_else is not None and reading.or_else in self.handlers:
            return [self.which(turn, text, reading)]
        return await self.send(turn, self.intent(text, reading), text)

    def intent(self, text: str, reading: Reading) -> Intent:
        """What `text` is, read as `reading`: a question that greets or describes a sharp
        pain is asked of the knowledge base first, and when it cannot answer, it is the
        greeting or the pain instead (`unanswered`) — never "I'm not sure", whether typed
        on its own or in the middle of another question."""
        if (
            reading.intent is Intent.QUESTION
            and (reading.greets or reading.warns)
            and self.answers is not None
            and not self.answers(text)
        ):
            return unanswered(reading)
        return reading.intent

    async def send(self, turn: Turn, intent: Intent, text: str) -> Replies:
        """`text` to the handler for `intent`; the knowledge base's when no feature
        handles that kind."""
        handler = self.handlers.get(intent) or self.handlers.get(Intent.QUESTION)
        if handler is None:
            return [Reply(NO_HANDLER)]
        return await handler(turn, text)

    @staticmethod
    def which(turn: Turn, text: str, reading: Reading) -> Reply:
        options = [(CHOICES[i], i.value) for i in (reading.intent, reading.or_else) if i]
        return turn.ask(ROUTE, "which", WHICH, options, data={"text": text}, per_row=1)


class RouteFlow:
    """The "which did you mean?" question: a tap sends the waiting text where it was
    meant to go; typing something else instead is simply read afresh."""

    name = ROUTE

    def __init__(self, free_text: FreeText) -> None:
        self.free_text = free_text

    async def on_text(self, turn: Turn, text: str) -> Replies | None:
        turn.finish()
        return await self.free_text.route(turn, text)

    async def on_choice(self, turn: Turn, value: str) -> Replies | None:
        if value not in {i.value for i in Intent} or turn.convo is None:
            return None
        text = str(turn.convo.data.get("text", ""))
        turn.finish()
        return await self.free_text.send(turn, Intent(value), text)

    async def resume(self, turn: Turn) -> Replies:
        text = str(turn.convo.data.get("text", "")) if turn.convo is not None else ""
        return [self.free_text.which(turn, text, read_intent(text))]
