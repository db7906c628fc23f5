"""'Am I ready?' in the gym: `/ready` walks through last session's soreness, the warm-up and one
working set, and gives the verdict from `core.rules.readiness`.

Flow "ready", steps:
  `last`   — how the soreness from the muscles' last session went (four buttons, typed accepted);
  `warmup` — only when a warm-up note applies (still sore, healed just on time): the advice,
             then "any sharp pain?" (No / Yes, sharp pain);
  `set`    — one working set compared with last time: Stronger / About the same / Weaker.
Answers so far live in the conversation data (`last`), so a restart continues at the same step.
Each finished check, and a stop for sharp pain, is one row in `readiness_checks`; the earlier
rows' set results (most recent first) feed the verdict ("weaker two sessions running") and the
note at the start of the next check ("last time you were weaker").

Free text at any step is checked for red flags first (they win over everything: the pain
verdict is given and stored, the check ends); words that describe a sharp pain stop the lift.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from sqlalchemy import bindparam, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.engine.coach import Coach, Command
from core.engine.turn import Replies, Turn
from core.events import Button, Reply, rows
from core.rules.intents import Intent
from core.rules.readiness import (
    LastSoreness,
    SetResult,
    Verdict,
    VerdictKind,
    last_time_note,
    readiness_verdict,
    warmup_advice,
)
from core.rules.text import plain_words, read_yes_no
from core.rules.triage import PainKind, classify_pain
from core.storage.pain_reports import record_pain
from core.storage.schema import readiness_checks

FLOW = "ready"

E = TypeVar("E", LastSoreness, SetResult)

# How many earlier results the verdict and the opening note look at.
HISTORY_LIMIT = 5

LAST_QUESTION = (
    "For the muscles you're training today: how did the soreness from their last session go?"
)
WARMUP_QUESTION = "Warmed up — any sharp pain?"
# "Should I train today?" asked in plain words: soreness alone doesn't settle it, one
# working set after a warm-up does.
SHORT_ANSWER = (
    "Soreness alone doesn't decide it. Warm up with dynamic moves and a few light sets, "
    "then do one working set with last session's weight: about as strong or stronger, "
    "train as planned; clearly weaker, make it a light active-recovery day. Any sharp "
    "pain, stop. I can walk you through it now:"
)
SET_QUESTION = (
    "Now do one working set of your first lift, with the weight you used last time. "
    "Compared with last time, it was…\n(Felt a sharp pain instead? Stop and just tell me.)"
)

_LAST_WORDS: dict[str, LastSoreness] = {
    **{s.label.lower(): s for s in LastSoreness},
    **{s.value: s for s in LastSoreness},
    "never": LastSoreness.NEVER,
    "never sore": LastSoreness.NEVER,
    "not sore": LastSoreness.NEVER,
    "wasnt sore": LastSoreness.NEVER,
    "didnt get sore": LastSoreness.NEVER,
    "no soreness": LastSoreness.NEVER,
    "none": LastSoreness.NEVER,
    "no": LastSoreness.NEVER,
    "healed": LastSoreness.HEALED_EARLY,
    "healed early": LastSoreness.HEALED_EARLY,
    "a while ago": LastSoreness.HEALED_EARLY,
    "long ago": LastSoreness.HEALED_EARLY,
    "on time": LastSoreness.ON_TIME,
    "just on time": LastSoreness.ON_TIME,
    "just in time": LastSoreness.ON_TIME,
    "just healed": LastSoreness.ON_TIME,
    "healed just in time": LastSoreness.ON_TIME,
    "still": LastSoreness.STILL_SORE,
    "sore": LastSoreness.STILL_SORE,
    "yes": LastSoreness.STILL_SORE,
    "still a bit sore": LastSoreness.STILL_SORE,
}

_SET_WORDS: dict[str, SetResult] = {
    **{r.label.lower(): r for r in SetResult},
    **{r.value: r for r in SetResult},
    "better": SetResult.STRONGER,
    "more": SetResult.STRONGER,
    "more reps": SetResult.STRONGER,
    "heavier": SetResult.STRONGER,
    "same": SetResult.SAME,
    "the same": SetResult.SAME,
    "about same": SetResult.SAME,
    "similar": SetResult.SAME,
    "equal": SetResult.SAME,
    "no change": SetResult.SAME,
    "worse": SetResult.WEAKER,
    "fewer reps": SetResult.WEAKER,
    "less": SetResult.WEAKER,
    "weak": SetResult.WEAKER,
}

SHARP_WORDS = frozenset({"sharp", "sharp pain", "yes sharp pain", "pain", "it hurts"})
# "Any sharp pain?" answered no in words: "none", "no pain at all", "yeah all good",
# "quads are fine now".
_PAIN_FREE = re.compile(
    r"^(none|fine|nothing)$|\b(no|not any|without) (sharp )?pain\b"
    r"|\b(all|feels?|feeling|im|its|are|is) (good|fine|ok|okay|great)\b|\bpain free\b"
)


def parse_last(text: str) -> LastSoreness | None:
    said = plain_words(text)
    if said in {"1", "2", "3", "4"}:  # the button's place, as typed where buttons aren't numbered
        return list(LastSoreness)[int(said) - 1]
    if said in _LAST_WORDS:
        return _LAST_WORDS[said]
    if "still" in said:
        return LastSoreness.STILL_SORE
    if "never" in said or "not sore" in said or "didnt get sore" in said:
        return LastSoreness.NEVER
    if "on time" in said or "in time" in said:
        return LastSoreness.ON_TIME
    if "while ago" in said or "long ago" in said or "days ago" in said:
        return LastSoreness.HEALED_EARLY
    return None


def parse_set(text: str) -> SetResult | None:
    said = plain_words(text)
    if said in {"1", "2", "3"}:
        return list(SetResult)[int(said) - 1]
    if said in _SET_WORDS:
        return _SET_WORDS[said]
    for word, result in (
        ("stronger", SetResult.STRONGER),
        ("weaker", SetResult.WEAKER),
        ("same", SetResult.SAME),
    ):
        if word in said.split():
            return result
    return None


# --- storage ------------------------------------------------------------------------------------


_PREVIOUS = (
    select(readiness_checks.c.set_result)
    .where(
        readiness_checks.c.user_id == bindparam("uid"),
        readiness_checks.c.set_result.is_not(None),
    )
    .order_by(readiness_checks.c.at.desc(), readiness_checks.c.id.desc())
    .limit(HISTORY_LIMIT)
)


async def previous_results(conn: AsyncConnection, user_id: int) -> list[SetResult]:
    """The user's earlier working-set results, most recent first (stops for pain have none)."""
    found: list[SetResult] = []
    for value in (await conn.execute(_PREVIOUS, {"uid": user_id})).scalars():
        try:
            found.append(SetResult(value))
        except ValueError:
            continue  # a value from some other version: skip rather than break /ready
    return found


