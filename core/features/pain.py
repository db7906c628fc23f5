"""Pain triage in the chat: `/pain <description>` classifies at once, `/pain` alone asks for a
description, and an unclear one gets at most two short follow-up questions with buttons.

The decisions are the pure functions in `core.rules.triage`; this module only asks, records and
replies. Every verdict is stored in `pain_reports` (the description cleaned and capped, and the
kind). Red flags win at every step, also when one turns up while answering a follow-up or during
another flow (`/ready` checks its free text with `classify_pain` too). Red-flag reports are
private: nothing here puts them into a reply meant for a group, and the command only works in a
private chat.

Flow "pain": step `describe` (free text) and step `follow` (buttons of one `FOLLOW_UPS`
question; the value is the option's index; typed words are added to the description too).
"""

from __future__ import annotations

from typing import Any

from core.engine.coach import Coach, Command
from core.engine.turn import Replies, Turn
from core.events import Button, Reply, rows
from core.rules.intents import Intent
from core.rules.triage import (
    FOLLOW_UPS,
    PainKind,
    Triage,
    append_answer,
    classify_pain,
    triage_advice,
)
from core.storage.pain_reports import cap_description, record_pain

FLOW = "pain"

# Which FOLLOW_UPS questions to ask, in order, when a description is unclear: what it feels like
# settles most descriptions on its own; where it is comes next. Never more than two.
FOLLOW_UP_ORDER: tuple[int, ...] = (0, 2)

DESCRIBE = (
    "Describe it in your own words: where it is, what it feels like (dull, sharp, burning, "
    "numb…) and when it started."
)


def red_flag_in(text: str) -> Triage | None:
    """The triage of `text` when it holds a red flag, else None: for free text typed in any flow,
    since a red flag wins wherever it is said."""
    triage = classify_pain(text)
    return triage if triage.kind is PainKind.RED_FLAG else None


def verdict_reply(triage: Triage) -> Reply:
    """The advice for a triage result, with a next step where one helps."""
    text = triage_advice(triage)
    buttons: tuple[tuple[Button, ...], ...] = ()
    if triage.kind in (PainKind.DOMS, PainKind.PUMP_BURN):
        buttons = rows(Button("Am I ready to train?", "cmd:ready"))
    elif triage.kind is PainKind.JOINT_TENDON:
        buttons = rows(Button("My program", "cmd:program"))
    return Reply(text, buttons)


async def give_verdict(turn: Turn, description: str, triage: Triage) -> Replies:
    """Store the verdict, end the pain questions, and reply with the advice."""
    await record_pain(turn.conn, turn.user.id, turn.now, description, str(triage.kind))
    if turn.convo is not None and turn.convo.flow == FLOW:
        turn.finish()
    return [verdict_reply(triage)]


def _data(turn: Turn) -> dict[str, Any]:
    if turn.convo is not None and turn.convo.flow == FLOW:
        return turn.convo.data
    return {}


def follow_up_question(turn: Turn, description: str, asked: int) -> Reply:
    """Ask the `asked`-th follow-up (0-based) of FOLLOW_UP_ORDER about `description`."""
    question = FOLLOW_UPS[FOLLOW_UP_ORDER[asked]]
    lead = "I need a bit more to go on. " if asked == 0 else "One more: "
    options = [(label, str(i)) for i, (label, _phrase) in enumerate(question.options)]
    return turn.ask(
        FLOW,
        "follow",
        f"{lead}{question.question} Tap one, or type it in your own words.",
        options,
        data={"desc": description, "asked": asked},
        per_row=1,
    )


async def assess(turn: Turn, description: str, *, asked: int) -> Replies:
    """Classify `description`; if unclear and follow-ups are left, ask the next one.
    `asked` counts the follow-ups already answered."""
    triage = classify_pain(description)
    if triage.kind is PainKind.UNCLEAR and asked < len(FOLLOW_UP_ORDER):
        return [follow_up_question(turn, description, asked)]
    return await give_verdict(turn, description, triage)


class Pain:
    def install(self, coach: Coach) -> None:
        coach.command(
            Command("pain", "Describe a pain and I'll say what it likely is", self.command)
        )
        coach.flow(PainFlow(), reads_pain=True)
        # A pain described in plain words gets exactly what /pain <description> gives.
        coach.on_free_text(Intent.PAIN, self.command)

    async def command(self, turn: Turn, args: str) -> Replies:
        description = cap_description(args)
        if not description:
            return [turn.ask(FLOW, "describe", DESCRIBE, data={})]
        if turn.convo is not None and turn.convo.flow == FLOW:
            turn.finish()  # a new description replaces any half-answered one
        return await assess(turn, description, asked=0)


class PainFlow:
    name = FLOW

    async def on_text(self, turn: Turn, text: str) -> Replies | None:
        data = _data(turn)
        step = turn.convo.step if turn.convo is not None else "describe"
        if step == "describe":
            return await assess(turn, cap_description(text), asked=0)
        description = append_answer(str(data.get("desc", "")), text)
        flag = red_flag_in(text)
        if flag is not None:
            return await give_verdict(turn, description, flag)
        return await assess(turn, description, asked=int(data.get("asked", 0)) + 1)

    async def on_choice(self, turn: Turn, value: str) -> Replies | None:
        data = _data(turn)
        if turn.convo is None or turn.convo.step != "follow" or not value.isdigit():
            return None
        asked = int(data.get("asked", 0))
        if not 0 <= asked < len(FOLLOW_UP_ORDER):
            return None
        options = FOLLOW_UPS[FOLLOW_UP_ORDER[asked]].options
        if not 0 <= int(value) < len(options):
            return None
        phrase = options[int(value)][1]
        description = append_answer(str(data.get("desc", "")), phrase)
        return await assess(turn, description, asked=asked + 1)

    async def resume(self, turn: Turn) -> Replies:
        data = _data(turn)
        if turn.convo is not None and turn.convo.step == "follow":
            asked = int(data.get("asked", 0))
            if 0 <= asked < len(FOLLOW_UP_ORDER):
                return [follow_up_question(turn, str(data.get("desc", "")), asked)]
        return [turn.ask(FLOW, "describe", DESCRIBE, data={})]
