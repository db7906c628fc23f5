"""The check-in's questions and the words its steps accept: one place for the guided
check-in, the typed shorthand and the offer to log soreness said in plain words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from core.engine.turn import Turn
from core.events import Reply
from core.rules.soreness import MUSCLE_GROUPS, SCALE, area_label, levels_summary, trained_groups
from core.rules.text import join_words

FLOW = "checkin"

EXAMPLE = "/checkin legs 3 chest 1"
SCALE_TEXT = "\n".join(f"{s.value} {s.label} — {s.description}" for s in SCALE)
SCALE_SHORT = " · ".join(f"{s.value} {s.label.lower()}" for s in SCALE)

NOTHING_PHRASES = frozenset(
    {"nothing", "none", "nothing sore", "nothing is sore", "nothing's sore", "all good", "no"}
)
START_WORDS = frozenset({"start", "go", "begin", "ok", "okay", "yes", "start check-in"})
GROUP_WORDS = frozenset({"groups", "group", "muscle groups", "set my muscle groups"})
BACK_WORDS = frozenset({"back", "undo", "previous"})
REST_WORDS = frozenset({"rest none", "the rest: none", "rest 0", "rest are fine", "rest fine"})


def trained_by(turn: Turn) -> list[str]:
    return list(turn.user.trained_groups or [])


def checkin_data(turn: Turn) -> dict[str, Any]:
    return turn.convo.data if in_checkin(turn) and turn.convo is not None else {}


def in_checkin(turn: Turn) -> bool:
    return turn.convo is not None and turn.convo.flow == FLOW


def trained_or_all(turn: Turn) -> list[str]:
    return list(trained_groups(trained_by(turn)))


def area_question(turn: Turn, data: dict[str, Any]) -> Reply:
    areas: list[str] = list(data["areas"])
    i = int(data["i"])
    area = areas[i]
    text = f"{area_label(area)} ({i + 1} of {len(areas)}): how sore?"
    if i == 0:
        text += "\n" + SCALE_TEXT
    # 1-4 first and 0 after them: the console numbers buttons from 1, so there a typed "2"
    # presses "2 Moderate" (and a typed "0", not a button number, is read as the level 0).
    ordered = [*SCALE[1:], SCALE[0]]
    options = [(f"{s.value} {s.label}", str(s.value)) for s in ordered]
    if i > 0:
        options += [("The rest: none", "rest0"), ("Back", "back")]
    return turn.ask(FLOW, "area", text, options, data=data, per_row=2)


def confirm_question(turn: Turn, existing: Mapping[str, int], *, then: str, **extra: Any) -> Reply:
    data = {"then": then, **extra}
    return turn.ask(
        FLOW,
        "confirm",
        f"You've already checked in today ({levels_summary(existing)}). Update today's check-in?",
        [("Yes, update it", "yes"), ("No, keep it", "no")],
        data=data,
    )


def groups_question(turn: Turn, selected: Sequence[str], *, origin: str, fresh: bool) -> Reply:
    chosen = [g for g in MUSCLE_GROUPS if g in set(selected)]
    data = dict(checkin_data(turn)) if not fresh else {}
    data.update(sel=chosen, origin=origin)
    options = [(("✅ " if g in chosen else "⬜ ") + area_label(g), f"t:{g}") for g in MUSCLE_GROUPS]
    options.append(("Done", "done"))
    return turn.ask(
        FLOW,
        "groups",
        "Which muscle groups do you train? Tap to switch each on or off, then Done "
        "(or type them, e.g. chest back quads).",
        options,
        data=data,
        per_row=2,
    )


def offer_question(turn: Turn, levels: Mapping[str, int], assumed: Sequence[str]) -> Reply:
    """Soreness told in plain words, as read back: saved only when the user taps Save."""
    text = f"Sounds like today's check-in: {levels_summary(levels)}."
    if assumed and len(assumed) < len(levels):
        names = join_words([area_label(a).lower() for a in assumed])
        text += f"\nNot mentioned, so counted as none: {names}."
    text += "\nSave it as today's check-in?"
    options = [("Save it", "save"), ("Change it", "change"), ("Don't save", "no")]
    data = {"levels": dict(levels), "assumed": list(assumed)}
    return turn.ask(FLOW, "offer", text, options, data=data, per_row=3)
