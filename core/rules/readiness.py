"""'Am I ready?': deciding in the gym whether to train, from strength rather than from soreness.

Soreness is subjective (pain thresholds differ), so the deciding question is how one working set
compares with last time; soreness only decides how much warming up comes first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class LastSoreness(StrEnum):
    """How the soreness from the last session went; values are short enough for button payloads."""

    NEVER = "never"
    HEALED_EARLY = "healed-early"
    ON_TIME = "on-time"
    STILL_SORE = "still-sore"

    @property
    def label(self) -> str:
        return _LAST_LABELS[self]


_LAST_LABELS: dict[LastSoreness, str] = {
    LastSoreness.NEVER: "Never got sore",
    LastSoreness.HEALED_EARLY: "Healed a while ago",
    LastSoreness.ON_TIME: "Healed just on time",
    LastSoreness.STILL_SORE: "Still sore",
}


class SetResult(StrEnum):
    """One working set compared with the same lift last session."""

    STRONGER = "stronger"
    SAME = "same"
    WEAKER = "weaker"

    @property
    def label(self) -> str:
        return _RESULT_LABELS[self]


_RESULT_LABELS: dict[SetResult, str] = {
    SetResult.STRONGER: "Stronger",
    SetResult.SAME: "About the same",
    SetResult.WEAKER: "Weaker",
}


class VerdictKind(StrEnum):
    TRAIN = "train"
    TRAIN_FIX_RECOVERY = "train-fix-recovery"
    ACTIVE_RECOVERY = "active-recovery"
    STOP_SHARP_PAIN = "stop-sharp-pain"


@dataclass(frozen=True)
class Verdict:
    """`adjust_program` is separate from the text so callers can also offer a button or note it
    in the history, not just print the sentence."""

    kind: VerdictKind
    text: str
    adjust_program: bool = False


def warmup_advice(last: LastSoreness) -> str | None:
    """Still sore: stiff muscles make good technique harder, and dynamic moves plus light sets get
    blood in, ease the stiffness and cut injury risk. Healed just on time: a short reminder, as a
    little stiffness may linger. Never sore or healed long ago: the usual warm-up needs no
    special note, so None (the caller skips the message)."""
    if last is LastSoreness.STILL_SORE:
        return (
            "Warm up before judging anything: a few minutes of dynamic moves (leg swings, arm "
            "circles, bodyweight squats), then light warm-up sets of your first lift. That gets "
            "blood flowing, eases the stiffness and makes injury less likely; most soreness fades "
            "by the last warm-up set."
        )
    if last is LastSoreness.ON_TIME:
        return "Healed just in time: do your normal warm-up sets, then try a working set."
    return None


def readiness_verdict(
    result: SetResult, *, sharp_pain: bool, previous: Sequence[SetResult]
) -> Verdict:
    """The verdict after the warm-up and one working set.

    `previous` holds earlier sessions' results, most recent first. Sharp pain wins over everything
    (the set result is then ignored and `adjust_program` stays False: the pain gets sorted before
    the program is judged). Weaker today and weaker last session (`previous[0]`) means one bad day
    is now a pattern, so `adjust_program` is set and the text says how.
    """
    if sharp_pain:
        return Verdict(
            VerdictKind.STOP_SHARP_PAIN,
            "Stop that lift. Sharp or shooting pain is a warning, not soreness, so don't grind "
            "through it. Tell me more with /pain, and if it keeps coming back, have a physio "
            "check it.",
        )
    if result is SetResult.STRONGER:
        return Verdict(
            VerdictKind.TRAIN,
            "Stronger than last time: you've recovered. Train as planned; what you're doing is "
            "working.",
        )
    if result is SetResult.SAME:
        return Verdict(
            VerdictKind.TRAIN_FIX_RECOVERY,
            "About as strong as last time: you've recovered enough to grow, so train as planned. "
            "To be stronger next time, make sure you eat enough calories and protein and sleep "
            "well.",
        )
    twice = bool(previous) and previous[0] is SetResult.WEAKER
    text = (
        "Weaker than last time: your muscles aren't ready for heavy work yet. Do light sets of "
        "every exercise (active recovery), count the workout as done and stay on the program. "
        "Eat and sleep a bit more."
    )
    if twice:
        text += (
            " That's two weaker sessions running, so the program may be too much: try fewer "
            "sets, more rest days, or a deload week."
        )
    return Verdict(VerdictKind.ACTIVE_RECOVERY, text, adjust_program=twice)


def last_time_note(previous: Sequence[SetResult]) -> str | None:
    """Shown before the working set, so the user knows what today's comparison means for them
    (a second weaker session in a row changes the advice). None when there is no history."""
    if not previous:
        return None
    last = previous[0]
    if last is SetResult.WEAKER:
        if len(previous) > 1 and previous[1] is SetResult.WEAKER:
            return (
                "Your last two sessions were both weaker than the ones before; if today is too, "
                "it's time to change the program."
            )
        return (
            "Last time you were weaker than the session before; if today is weaker again, we'll "
            "look at adjusting the program."
        )
    if last is SetResult.SAME:
        return "Last time you were about as strong as the session before."
    return "Last time you were stronger than the session before."
