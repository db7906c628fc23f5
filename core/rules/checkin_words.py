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
from core.rules.text import spell_emoji
from core.rules.triage import read_tokens

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


# --- soreness said in a sentence: "legs are wrecked, chest a bit sore, rest fine" ----------

# An area named in a sentence, as the words triage reads it into (typos already fixed).
# "rest" is every area the sentence does not name ("rest fine", "everything else is ok").
REST = "rest"
_UPPER = ("chest", "back", "shoulders", "biceps", "triceps")
_TALK_AREAS: Mapping[str, tuple[str, ...]] = {
    **_AREA_ALIASES,
    "hammies": ("hamstrings",),
    "pec": ("chest",),
    "traps": ("back",),
    "trap": ("back",),
    "rear delts": ("shoulders",),
    "front delts": ("shoulders",),
    "guns": ("biceps", "triceps"),
    "obliques": ("abs",),
    "booty": ("glutes",),
    "ass": ("glutes",),
    "calfs": ("calves",),
    "thigh": ("quads",),
    "upper body": _UPPER,
    "lower body": _LEGS,
    "full body": MUSCLE_GROUPS,
    "whole body": MUSCLE_GROUPS,
    "entire body": MUSCLE_GROUPS,
    "my body": MUSCLE_GROUPS,
    "everything": MUSCLE_GROUPS,
    "everywhere": MUSCLE_GROUPS,
    "all over": MUSCLE_GROUPS,
    "overall": MUSCLE_GROUPS,  # "overall a 2 out of 10"
    # Named, but not an area the check-in tracks: still someone telling how sore they are.
    "forearms": (),
    "forearm": (),
    "neck": (),
    "grip": (),
    "adductors": (),
    "abductors": (),
    "hip flexors": (),
    "groin": (),
    "inner thighs": (),
    "rest": (REST,),
    "everything else": (REST,),
    "the rest": (REST,),
    "else": (REST,),
}

# Saying that nothing is sore: about soreness even with no area named.
_NOTHING_SORE = frozenset(
    {
        "nothing sore",
        "nothing is sore",
        "nothings sore",
        "nothing aches",
        "nothing hurts",
        "doesnt hurt",
        "dont hurt",
        "no pain",
        "not sore",
        "no soreness",
        "no doms",
        "zero doms",
        "zero soreness",
        "not sore at all",
        "fully recovered",
        "recovered",
        "feeling fresh",
        "fresh",
        "all recovered",
        "no aches",
    }
)

# How sore, as people say it; longest phrases are matched first. "af" reads as "very".
_TALK_LEVELS: Mapping[str, int] = {
    **{w: 4 for w in ("killing", "killin", "destroyed", "dead", "dying", "crippled", "crippling")},
    **{w: 4 for w in ("obliterated", "murdered", "annihilated", "demolished", "unbearable")},
    **{
        f"{w} {m}": 4
        for w in ("cant", "barely", "can barely")
        for m in ("walk", "move", "sit", "lift", "raise", "bend", "stand", "climb", "get up")
    },
    **{f"{w} sore": 4 for w in ("extremely", "insanely", "crazy", "ridiculously", "brutally")},
    **{f"{w} sore": 3 for w in ("very", "really", "super", "so", "pretty", "quite", "hella")},
    **{f"sore {w}": 3 for w in ("very", "as hell")},
    **{f"{w} bad": 3 for w in ("pretty", "really", "very", "so")},
    **{w: 3 for w in ("wrecked", "fried", "toast", "cooked", "smoked", "trashed", "rekt")},
    **{w: 3 for w in ("beat", "battered", "shredded", "torched", "smashed", "nuked")},
    **{w: 3 for w in ("jelly", "like jelly", "noodles", "wobbly", "shaky", "on fire")},
    **{w: 2 for w in ("sore", "doms", "achy", "aching", "aches", "ache", "stiff", "tight")},
    **{w: 2 for w in ("hurt", "hurts", "hurting", "feel it", "feeling it", "feel them")},
    **{w: 2 for w in ("moderate", "moderately", "medium", "feels it", "feel it", "feeling it")},
    **{w: 1 for w in ("a bit", "bit", "a little", "little bit", "slightly", "slight", "mild")},
    **{w: 1 for w in ("mildly", "tender", "kinda", "tiny bit", "a tad", "lightly")},
    **{w: 1 for w in ("not too sore", "not that sore", "not very sore", "not much soreness")},
    **{w: 0 for w in ("fine", "ok", "okay", "good", "great", "perfect")},
    **{w: 0 for w in ("nothing", "none", "zero", "all good", *_NOTHING_SORE)},
}
# Words that qualify a level already said and must not be read as one ("nothing crazy").
_TALK_SKIP = frozenset({"nothing crazy", "nothing major", "nothing serious", "nothing bad"})
_LONGEST_PHRASE = 3
# Words that make a sentence about soreness even before any area is named.
_SORENESS_WORDS = frozenset(
    {"sore", "soreness", "doms", "achy", "aching", "aches", "ache", "hurt", "hurts", "hurting"}
)


