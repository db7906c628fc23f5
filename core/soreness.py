"""The soreness check-in: the scale, the areas asked about, typed shorthand and the one-line reply.

Everything here is a pure function of what the user said, so the same check-in gives the same
advice on every platform and in tests.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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


# --- typed shorthand -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ShorthandResult:
    """Errors travel with whatever did parse, so the reply can record the good part and ask only
    about the rest instead of rejecting the whole message."""

    levels: dict[str, int]
    errors: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return bool(self.levels) and not self.errors


_LEGS = ("quads", "hamstrings", "glutes", "calves")

# Each alias names one or more areas; groups the user does not train are filtered out later.
_AREA_ALIASES: Mapping[str, tuple[str, ...]] = {
    "chest": ("chest",),
    "pecs": ("chest",),
    "pec": ("chest",),
    "back": ("back",),
    "upper back": ("back",),
    "lats": ("back",),
    "lat": ("back",),
    "shoulders": ("shoulders",),
    "shoulder": ("shoulders",),
    "delts": ("shoulders",),
    "delt": ("shoulders",),
    "biceps": ("biceps",),
    "bicep": ("biceps",),
    "bis": ("biceps",),
    "triceps": ("triceps",),
    "tricep": ("triceps",),
    "tris": ("triceps",),
    "arms": ("biceps", "triceps"),
    "arm": ("biceps", "triceps"),
    "quads": ("quads",),
    "quad": ("quads",),
    "quadriceps": ("quads",),
    "thighs": ("quads",),
    "hamstrings": ("hamstrings",),
    "hamstring": ("hamstrings",),
    "hams": ("hamstrings",),
    "ham": ("hamstrings",),
    "glutes": ("glutes",),
    "glute": ("glutes",),
    "butt": ("glutes",),
    "bum": ("glutes",),
    "calves": ("calves",),
    "calf": ("calves",),
    "abs": ("abs",),
    "ab": ("abs",),
    "core": ("abs",),
    "abdominals": ("abs",),
    "legs": _LEGS,
    "leg": _LEGS,
    "joints": (JOINTS,),
    "joint": (JOINTS,),
    "tendons": (JOINTS,),
    "tendon": (JOINTS,),
    "knees": (JOINTS,),
    "knee": (JOINTS,),
    "elbows": (JOINTS,),
    "elbow": (JOINTS,),
    "wrists": (JOINTS,),
    "wrist": (JOINTS,),
    "lower back": (LOWER_BACK,),
    "low back": (LOWER_BACK,),
    "lowerback": (LOWER_BACK,),
    "lower_back": (LOWER_BACK,),
}

_LEVEL_WORDS: Mapping[str, int] = {
    "none": 0,
    "no": 0,
    "zero": 0,
    "fine": 0,
    "ok": 0,
    "okay": 0,
    "mild": 1,
    "slight": 1,
    "slightly": 1,
    "tender": 1,
    "moderate": 2,
    "medium": 2,
    "very sore": 3,
    "very": 3,
    "verysore": 3,
    "very_sore": 3,
    "crippling": 4,
    "crippled": 4,
}

# Whole messages that mean "nothing is sore", the typed twin of the one-tap button.
_NOTHING_PHRASES = frozenset(
    {
        "nothing",
        "none",
        "nothing sore",
        "nothing is sore",
        "nothing's sore",
        "not sore",
        "no soreness",
        "all good",
        "all fine",
    }
)

_FILLER = frozenset({"and", "&", "my", "is", "are", "at", "level", "feel", "feels", "a"})
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def _tokens(text: str) -> list[str]:
    lowered = text.strip().lower().replace("’", "'")
    if lowered.startswith("/"):  # tolerate the command itself being passed along
        lowered = lowered.partition(" ")[2]
    lowered = re.sub(r"([a-z])(\d)", r"\1 \2", lowered)  # "chest2" → "chest 2"
    lowered = re.sub(r"(\d)([a-z])", r"\1 \2", lowered)
    lowered = lowered.replace("very-sore", "very_sore").replace("lower-back", "lower_back")
    # "quads-hams" and "chest-2" split, but " -1" stays whole so it is rejected as off the scale
    lowered = re.sub(r"(?<=[a-z])-(?=[a-z0-9])", " ", lowered)
    return [t for t in re.split(r"[\s:,;=/()]+", lowered) if t]


def parse_checkin_shorthand(text: str, trained: Sequence[str]) -> ShorthandResult:
    """Reads `/checkin` arguments such as "legs 3 chest 1" or "chest:2, back 0".

    Each area (or several areas in a row, "chest back 2") is followed by a level: a digit 0-4 or a
    word (none, mild, moderate, very sore, crippling). Later mentions override earlier ones, so
    "all 1 chest 3" works. Only areas actually mentioned appear in `levels`; the caller decides how
    to treat the rest. "all N" covers every trained muscle group; "all 0" (like "nothing" or
    "none" on its own) also clears joints and lower back, since it means nothing at all is sore,
    while "all 2" says nothing about joints, which are a separate signal. Aliases such as "legs"
    expand only to the trained groups they cover; naming an untrained group is reported as an
    error instead of being stored under a question the user is never asked.
    """
    groups = trained_groups(trained)
    tokens = _tokens(text)
    if not tokens:
        return ShorthandResult({}, ())
    if " ".join(tokens) in _NOTHING_PHRASES:
        return ShorthandResult(nothing_sore(groups), ())

    levels: dict[str, int] = {}
    errors: list[str] = []
    pending: list[tuple[str, tuple[str, ...]]] = []  # (word as typed, areas it names)
    after_bad_area = False  # "foo 2": one error for "foo", not a second one for its level

    def assign(level: int) -> None:
        for _word, areas in pending:
            for area in areas:
                levels[area] = level
        pending.clear()

    i = 0
    while i < len(tokens):
        token = tokens[i]
        pair = f"{token} {tokens[i + 1]}" if i + 1 < len(tokens) else ""
        if pair in _AREA_ALIASES or pair in _LEVEL_WORDS:
            token, step = pair, 2
        else:
            step = 1
        i += step
        follows_bad_area, after_bad_area = after_bad_area, False

        if token in _FILLER:
            continue
        if token == "all":
            pending.append((token, groups))
            continue
        if token in _AREA_ALIASES:
            named = _AREA_ALIASES[token]
            usable = tuple(a for a in named if a in groups or a in EXTRA_AREAS)
            if usable:
                pending.append((token, usable))
            else:
                errors.append(f"“{token}” isn't one of the muscle groups you train.")
                after_bad_area = True
            continue
        level: int | None = None
        if token in _LEVEL_WORDS:
            level = _LEVEL_WORDS[token]
        elif _NUMBER.fullmatch(token):
            if "." in token or not MIN_LEVEL <= int(token) <= MAX_LEVEL:
                said = " ".join([*(word for word, _ in pending), token])
                errors.append(f"“{said}” is off the scale: use a whole number from 0 to 4.")
                pending.clear()
                continue
            level = int(token)
        if level is None:
            errors.append(f"“{token}” isn't a muscle group or soreness level I know.")
            after_bad_area = True
            continue
        if not pending:
            if follows_bad_area:
                continue
            errors.append(f"“{token}”: which muscle group is that for?")
            continue
        if level == 0 and any(word == "all" for word, _ in pending):
            pending.append(("all", EXTRA_AREAS))
        assign(level)

    for word, _areas in pending:
        errors.append(f"“{word}”: how sore? Add a level from 0 to 4.")
    return ShorthandResult(levels, tuple(errors))


# --- the one-line reply -------------------------------------------------------------------------


def _clamp(level: int) -> int:
    return max(MIN_LEVEL, min(MAX_LEVEL, level))


def _names(areas: Sequence[str], limit: int = 3) -> str:
    labels = [area_label(a).lower() for a in areas]
    if len(labels) > limit:
        labels = [*labels[:limit], f"{len(labels) - limit} more"]
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:-1]) + " and " + labels[-1]


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