async def record_check(
    turn: Turn,
    last: LastSoreness,
    *,
    sharp_pain: bool,
    result: SetResult | None,
    verdict: VerdictKind,
) -> None:
    await turn.conn.execute(
        insert(readiness_checks),
        {
            "user_id": turn.user.id,
            "day": turn.today,
            "at": turn.now,
            "last_soreness": str(last),
            "sharp_pain": sharp_pain,
            "set_result": None if result is None else str(result),
            "verdict": str(verdict),
        },
    )


# --- the feature --------------------------------------------------------------------------------


def _data(turn: Turn) -> dict[str, Any]:
    if turn.convo is not None and turn.convo.flow == FLOW:
        return turn.convo.data
    return {}


def _enum(kind: type[E], value: Any) -> E | None:
    try:
        return kind(value)
    except ValueError:
        return None


def _last(turn: Turn) -> LastSoreness | None:
    return _enum(LastSoreness, _data(turn).get("last"))


def last_question(turn: Turn, note: str | None) -> Reply:
    text = f"{note}\n\n{LAST_QUESTION}" if note else LAST_QUESTION
    options = [(s.label, s.value) for s in LastSoreness]
    return turn.ask(FLOW, "last", text, options, data={})


def warmup_question(turn: Turn, last: LastSoreness) -> Reply:
    advice = warmup_advice(last)
    text = f"{advice}\n\n{WARMUP_QUESTION}" if advice else WARMUP_QUESTION
    options = [("No", "no"), ("Yes, sharp pain", "sharp")]
    return turn.ask(FLOW, "warmup", text, options, data={"last": last.value})


def set_question(turn: Turn, last: LastSoreness) -> Reply:
    options = [(r.label, r.value) for r in SetResult]
    return turn.ask(FLOW, "set", SET_QUESTION, options, data={"last": last.value}, per_row=3)