@dataclass(frozen=True)
class SorenessTalk:
    """What a sentence says about today's soreness: the areas it names, with their level;
    `rest`, the level of every other area when it says so ("rest fine"); and whether it
    talks about soreness at all, which a router uses before any area is named."""

    levels: dict[str, int]
    rest: int | None
    about_soreness: bool
    named: tuple[str, ...] = ()  # the area words said, tracked or not ("forearms")

    def filled(self, trained: Sequence[str]) -> dict[str, int]:
        """The levels for every area asked in a check-in: named ones as said, the others
        at `rest` (or none, 0, as the typed shorthand counts areas not mentioned)."""
        others = self.rest if self.rest is not None else 0
        return nothing_sore(trained) | dict.fromkeys(nothing_sore(trained), others) | self.levels


def _scaled(number: int, out_of_ten: bool) -> int | None:
    """A level said as a number: 0-4 on the coach's scale, or 0-10 ("7/10", "quads 7")."""
    if out_of_ten or number > MAX_LEVEL:
        if number > 10:
            return None
        return 0 if number == 0 else max(1, round(number * MAX_LEVEL / 10))
    return number


def read_soreness_talk(tokens: Sequence[str], trained: Sequence[str]) -> SorenessTalk:
    """Areas and levels in a sentence such as "quads wrecked, hamstrings a bit sore, rest
    fine", read from triage's cleaned `tokens` (typos fixed, "," between clauses).

    A level goes with the areas next to it in the same clause, before or after it
    ("sore legs", "legs are sore"); several areas in a row share one ("chest and back
    sore"); a clause ends at a comma or "but". Numbers are levels on the 0-4 scale, or out
    of ten when any is above 4 or written "6/10". Only trained groups (plus joints and
    lower back) are kept; "everything" means all trained groups."""
    groups = trained_groups(trained)
    numbers = [int(t) for t in tokens if t.isdigit()]
    out_of_ten = any(n > MAX_LEVEL for n in numbers if n <= 10)
    levels: dict[str, int] = {}
    rest: int | None = None
    about = any(t in _SORENESS_WORDS for t in tokens)
    areas: list[str] = []
    level: int | None = None
    level_first = False
    nothing_said = False  # a "none" level with no area: nothing is sore
    named: list[str] = []
    named_here: list[str] = []  # area words since the last settle, tracked or not
    paired = False  # some area word was said with a level ("adductors wrecked")

    def settle() -> None:
        nonlocal rest, level, level_first, nothing_said, paired
        nothing_said = nothing_said or (not areas and level == 0)
        paired = paired or (bool(named_here) and level is not None)
        named_here.clear()
        if areas and level is not None:
            for area in areas:
                if area == REST:
                    rest = level
                elif area in groups or area in EXTRA_AREAS:
                    levels[area] = level
        areas.clear()
        level, level_first = None, False

    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in (",", "but"):
            settle()
            i += 1
            continue
        for size in range(_LONGEST_PHRASE, 0, -1):
            phrase = " ".join(tokens[i : i + size])
            if len(tokens) - i >= size and (
                phrase in _TALK_AREAS or phrase in _TALK_LEVELS or phrase in _TALK_SKIP
            ):
                break
        else:
            phrase, size = token, 1
        i += size
        if phrase in _TALK_SKIP:
            continue
        if phrase in _TALK_AREAS:
            if level is not None and not level_first:
                settle()  # "quads wrecked | hamstrings …": the next area starts a new pair
            areas.extend(_TALK_AREAS[phrase])
            named.append(phrase)
            named_here.append(phrase)
            continue
        said: int | None = _TALK_LEVELS.get(phrase)
        if said is None and phrase.isdigit():
            if tokens[i : i + 1] == ["10"]:  # "8/10" reads as "8 10"
                i += 1
                said = _scaled(int(phrase), True)
            else:
                said = _scaled(int(phrase), out_of_ten)
        if said is None:
            continue
        about = about or phrase in _NOTHING_SORE
        if level is None:
            level, level_first = said, not areas
        elif {level, said} == {1, 2}:
            level = 1  # "a bit sore", "mildly sore": the plain word takes the qualifier's level
        elif said:
            level = max(level, said)
    settle()
    about = about or bool(levels) or rest is not None or paired
    if not levels and rest is None and about and nothing_said:
        rest = 0  # "nothing sore today", "zero doms": every area at none
    return SorenessTalk(levels, rest, about, tuple(named))


def read_soreness(text: str, trained: Sequence[str]) -> SorenessTalk:
    """`read_soreness_talk` of a message as typed."""
    return read_soreness_talk(read_tokens(spell_emoji(text)), trained)
