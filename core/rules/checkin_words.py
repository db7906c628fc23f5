"""Reading a check-in from what people type: shorthand such as "legs 3 chest 1", one
area's answer ("2", "a bit", "really sore") and the names of the muscle groups someone
trains ("legs", "arms", "pecs"). Pure functions of the text, so the guided questions, the
typed shorthand and every platform read a word the same way."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.rules.soreness import (
    EXTRA_AREAS,
    JOINTS,
    LOWER_BACK,
    MAX_LEVEL,
    MIN_LEVEL,
    MUSCLE_GROUPS,
    SCALE,
    nothing_sore,
    trained_groups,
)

# --- typed shorthand: /checkin legs 3 chest 1 ----------------------------------------------


@dataclass(frozen=True)
class ShorthandResult:
    """Errors travel with whatever did parse, so the reply can record the good part and ask only
    about the rest instead of rejecting the whole message."""

    levels: dict[str, int]
    errors: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return bool(self.levels) and not self.errors


LEGS = ("quads", "hamstrings", "glutes", "calves")

# Each alias names one or more areas; groups the user does not train are filtered out later.
AREA_ALIASES: Mapping[str, tuple[str, ...]] = {
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
    "legs": LEGS,
    "leg": LEGS,
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
        if pair in AREA_ALIASES or pair in _LEVEL_WORDS:
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
        if token in AREA_ALIASES:
            named = AREA_ALIASES[token]
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


# --- one area's answer, and the trained groups ---------------------------------------


# Typed answers to one area's question, besides the digits 0-4 and the scale labels.
LEVEL_WORDS: Mapping[str, int] = {
    **{s.label.lower(): s.value for s in SCALE},
    **{f"{s.value} {s.label.lower()}": s.value for s in SCALE},
    "no": 0,
    "zero": 0,
    "fine": 0,
    "not sore": 0,
    "nothing": 0,
    "slight": 1,
    "slightly": 1,
    "tender": 1,
    "a bit": 1,
    "a little": 1,
    "medium": 2,
    "sore": 2,
    "very": 3,
    "really sore": 3,
    "crippled": 4,
    "awful": 4,
}

# Names accepted when setting the trained groups, besides the canonical ones.
GROUP_ALIASES: Mapping[str, tuple[str, ...]] = {
    **{g: (g,) for g in MUSCLE_GROUPS},
    **{g.rstrip("s"): (g,) for g in MUSCLE_GROUPS if g.endswith("s")},
    "pecs": ("chest",),
    "lats": ("back",),
    "delts": ("shoulders",),
    "bis": ("biceps",),
    "tris": ("triceps",),
    "arms": ("biceps", "triceps"),
    "hams": ("hamstrings",),
    "calf": ("calves",),
    "core": ("abs",),
    "legs": ("quads", "hamstrings", "glutes", "calves"),
    "all": MUSCLE_GROUPS,
    "everything": MUSCLE_GROUPS,
}


def parse_level(text: str) -> int | None:
    word = " ".join(text.strip().lower().rstrip(".!").split())
    if word.isdigit() and 0 <= int(word) <= 4:
        return int(word)
    return LEVEL_WORDS.get(word)


def parse_groups(text: str) -> tuple[list[str], list[str]]:
    """Group names typed as "chest back quads" (or "legs", "arms", "all") → the groups in
    canonical order, and the words not understood."""
    chosen: set[str] = set()
    unknown: list[str] = []
    for word in text.replace(",", " ").lower().split():
        if word in {"and", "&"}:
            continue
        if word in GROUP_ALIASES:
            chosen.update(GROUP_ALIASES[word])
        else:
            unknown.append(word)
    return [g for g in MUSCLE_GROUPS if g in chosen], unknown