class Ready:
    def install(self, coach: Coach) -> None:
        coach.command(Command("ready", "Am I ready to train? Check in the gym", self.command))
        coach.flow(ReadyFlow(coach), reads_pain=True)
        coach.on_free_text(Intent.READY, self.suggest)

    async def command(self, turn: Turn, args: str) -> Replies:
        previous = await previous_results(turn.conn, turn.user.id)
        return [last_question(turn, last_time_note(previous))]

    async def suggest(self, turn: Turn, text: str) -> Replies:
        """ "Go or rest?" in plain words: the short answer, and the check that settles it."""
        return [Reply(SHORT_ANSWER, rows(Button("Am I ready? Check now", "cmd:ready")))]


async def after_last(turn: Turn, last: LastSoreness) -> Replies:
    if warmup_advice(last) is not None:
        return [warmup_question(turn, last)]
    return [set_question(turn, last)]


async def stop_for_sharp_pain(turn: Turn, last: LastSoreness, description: str = "") -> Replies:
    """Sharp pain during the warm-up or the set: stop that lift, and offer /pain."""
    verdict = readiness_verdict(SetResult.SAME, sharp_pain=True, previous=())
    await record_check(turn, last, sharp_pain=True, result=None, verdict=verdict.kind)
    if description:
        await record_pain(turn.conn, turn.user.id, turn.now, description, str(PainKind.SHARP))
    turn.finish()
    return [Reply(verdict.text, rows(Button("Tell me about the pain", "cmd:pain")))]


async def finish_check(turn: Turn, last: LastSoreness, result: SetResult) -> Replies:
    previous = await previous_results(turn.conn, turn.user.id)
    verdict: Verdict = readiness_verdict(result, sharp_pain=False, previous=previous)
    await record_check(turn, last, sharp_pain=False, result=result, verdict=verdict.kind)
    turn.finish()
    buttons = rows(Button("My program", "cmd:program")) if verdict.adjust_program else ()
    return [Reply(verdict.text, buttons)]


class ReadyFlow:
    name = FLOW

    def __init__(self, coach: Coach) -> None:
        # A pain described mid-check goes to /pain's triage, as if typed after /pain.
        self.coach = coach

    async def on_text(self, turn: Turn, text: str) -> Replies | None:
        step = turn.convo.step if turn.convo is not None else "last"
        triage = classify_pain(text)
        if triage.kind is PainKind.RED_FLAG:  # wins over everything, at any step
            turn.finish()
            return await self.coach.run_command(turn, "pain", text)
        last = parse_last(text) if step == "last" else _last(turn)
        if triage.kind is PainKind.SHARP:
            if last is None:  # before saying how the soreness went: the pain verdict
                turn.finish()
                return await self.coach.run_command(turn, "pain", text)
            return await stop_for_sharp_pain(turn, last, text)
        if last is None:
            if step == "last":
                return None
            return [last_question(turn, None)]  # state from an older version: start again
        if step == "last":
            return await after_last(turn, last)
        if step == "warmup":
            said = plain_words(text)
            if _PAIN_FREE.search(said):
                return [set_question(turn, last)]
            if said in SHARP_WORDS:
                return await stop_for_sharp_pain(turn, last)
            answer = read_yes_no(text)
            if answer is None:
                return None
            return await stop_for_sharp_pain(turn, last) if answer else [set_question(turn, last)]
        result = parse_set(text)
        return None if result is None else await finish_check(turn, last, result)

    async def on_choice(self, turn: Turn, value: str) -> Replies | None:
        step = turn.convo.step if turn.convo is not None else ""
        if step == "last":
            chosen = _enum(LastSoreness, value)
            return None if chosen is None else await after_last(turn, chosen)
        last = _last(turn)
        if last is None:
            return None
        if step == "warmup" and value == "no":
            return [set_question(turn, last)]
        if step == "warmup" and value == "sharp":
            return await stop_for_sharp_pain(turn, last)
        if step == "set":
            result = _enum(SetResult, value)
            return None if result is None else await finish_check(turn, last, result)
        return None

    async def resume(self, turn: Turn) -> Replies:
        step = turn.convo.step if turn.convo is not None else "last"
        last = _last(turn)
        if last is not None and step == "warmup":
            return [warmup_question(turn, last)]
        if last is not None and step == "set":
            return [set_question(turn, last)]
        return [last_question(turn, None)]
