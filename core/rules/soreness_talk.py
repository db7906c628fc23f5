"""Soreness said in a sentence: "legs are wrecked, chest a bit sore, rest fine".

The check-in offered from free text and the router's "is this a check-in?" read a
sentence here, with the same area names as the typed shorthand (`checkin_words`), so a
word means the same thing however it is typed."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from core.rules.checkin_words import AREA_ALIASES, LEGS
from core.rules.soreness import EXTRA_AREAS, MAX_LEVEL, MUSCLE_GROUPS, nothing_sore, trained_groups
from core.rules.text import spell_emoji
from core.rules.triage import read_tokens

# An area named in a sentence, as the words triage reads it into (typos already fixed).
# "rest" is every area the sentence does not name ("rest fine", "everything else is ok").
REST = "rest"
_UPPER = ("chest", "back", "shoulders", "biceps", "triceps")
_TALK_AREAS: Mapping[str, tuple[str, ...]] = {
    **AREA_ALIASES,
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
    "lower body": LEGS,
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
    **{w: 4 for w in ("screaming", "screamin")},
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
    # Numbers said as levels that no scale has ("biceps 11", "legs 12/10", "legs -1").
    off_scale: tuple[str, ...] = ()
    # A bare number above 4 made the numbers out of ten ("quads 7, hams 4"): a guess the
    # typed /checkin shorthand, on the 0-4 scale only, does not make.
    ten_guessed: bool = False

    def filled(self, trained: Sequence[str]) -> dict[str, int]:
        """The levels for every area asked in a check-in: named ones as said, the others
        at `rest` (or none, 0, as the typed shorthand counts areas not mentioned)."""
        others = self.rest if self.rest is not None else 0
        return nothing_sore(trained) | dict.fromkeys(nothing_sore(trained), others) | self.levels


def _scaled(number: int, scale: int) -> int | None:
    """A level said as a number out of `scale` (4, the coach's; 5; or 10: "7/10"), on the
    coach's 0-4 scale; None when it is off its scale."""
    if number > scale:
        return None
    if scale == MAX_LEVEL:
        return number
    return 0 if number == 0 else max(1, round(number * MAX_LEVEL / scale))


# What may follow a level to say its scale: "8/10" reads as "8 10", "1/4" as "1 4".
_SCALE_WORDS = ((), ("out", "of"), ("outta",), ("of",))
_SCALES = ("4", "5", "10")
# Numbers that count something else: "100 kg", "5 reps", "3 days ago", "2 weeks".
_UNITS = frozenset(
    """kg kgs kilo kilos lb lbs pound pounds rep reps set sets x times day days week weeks
    month months hour hours hr hrs h min mins minute minutes km k miles mile mi ago am pm
    percent plates plate""".split()
)
# Saying a level is not so: "isn't sore", "not crippled" (longer phrases such as "not too
# sore" have their own level).
_NEGATIONS = frozenset({"not", "isnt", "arent", "aint", "wasnt", "werent", "never"})


def _scale_after(tokens: Sequence[str], i: int, number: int) -> tuple[int, int] | None:
    """How many tokens from `i` say the scale of `number`, just before them, and the
    scale, or None."""
    for words in _SCALE_WORDS:
        end = i + len(words)
        said = tokens[end] if end < len(tokens) else ""
        if tuple(tokens[i:end]) == words and said in _SCALES:
            counts = end + 1 < len(tokens) and tokens[end + 1] in _UNITS
            # "quads 3 4 sets", "legs 5 4": two numbers, not "3/4"; "12 10" is "12/10".
            if not words and (counts or (int(said) < number and said != "10")):
                return None
            return len(words) + 1, int(said)
    return None


def _quantities(tokens: Sequence[str]) -> set[int]:
    """Where numbers count something else than soreness ("100 kg", "3 days ago")."""
    return {
        i
        for i, token in enumerate(tokens)
        if token.isdigit() and i + 1 < len(tokens) and tokens[i + 1] in _UNITS
    }


def read_soreness_talk(tokens: Sequence[str], trained: Sequence[str]) -> SorenessTalk:
    """Areas and levels in a sentence such as "quads wrecked, hamstrings a bit sore, rest
    fine", read from triage's cleaned `tokens` (typos fixed, "," between clauses).

    A level goes with the areas next to it in the same clause, before or after it
    ("sore legs", "legs are sore"); several areas in a row share one ("chest and back
    sore"); a clause ends at a comma or "but". Numbers are levels on the 0-4 scale, or out
    of ten when any is above 4 or written "6/10". Only trained groups (plus joints and
    lower back) are kept; "everything" means all trained groups."""
    groups = trained_groups(trained)
    quantities = _quantities(tokens)
    numbers = [int(t) for i, t in enumerate(tokens) if t.isdigit() and i not in quantities]
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
    last: list[str] = []  # the areas the clause before named
    off_scale: list[str] = []
    ten_guessed = False

    def settle() -> None:
        nonlocal rest, level, level_first, nothing_said, paired, last
        nothing_said = nothing_said or (not areas and level == 0)
        paired = paired or (bool(named_here) and level is not None)
        named_here.clear()
        if not areas and level and last:
            # "calves not crippled, more like a 2", "legs were a 4, today a 1": a level
            # alone corrects the areas just named.
            areas.extend(last)
        last = list(areas)
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
        negated = i > 0 and tokens[i - 1] in _NEGATIONS
        quantity = i in quantities
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
        if said is not None and negated:
            said = 0  # "isn't sore", "not crippled"
        if said is None and phrase.isdigit() and not quantity:
            number = int(phrase)
            scale = _scale_after(tokens, i, number)
            if scale:  # "8/10" (read as "8 10"), "2 out of 10", "3 outta 5": not a level
                i += scale[0]
                said = _scaled(number, scale[1])
            else:
                ten_guessed = ten_guessed or out_of_ten or number > MAX_LEVEL
                said = _scaled(number, 10 if out_of_ten or number > MAX_LEVEL else MAX_LEVEL)
            if said is None:
                off_scale.append(f"{number}/{scale[1]}" if scale else phrase)
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
    # A level off every scale says soreness only beside an area: "biceps 11", not "31/12".
    about = about or bool(levels) or rest is not None or paired or bool(off_scale and named)
    if not levels and rest is None and about and nothing_said:
        rest = 0  # "nothing sore today", "zero doms": every area at none
    return SorenessTalk(levels, rest, about, tuple(named), tuple(off_scale), ten_guessed)


# Signs and decimals the tokens drop: "legs -1" and "quads 2.5" are off the scale (but
# "2.5 kg" counts something else), and "102.5 kg" reads as "102 kg".
_SIGNED_OR_DECIMAL = re.compile(
    r"(?<![\w./-])(-\s?\d+(?:\.\d+)?|\d+\.\d+)(?!\s*(?:" + "|".join(sorted(_UNITS)) + r")\b)"
)
_DECIMAL = re.compile(r"\b(\d+)\.\d+\b")


def read_soreness(text: str, trained: Sequence[str]) -> SorenessTalk:
    """`read_soreness_talk` of a message as typed, with the numbers no level can be that
    only the typed text shows."""
    whole = _DECIMAL.sub(r"\1", text)
    talk = read_soreness_talk(read_tokens(spell_emoji(whole)), trained)
    odd = tuple(m.replace(" ", "") for m in _SIGNED_OR_DECIMAL.findall(text.lower()))
    if not odd or not (talk.named or talk.about_soreness):
        return talk
    return replace(talk, off_scale=(*odd, *talk.off_scale), about_soreness=True)
