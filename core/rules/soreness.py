"""The soreness check-in: the scale, the areas asked about, and the one-line reply.

Everything here is a pure function of what the user said, so the same check-in gives the same
advice on every platform and in tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.rules.text import join_words

# Asked in this order; a user who trains only some of them is asked only about those.
MUSCLE_GROUPS: tuple[str, ...] = (
    "chest",
    "back",
    "shoulders",
    "biceps",
    "triceps",
    "quads",
    "hamstrings",
    "glutes",
    "calves",
    "abs",
)

# Asked of everyone whatever they train: sore joints point at overall overload, and a lower back
# that stays sore points at posture, so both carry advice the muscle groups cannot.
JOINTS = "joints"
LOWER_BACK = "lower_back"
EXTRA_AREAS: tuple[str, ...] = (JOINTS, LOWER_BACK)

AREA_LABELS: Mapping[str, str] = {
    "chest": "Chest",
    "back": "Back",
    "shoulders": "Shoulders",
    "biceps": "Biceps",
    "triceps": "Triceps",
    "quads": "Quads",
    "hamstrings": "Hamstrings",
    "glutes": "Glutes",
    "calves": "Calves",
    "abs": "Abs",
    JOINTS: "Joints / tendons",
    LOWER_BACK: "Lower back",
}

MIN_LEVEL = 0
MAX_LEVEL = 4
CRIPPLING = 4
VERY_SORE = 3

# Longest reply `checkin_advice` gives, so it fits one line in a chat bubble or a group summary.
ADVICE_LIMIT = 200


@dataclass(frozen=True)
class ScaleLevel:
    """One step of the 0-4 scale; the description is shown so that two users mean the same thing
    by "2" and their trends can be compared."""

    value: int
    label: str
    description: str


SCALE: tuple[ScaleLevel, ...] = (
    ScaleLevel(0, "None", "Feels normal, even when you press on it."),
    ScaleLevel(1, "Mild", "Tender only when pressed or stretched."),
    ScaleLevel(2, "Moderate", "You notice it when you move, but you move normally."),
    ScaleLevel(3, "Very sore", "Stiff and achy; some movements are awkward."),
    ScaleLevel(4, "Crippling", "Everyday moves like sitting down or taking stairs hurt."),
)


def area_label(area: str) -> str:
    """Falls back to a tidied key so an area added elsewhere still reads as words, not a crash."""
    return AREA_LABELS.get(area, area.replace("_", " ").capitalize())


def trained_groups(trained: Sequence[str]) -> tuple[str, ...]:
    """Users who never said what they train get the full default list (asking too much beats
    missing a sore muscle); names the coach does not know are dropped so a stale setting cannot
    add a question nobody can answer. The canonical order keeps the check-in the same every day."""
    wanted = {name.strip().lower() for name in trained}
    chosen = tuple(group for group in MUSCLE_GROUPS if group in wanted)
    return chosen or MUSCLE_GROUPS


def checkin_areas(trained: Sequence[str]) -> tuple[str, ...]:
    """The questions of a guided check-in, in order: the user's groups, then joints and back."""
    return trained_groups(trained) + EXTRA_AREAS


def nothing_sore(trained: Sequence[str]) -> dict[str, int]:
    """The one-tap 'nothing is sore' answer: a zero for every area, so trends see a real answer."""
    return dict.fromkeys(checkin_areas(trained), 0)


# --- the one-line reply -------------------------------------------------------------------------


def _clamp(level: int) -> int:
    return max(MIN_LEVEL, min(MAX_LEVEL, level))


def _names(areas: Sequence[str], limit: int = 3) -> str:
    labels = [area_label(a).lower() for a in areas]
    if len(labels) > limit:
        labels = [*labels[:limit], f"{len(labels) - limit} more"]
    return join_words(labels)


def _fit(text: str) -> str:
    return text if len(text) <= ADVICE_LIMIT else text[: ADVICE_LIMIT - 1].rstrip() + "…"


def checkin_advice(levels: Mapping[str, int]) -> str:
    """One line, from the most urgent signal down, because a single clear action is what people
    act on after a morning check-in.

    Order: crippling anywhere (the routine itself is too hard) → joints/tendons at 2+ (overall
    overload builds up slowly and outlasts muscle soreness) → lower back at 2+ → very sore
    muscles → mild or moderate → nothing sore. Missing areas count as 0 and levels outside 0-4
    are clamped, so a stored answer from an older version never breaks the reply.
    """
    clean = {area: _clamp(level) for area, level in levels.items()}
    muscles = [a for a in clean if a not in EXTRA_AREAS]

    crippled = [a for a, v in clean.items() if v >= CRIPPLING]
    if crippled:
        return _fit(
            f"Crippling soreness ({_names(crippled)}) means recent workouts were too much: "
            "ease off and stop every set about two reps short of failure for now."
        )
    if clean.get(JOINTS, 0) >= 2:
        return _fit(
            "Sore joints or tendons are an early sign of too much overall training stress, "
            "not of growth: consider a lighter (deload) week."
        )
    if clean.get(LOWER_BACK, 0) >= 2:
        return _fit(
            "Lower back sore: loosen it with cat-camels, warm it up well before you lift, "
            "and keep your back neutral; stop if anything feels sharp."
        )
    very = [a for a in muscles if clean[a] >= VERY_SORE]
    if very:
        return _fit(
            f"Very sore {_names(very)}: warm up with dynamic moves and light sets, then let one "
            "working set decide (/ready in the gym)."
        )
    some = [a for a, v in clean.items() if v > 0 and a != JOINTS]
    joints_note = clean.get(JOINTS, 0) > 0
    if some:
        return _fit(
            f"Some soreness ({_names(some)}) is normal and fine to train on: warm up first, "
            "then train as planned." + (" Keep an eye on your joints." if joints_note else "")
        )
    if joints_note:
        return _fit(
            "Joints or tendons a bit tender: fine to train after a warm-up, but if it keeps "
            "happening, the program is too much overall."
        )
    return "Nothing sore: you're recovered, so train as planned."


def levels_summary(levels: Mapping[str, int]) -> str:
    """E.g. "quads 3, chest 1; nothing else sore": sore areas first, most sore first."""
    order = {area: n for n, area in enumerate(checkin_areas(MUSCLE_GROUPS))}
    sore = sorted(
        (a for a, v in levels.items() if v > 0), key=lambda a: (-levels[a], order.get(a, 99))
    )
    if not sore:
        return "nothing sore"
    parts = ", ".join(f"{area_label(a).lower()} {levels[a]}" for a in sore)
    return parts + ("; nothing else sore" if len(sore) < len(levels) else "")
