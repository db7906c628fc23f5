"""/ask, /faq and questions typed in plain words: answer from the knowledge base, or say
honestly that the coach is not sure and offer the closest topics."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.engine.coach import Coach, Command
from core.engine.turn import Replies, Turn
from core.events import Button, Reply, rows
from core.features.faq.knowledge import RED_FLAGS, Entry, knowledge
from core.rules.intents import Intent

if TYPE_CHECKING:
    from core.features.faq.matcher import Match, Matcher

NOT_SURE = (
    "I'm not sure I can answer that well — I stick to what I know about muscle soreness, "
    "recovery, warming up, pain and training programs."
)


class Faq:
    def __init__(self, matcher: Matcher | None = None) -> None:
        self._matcher = matcher
        self._last: tuple[str, Match] | None = None

    @property
    def matcher(self) -> Matcher:
        # Built on first question (or by `Coach.warm_up`), not at start-up: keeps
        # `coach chat` quick to open.
        if self._matcher is None:
            from core.features.faq.matcher import Matcher

            self._matcher = Matcher(knowledge())
        return self._matcher

    def warm_up(self) -> None:
        _ = self.matcher

    def install(self, coach: Coach) -> None:
        coach.command(Command("ask", "Ask a question about soreness or training", self.ask))
        coach.command(Command("faq", "Browse topics", self.topics))
        coach.flow(AskFlow(self))
        coach.button("faq", self.press_topic)
        coach.button("more", self.press_more)
        coach.on_free_text(Intent.QUESTION, self.answer_text, answers=self.can_answer)

    async def ask(self, turn: Turn, args: str) -> Replies:
        if args:
            return self.answer(args)
        return [
            turn.ask("ask", "question", "What would you like to know? Type your question.", data={})
        ]

    async def answer_text(self, turn: Turn, text: str) -> Replies:
        return self.answer(text)

    def match(self, question: str) -> Match:
        """The matcher's reading, kept for the last question: routing asks whether a text
        that greets or describes a sharp pain can be answered, and the answer then needs
        the same match."""
        if self._last is None or self._last[0] != question:
            self._last = (question, self.matcher.match(question))
        return self._last[1]

    def can_answer(self, question: str) -> bool:
        return self.match(question).key is not None

    def answer(self, question: str) -> Replies:
        found = self.match(question)
        if found.key is not None:
            # The matcher's second choice leads the related topics: where the article puts
            # a question between two topics, the other reading is one tap away.
            runner_up = found.candidates[1] if len(found.candidates) > 1 else None
            return [answer_reply(knowledge()[found.key], runner_up)]
        kb = knowledge()
        options = [Button(kb[k].title, f"faq:{k}") for k in found.candidates[:3]]
        options.append(Button("All topics", "cmd:faq"))
        if found.outside:
            suffix = " That one is outside what I cover, so I won't guess."
        elif found.candidates:
            suffix = " Did you mean one of these?"
        else:
            suffix = " Try rephrasing, or pick a topic."
        return [Reply(NOT_SURE + suffix, rows(*options, per_row=1))]

    async def topics(self, turn: Turn, args: str) -> Replies:
        if args:
            return self.answer(args)
        kb = knowledge()
        buttons = [Button(e.title, f"faq:{e.key}") for e in kb.entries.values()]
        return [Reply("Pick a topic:", rows(*buttons, per_row=2))]

    async def press_topic(self, turn: Turn, key: str) -> Replies:
        kb = knowledge()
        if key not in kb:
            return [Reply("That topic isn't one I have any more. Send /faq for the list.")]
        return [answer_reply(kb[key])]

    async def press_more(self, turn: Turn, key: str) -> Replies:
        kb = knowledge()
        if key not in kb:
            return [Reply("That topic isn't one I have any more. Send /faq for the list.")]
        entry = kb[key]
        return [Reply(entry.more or entry.answer, _related(entry))]


def answer_reply(entry: Entry, runner_up: str | None = None) -> Reply:
    buttons: list[Button] = []
    if entry.more:
        buttons.append(Button("Tell me more", f"more:{entry.key}"))
    body = f"{entry.title}\n\n{entry.answer}"
    if entry.key == RED_FLAGS:
        return Reply(body, rows(*buttons, per_row=1))
    return Reply(body, rows(*buttons, per_row=1) + _related(entry, runner_up))


def _related(entry: Entry, first: str | None = None) -> tuple[tuple[Button, ...], ...]:
    """Three related topics as buttons, `first` (if any) leading."""
    kb = knowledge()
    keys = dict.fromkeys(k for k in (first, *entry.related) if k and k != entry.key)
    return rows(*(Button(kb[k].title, f"faq:{k}") for k in list(keys)[:3]), per_row=1)


class AskFlow:
    name = "ask"

    def __init__(self, faq: Faq) -> None:
        self.faq = faq

    async def on_text(self, turn: Turn, text: str) -> Replies | None:
        turn.finish()
        return self.faq.answer(text)

    async def on_choice(self, turn: Turn, value: str) -> Replies | None:
        return None

    async def resume(self, turn: Turn) -> Replies:
        return [turn.ask("ask", "question", "What would you like to know? Type your question.")]
