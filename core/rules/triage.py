"""Pain triage: tell ordinary soreness from warning pain and medical red flags.

A user describes a pain in their own words; `classify_pain` sorts it into one of a
few kinds and `triage_advice` says what that kind likely is and what to do. Pure
functions, standard library only, no I/O.

How it reads a description:

* The text is lower-cased, emoji and symbols are dropped, and punctuation becomes a
  clause break. Common misspellings and slang are mapped to a canonical word through a
  small alias table, then a cheap edit-distance match against the cue vocabulary.
* Cues are regular expressions over the cleaned words. A cue is ignored when a negation
  ("no", "not", "doesn't", "without", ...) comes up to four words before its first or
  last word in the same clause; a clause ends at punctuation or a word such as "but",
  "just", "and". A body part followed by "is fine" / "doesn't hurt" is not a complaint.
* Precedence: red flag > sharp > joint/tendon > chronic lower back > lower back after
  lifting > pump/burn > ordinary soreness (DOMS) > unclear. A red flag always wins.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum
from functools import lru_cache
from typing import NamedTuple

from core.rules.text import join_words

__all__ = [
    "FOLLOW_UPS",
    "RED_FLAG_NAMES",
    "RF_BLADDER_BOWEL",
    "RF_CHEST",
    "RF_DARK_URINE",
    "RF_JOINT_GIVES_WAY",
    "RF_NUMBNESS",
    "RF_RADIATING",
    "RF_SWELLING",
    "FollowUp",
    "PainKind",
    "Triage",
    "append_answer",
    "classify_pain",
    "triage_advice",
]


class PainKind(StrEnum):
    RED_FLAG = "red-flag"
    SHARP = "sharp"
    JOINT_TENDON = "joint-tendon"
    LOWER_BACK_AFTER_LIFT = "lower-back-after-lift"
    LOWER_BACK_CHRONIC = "lower-back-chronic"
    PUMP_BURN = "pump-burn"
    DOMS = "doms"
    UNCLEAR = "unclear"


@dataclass(frozen=True)
class Triage:
    kind: PainKind
    red_flags: tuple[str, ...]  # human-readable names of the red flags found
    matched: tuple[str, ...]  # the cue phrases that decided the kind


# Human-readable red-flag names (these appear in the advice text).
RF_NUMBNESS = "numbness or tingling"
RF_RADIATING = "pain shooting or spreading down a limb"
RF_DARK_URINE = "dark or cola-coloured urine"
RF_SWELLING = "extreme swelling or a limb that won't straighten"
RF_CHEST = "chest pain or breathlessness"
RF_BLADDER_BOWEL = "loss of bladder or bowel control"
RF_JOINT_GIVES_WAY = "a joint that locks or gives way"
RED_FLAG_NAMES: tuple[str, ...] = (
    RF_NUMBNESS,
    RF_RADIATING,
    RF_DARK_URINE,
    RF_SWELLING,
    RF_CHEST,
    RF_BLADDER_BOWEL,
    RF_JOINT_GIVES_WAY,
)
_EMERGENCY_FLAGS = frozenset({RF_CHEST, RF_BLADDER_BOWEL})
_SAME_DAY_FLAGS = frozenset({RF_DARK_URINE, RF_SWELLING})


# --------------------------------------------------------------------------- text cleaning

_BREAK = ","


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Misspellings, slang and shorthand → canonical words (may expand to several words).
_ALIASES: dict[str, str] = {
    # numbness / tingling
    "numbess": "numbness",
    "numbnes": "numbness",
    "numbeness": "numbness",
    "numness": "numbness",
    "numbnss": "numbness",
    "num": "numb",
    "numm": "numb",
    "nunb": "numb",
    "tingly": "tingly",
    "tinglin": "tingling",
    "tingleing": "tingling",
    "tinglng": "tingling",
    "tinging": "tingling",
    # sharp pain
    "stabing": "stabbing",
    "stabby": "stabbing",
    "stab": "stabbing",
    "stabs": "stabbing",
    "shrap": "sharp",
    "sharpe": "sharp",
    "shootin": "shooting",
    "shootng": "shooting",
    "pinchy": "pinching",
    # pain words
    "pian": "pain",
    "pains": "pain",
    "hurst": "hurts",
    "hurtin": "hurting",
    "hurtz": "hurts",
    "achey": "achy",
    "achin": "aching",
    "soar": "sore",
    "sor": "sore",
    "soree": "sore",
    "sorre": "sore",
    "sre": "sore",
    "sorenes": "soreness",
    "sorness": "soreness",
    "soreneses": "soreness",
    "domz": "doms",
    "dom": "doms",
    "burnin": "burning",
    "brun": "burn",
    "brunt": "burnt",
    # body parts
    "kne": "knee",
    "nee": "knee",
    "knne": "knee",
    "kee": "knee",
    "knes": "knees",
    "kness": "knees",
    "elbo": "elbow",
    "elbw": "elbow",
    "wirst": "wrist",
    "wrsit": "wrist",
    "sholder": "shoulder",
    "sholders": "shoulders",
    "shouler": "shoulder",
    "shoudler": "shoulder",
    "achillies": "achilles",
    "achiles": "achilles",
    "tendonitis": "tendinitis",
    "tendonosis": "tendinosis",
    "lowerback": "lower back",
    "bak": "back",
    "bck": "back",
    "bakc": "back",
    "lowback": "lower back",
    "lbp": "lower back pain",
    "pecs": "chest",
    "pec": "chest",
    "hammies": "hamstrings",
    "hammys": "hamstrings",
    "hams": "hamstrings",
    "hammy": "hamstrings",
    "quadz": "quads",
    "bis": "biceps",
    "bi": "biceps",
    "bicep": "biceps",
    "tris": "triceps",
    "tricep": "triceps",
    "delt": "delts",
    "lat": "lats",
    "trap": "traps",
    "calve": "calves",
    "glute": "glutes",
    "quad": "quads",
    "hamstring": "hamstrings",
    "forearm": "forearms",
    "ab": "abs",
    # exercises
    "dl": "deadlift",
    "dls": "deadlifts",
    "deads": "deadlifts",
    "deadlifs": "deadlifts",
    "deadlits": "deadlifts",
    "deadlfits": "deadlifts",
    "rdl": "deadlift",
    "rdls": "deadlifts",
    "sldl": "deadlift",
    "sldls": "deadlifts",
    "gm": "good morning",
    "gms": "good mornings",
    "squating": "squatting",
    "sqats": "squats",
    "sqaut": "squat",
    "sqauts": "squats",
    "ohp": "overhead press",
    # urine
    "pee": "urine",
    "piss": "urine",
    "peeing": "urine",
    "pissing": "urine",
    "urinating": "urine",
    "urin": "urine",
    # negations and the like
    "cannot": "cant",
    "aint": "isnt",
    "dnt": "dont",
    "dosnt": "doesnt",
    "doesn": "doesnt",
    "don": "dont",
    "isn": "isnt",
    "didn": "didnt",
    "wasn": "wasnt",
    "nope": "no",
    "nah": "no",
    "nothin": "nothing",
    "w": "with",
    "wo": "without",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "cos": "because",
    "tho": "though",
    "rly": "really",
    "rlly": "really",
    "v": "very",
    "u": "you",
    "ur": "your",
    "im": "i am",
    "ive": "i have",
    "idk": "i dont know",
    "af": "very",
    "wk": "week",
    "wks": "weeks",
    "mo": "month",
    "mos": "months",
    "hrs": "hours",
    "hr": "hours",
    "h": "hours",
    "yday": "yesterday",
    "yest": "yesterday",
    "yesterdays": "yesterday",
    "2day": "today",
    "tmrw": "tomorrow",
    "evry": "every",
    "everyday": "every day",
    "alot": "a lot",
    "mid-set": "mid set",
    "sesh": "session",
}

# Words the fuzzy matcher may correct a typo to (length >= 5).
_FUZZY_TARGETS: tuple[str, ...] = (
    "numbness",
    "tingling",
    "tingles",
    "tingly",
    "stabbing",
    "stabbed",
    "sharp",
    "shooting",
    "radiating",
    "radiates",
    "swollen",
    "swelling",
    "straighten",
    "breathless",
    "breathe",
    "breathing",
    "breath",
    "bladder",
    "bowel",
    "bowels",
    "urine",
    "tendon",
    "tendons",
    "tendinitis",
    "achilles",
    "patellar",
    "elbow",
    "elbows",
    "shoulder",
    "shoulders",
    "wrist",
    "wrists",
    "ankle",
    "ankles",
    "knees",
    "joints",
    "deadlift",
    "deadlifts",
    "deadlifting",
    "squats",
    "squatting",
    "soreness",
    "tender",
    "stiffness",
    "aching",
    "burning",
    "pumped",
    "posture",
    "constantly",
    "lumbar",
    "erectors",
    "hamstrings",
    "quads",
    "glutes",
    "triceps",
    "biceps",
    "forearms",
    "calves",
    "pinching",
    "pinched",
    "sudden",
    "suddenly",
    "twinge",
    "sciatica",
    "dislocated",
    "incontinence",
    "tweaked",
    "muscles",
    "workout",
    "training",
    "yesterday",
    "weeks",
    "months",
    "tightness",
    "pressure",
    "chest",
    "hurts",
    "hurting",
    "painful",
    "throbbing",
    "electric",
    "needles",
    "cramping",
    "cramps",
)

# Common words of five letters or more that must never be "corrected" into a cue word.
_KNOWN_WORDS: frozenset[str] = _words(
    """
    about above after again against almost along already always around because been
    before being below better between bench could doing during early every feels feeling
    first going great heavy hours just later least leave legs light little maybe might
    morning mornings never night other overhead press really right second seems should
    shoulda since sitting setting started still stuff stuck sure thanks their there these
    thing things think those though three today tomorrow under until using week weeks
    weird where which while whole would worse worst wrong years yesterday share shape
    shard stand stands standing stable staple stable steady state single simple sleep
    tired bright shorts short shout shouting stairs start stop stopped something sometimes
    tight tighter tights lower upper middle running walking doing curls curling rows
    rowing presses pullups pushups chinups dips lunges lunge flies flyes raises extensions
    extension machine dumbbell dumbbells barbell barbells plates cable cables reps sets
    squat squats deadlift deadlifts cardio session sessions program routine coach hello
    normal should wanted wants where whats thats theres heres worried worry scared
    trained train training trainer friend friends bulking cutting protein calories
    mobility stretch stretching stretched warmup warming warmed strong stronger weaker
    weak weakness slightly slight really totally pretty quite gotten getting feels
    pulling pulled pushing pushed lifting lifted lifts bending bends bent sitting sits
    chair couch spine spinal point pointed finger fingers thumb thumbs front frontal
    behind inside outside below above across along right lefty bottom middle sides
    stomach belly groin thigh thighs shins shin calf heels heel glute glutes
    looked looking lacked licked locker rocked punched punching cheat cheated gluten
    lumber chess tended tinder sadden sunday monday friday hearts burns burnt pumps
    squad squads weekend weekly month acting arching angle angles breach breadth constancy
    constants deadline deadlines executors hunting joins needless selling shark shelling
    smoothing spelling spellings triangles twine waist waists weeds number numbers numbered
    trailing starting stating showing shopping hitting straight breaking"""
)

_TOKEN_SPLIT = re.compile(r"\s+")
_CLAUSE_PUNCT = re.compile(r"[.;:!?,()\[\]{}\n\r\t|…\"“”]+|\s[-–—~]+\s|[–—]+|\.\.+")
_NON_WORD = re.compile(r"[^a-z0-9, ]+")
_DIGIT_LETTER = re.compile(r"(\d)([a-z])")
_REPEATS = re.compile(r"([a-z])\1{2,}")


def _osa_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment edit distance (insert/delete/substitute/swap), capped."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        best = cur[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, prev2[j - 2] + 1)
            cur[j] = value
            best = min(best, value)
        if best > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


_FUZZY_SET = frozenset(_FUZZY_TARGETS)
_TARGETS_BY_INITIAL: dict[str, tuple[str, ...]] = {}
for _word in _FUZZY_TARGETS:
    _TARGETS_BY_INITIAL[_word[0]] = (*_TARGETS_BY_INITIAL.get(_word[0], ()), _word)


@lru_cache(maxsize=8192)
def _canonical(token: str) -> str:
    """Map one cleaned token to its canonical spelling (possibly several words)."""
    alias = _ALIASES.get(token)
    if alias is not None:
        return alias
    if len(token) < 5 or token in _PROTECTED or token.isdigit():
        return token
    limit = 1 if len(token) < 9 else 2
    best, best_distance = token, limit + 1
    for target in _TARGETS_BY_INITIAL.get(token[0], ()):
        distance = _osa_distance(token, target, limit)
        if distance < best_distance:
            best, best_distance = target, distance
    return best


def _tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("’", "'").replace("‘", "'").replace("`", "'").replace("´", "'")
    text = text.replace("'", "").replace("&", " and ").replace("w/o", " without ")
    text = text.replace("w/", " with ")
    text = _CLAUSE_PUNCT.sub(" , ", text)
    text = text.replace("-", " ").replace("/", " ").replace("+", " ")
    text = _DIGIT_LETTER.sub(r"\1 \2", text)
    text = _NON_WORD.sub(" ", text)
    text = _REPEATS.sub(r"\1", text)
    out: list[str] = []
    for raw in _TOKEN_SPLIT.split(text):
        if not raw:
            continue
        if raw == _BREAK:
            if out and out[-1] != _BREAK:
                out.append(_BREAK)
            continue
        out.extend(_canonical(raw).split())
    while out and out[-1] == _BREAK:
        out.pop()
    return out


# --------------------------------------------------------------------------- negation

_NEGATORS = _words(
    "no not never without none nor neither nothing dont doesnt didnt isnt arent wasnt "
    "werent havent hasnt hadnt wouldnt shouldnt zero"
)
# Words that end a negation's reach (besides punctuation).
_SCOPE_ENDERS = _words(
    "but just only though although however except yet and so because since more rather "
    "instead its sure know idea clue if whether why what when until now anymore"
)
_NEGATION_REACH = 4
_BELIEF_VERBS = frozenset({"think", "believe", "reckon", "feel", "seem", "seems"})


def _negated_flags(tokens: Sequence[str]) -> list[bool]:
    """negated[i] is True when token i sits inside a negation's reach."""
    negated = [False] * len(tokens)
    left = 0
    through_its = False  # "I don't think it's sharp": the negation reaches past "it's"
    for i, token in enumerate(tokens):
        if token == _BREAK:
            # A comma keeps a negation going through a list: "no numbness, tingling or ...".
            ahead = tokens[i + 1 : i + 4]
            if left and any(t in ("or", "nor") for t in ahead) and _BREAK not in ahead:
                left = _NEGATION_REACH
            else:
                left = 0
            continue
        if token in _NEGATORS:
            left = _NEGATION_REACH
            through_its = False
            continue
        if left and token in _BELIEF_VERBS:
            left = _NEGATION_REACH
            through_its = True
            continue
        if token in _SCOPE_ENDERS and not (through_its and token == "its"):
            left = 0
            continue
        if left:
            negated[i] = True
            if token in ("or", "nor"):
                left = _NEGATION_REACH
            else:
                left -= 1
    return negated


# --------------------------------------------------------------------------- cues


class _Cat(Enum):
    RED = "red"
    SHARP = "sharp"
    JOINT = "joint"
    LB_PART = "lb-part"
    BACK_BARE = "back-bare"
    LB_LIFT = "lb-lift"
    CHRONIC = "chronic"
    PUMP = "pump"
    DOMS = "doms"


@dataclass(frozen=True)
class _Cue:
    cat: _Cat
    pattern: re.Pattern[str]
    flag: str | None = None
    # Also ignore the cue when its last word is negated ("knees don't lock"); off for cues
    # that spell a negation themselves ("doesn't straighten", "no control of my bladder").
    check_end: bool = True


def _gap(n: int, *, through_and: bool = False) -> str:
    """Up to n words in between, never across a clause break or a "but" (nor an "and",
    unless through_and)."""
    stop = r"but\b" if through_and else r"but\b|and\b"
    return rf"(?: (?!{stop})[a-z0-9]+){{0,{n}}}?"


# Body parts where numbness can be felt, and limbs a radiating pain can travel down.
_LIMB_ANY = (
    r"(?:legs?|arms?|hands?|fingers?|feet|foot|toes?|calf|calves|thighs?|shins?|butt|"
    r"buttocks?|glutes?|hamstrings|knees?|elbows?|wrists?|ankles?|forearms?|heels?|face|"
    r"lips?|groin|saddle|side)"
)
_LIMB = (
    r"(?:legs?|arms?|hands?|fingers?|feet|foot|toes?|calf|calves|thighs?|shins?|butt|"
    r"buttocks?|glutes?|hamstrings|forearms?)"
)
_JOINT_WORD = r"(?:knees?|kneecaps?|elbows?|wrists?|ankles?|hips?|shoulders?|joints?|fingers?)"
_MUSCLE = (
    r"(?:quads|hamstrings|glutes|calves|chest|lats|traps|delts|biceps|triceps|abs|core|"
    r"forearms|legs?|arms?|shoulders|thighs?|butt|muscles?|neck|obliques|upper back|"
    r"mid back|rhomboids|whole body|body|everything)"
)
_PAIN = (
    r"(?:pain|painful|hurts?|hurting|aches?|aching|achy|sore|soreness|killing|"
    r"throbbing|throbs|tender|stiff)"
)
_JOINT_PAIN = r"(?:pain|painful|hurts?|hurting|aches?|aching|achy|throbbing|throbs)"
# A body part followed by "is fine", "doesn't hurt", "not sore" ... is not the complaint.
_FINE = (
    r"(?! (?:[a-z0-9]+ ){0,2}?(?:fine|ok|okay|good|great|alright|healthy|perfect|doesnt|dont|"
    r"isnt|arent|wasnt|not)\b)"
)
_INTENSE = (
    r"(?:extreme|extremely|massive|massively|huge|hugely|severe|severely|crazy|crazily|"
    r"insane|insanely|super|really|very|so|badly|ridiculously|hella|seriously|way)"
)
_URINE_COLOUR = r"(?:dark|darker|brown|brownish|cola|coke|black|red|reddish|bloody|blood|tea|rust)"


def _cue(cat: _Cat, pattern: str, flag: str | None = None, *, check_end: bool = True) -> _Cue:
    return _Cue(cat, re.compile(pattern), flag, check_end)


_CUES: tuple[_Cue, ...] = (
    # ----- red flags
    _cue(
        _Cat.RED,
        r"\b(?:numb|numbness|numbed|numbing|tingl\w*|pins and needles|pins n needles)\b",
        RF_NUMBNESS,
    ),
    _cue(
        _Cat.RED,
        r"\b(?:cant|couldnt|lost|lost all|losing|loss of|no) feel(?:ing)?"
        r"(?: (?:in|anything in))?(?: my| the)?(?: \w+)? " + _LIMB_ANY + r"\b",
        RF_NUMBNESS,
        check_end=False,
    ),
    _cue(
        _Cat.RED,
        r"\b" + _LIMB_ANY + _gap(2) + r" (?:keeps |kept )?(?:going|goes|went|falling|falls|"
        r"fell|feels|is) asleep\b|\b" + _LIMB_ANY + _gap(2) + r" (?:going|goes|went) dead\b",
        RF_NUMBNESS,
    ),
    _cue(
        _Cat.RED,
        r"\b(?:shoot\w*|shot|radiat\w*|travel\w*|spread\w*|zaps?|zapping|zings?|zinging|shocks?|"
        r"electric\w*)"
        + _gap(3)
        + r" (?:down|into|through|along)"
        + _gap(5)
        + r" "
        + _LIMB
        + r"\b",
        RF_RADIATING,
    ),
    _cue(
        _Cat.RED,
        r"\b(?:pain|ache|aching|numbness|tingling|burning)(?: \w+)? (?:goes|runs|running|"
        r"moves|moving|went|ran) (?:down|into)" + _gap(4) + r" " + _LIMB + r"\b"
        r"|\b(?:pain|ache|aching) (?:down|into) (?:my|the|both|one) " + _LIMB + r"\b",
        RF_RADIATING,
    ),
    _cue(_Cat.RED, r"\bsciatic\w*\b", RF_RADIATING),
    _cue(
        _Cat.RED,
        r"\b" + _URINE_COLOUR + _gap(3) + r" (?:urine|peed|pissed|pissing)\b"
        r"|\b(?:urine|peed|pissed|pissing)(?: [a-z0-9]+){0,6}? " + _URINE_COLOUR + r"\b"
        r"|\brhabdo\w*\b",
        RF_DARK_URINE,
    ),
    _cue(
        _Cat.RED,
        r"\b" + _INTENSE + r"(?: \w+)? (?:swollen|swelling|swelled|puffy|puffed up)\b"
        r"|\b(?:swollen|swelled|swelling|blown|blew|puffed)(?: up)? like (?:a )?balloons?\b"
        r"|\bballoon(?:ed|ing)\b|\btwice (?:the|its|their) (?:normal )?size\b",
        RF_SWELLING,
    ),
    _cue(
        _Cat.RED,
        r"\b(?:cant|couldnt|wont|unable to|not able to|doesnt|dont|will not|wouldnt|no longer)"
        r"(?: \w+){0,2}? (?:straighten|extend|unbend)\b|\bstuck (?:bent|in a bent)\b",
        RF_SWELLING,
        check_end=False,
    ),
    _cue(
        _Cat.RED,
        r"\bchest (?:pains?|tightness|pressure)\b|\b(?:pain|pains|pressure|tightness|tight)"
        r" (?:in|on|across) (?:my|the) chest\b|\bchest(?: \w+)? (?:feels|is|was|got)"
        r" (?:tight|heavy|crushed|crushing)\b|\btight chest\b"
        r"|\bcrushing (?:pain|pressure|feeling)\b",
        RF_CHEST,
    ),
    _cue(
        _Cat.RED,
        r"\b(?:breathless\w*|short(?:ness)? of breath|cant (?:catch my |get my )?breath\w*|"
        r"(?:hard|difficult|struggling|struggle|trouble|difficulty|cant|couldnt) (?:to )?"
        r"breath\w*|gasping)\b",
        RF_CHEST,
    ),
    _cue(
        _Cat.RED,
        r"\b(?:lost|lose|losing|loss of|no|cant|couldnt) (?:\w+ )?control"
        r"(?: of| over)?(?: my)? (?:bladder|bowels?|urine|poop)\b"
        r"|\b(?:lost|lose|losing|loss of|no)(?: my)? (?:bladder|bowels?) control\b"
        r"|\b(?:bladder|bowels?)(?: \w+){0,3} (?:control|accident)\b"
        r"|\bincontinen\w*\b|\b(?:wet|peed|pissed|pooped|shat|soiled) (?:myself|my pants)\b",
        RF_BLADDER_BOWEL,
        check_end=False,
    ),
    _cue(
        _Cat.RED,
        r"\b"
        + _JOINT_WORD
        + _gap(6, through_and=True)
        + r" (?:keeps |kept |sometimes |just )?(?:locks?(?! out)|locked(?! out)|locking(?! out)"
        r"|lock up|gives? (?:way|out)|gave (?:way|out)|giving (?:way|out)|buckl\w*"
        r"|pops? out|popped out|slips? out|slipped out|catches|catching)\b"
        r"|\blegs?" + _gap(3) + r" (?:keeps |kept )?(?:gives? way|gave way|giving way|buckl\w*)\b"
        r"|\bdislocat\w*\b",
        RF_JOINT_GIVES_WAY,
    ),
    # ----- warning pain
    _cue(
        _Cat.SHARP,
        r"\b(?:sharp\w*|stabb\w*|shooting|shoots|shot through|pinch\w*|sudden\w*|knife|knives|"
        r"piercing|twinge\w*|jolt\w*|zings?|zinged|searing|tweak\w*|electric\w*|tear|tore|"
        r"torn|strained|snap|snapped|snapping|yanked|spasms?|spasming)\b",
    ),
    _cue(
        _Cat.SHARP,
        r"\b(?:felt|heard|feel|got) (?:a |some |something )?(?:pop|popped|snap|click|rip|"
        r"ripping)\b|\bsomething (?:went|popped|snapped|gave|shifted|moved|tore|ripped)\b"
        r"|\bpulled (?:a|my) (?:\w+ )?(?:muscle|hamstrings|groin|calf|calves|back|quads|lats|"
        r"chest|traps|neck|oblique|biceps|triceps)\b"
        r"|\b(?:threw|thrown|put) (?:out my back|my back out)\b",
    ),
    _cue(
        _Cat.SHARP,
        r"\b(?:pain|hurt|hurts|hurting)" + _gap(3) + r" (?:mid|middle of)(?: the| a| my)?"
        r" (?:rep|set|lift)\b",
    ),
    # ----- joints, tendons, systemic wear
    _cue(
        _Cat.JOINT,
        r"\b(?:knees?|kneecaps?|elbows?|wrists?|ankles?|achilles|patellar|tendons?|tendin\w*|"
        r"ligaments?|cartilage|bursitis|rotator cuff|ac joint|joints?|meniscus|it band)\b"
        r"(?! (?:wraps?|sleeves?|straps?|raises?|ups|tucks?|bands?|support)\b)" + _FINE,
    ),
    _cue(
        _Cat.JOINT,
        r"\b(?:shoulders?|hips?)(?! flexors?)"
        + _gap(2)
        + r" "
        + _JOINT_PAIN
        + r"\b|\b"
        + _JOINT_PAIN
        + r" (?:in|on) (?:my|the)(?: \w+)? (?:shoulders?|hips?)\b(?! flexors?)"
        r"|\b(?:shoulder|hip) joints?\b"
        r"|\b(?:shoulders?|hips?) (?:clicks?|clicking|pops|popping|grinds?|grinding)\b"
        r"|\bimpinge\w*\b|\b(?:tennis|golfers) elbow\b",
    ),
    _cue(
        _Cat.JOINT,
        r"\b(?:worn|run|beat|beaten|banged|burnt|burned) (?:down|up|out)\b"
        r"|\bfeel(?:ing)? (?:so |really |like an? )?old\b|\bold man\b|\bovertrain\w*\b"
        r"|\b(?:tired|exhausted|achy|fatigued) all the time\b"
        r"|\b(?:always|constantly) (?:tired|exhausted|achy|fatigued)\b",
    ),
    # ----- lower back
    _cue(
        _Cat.LB_PART,
        r"\b(?:lower back|low back|lumbar|erectors?|spinal erectors?|lower spine|sacrum|"
        r"si joint|lower lumbar)\b" + _FINE,
    ),
    _cue(
        _Cat.BACK_BARE,
        r"(?:\b(?:my|the|whole) |^|(?<=, ))back\b(?! (?:of|squats?|extensions?|off|to|in|on)\b)"
        + _FINE,
    ),
    _cue(
        _Cat.LB_LIFT,
        r"\b(?:deadlift\w*|squat\w*|rows?|rowing|good mornings?|back extensions?|"
        r"hyperextensions?|hypers|cleans?|kettlebell swings?|swings|bent over|lifting|"
        r"leg day|lifted)\b",
    ),
    _cue(
        _Cat.CHRONIC,
        r"\b(?:all the time|daily|constantly|constant|chronic\w*|"
        r"permanently|perpetually|forever|24 7|never goes away|wont go away|doesnt go away|"
        r"never recovers|never gets better|every (?:single )?(?:day|morning|night)|"
        r"each (?:day|morning)|rest days?|for ages)\b"
        r"|\balways\b(?!(?: [a-z0-9]+){0,2} after)"
        r"|\b(?:\d+|a few|a couple|couple|two|three|four|five|six|several|many) (?:of )?"
        r"(?:weeks|months|years)\b(?! ago)"
        r"|\b(?:weeks|months|years) now\b|\bfor (?:weeks|months|years)\b"
        r"|\b(?:a|one|1|whole|over a|for a) (?:month|year)\b(?! ago)"
        r"|\b(?:sit|sitting|sat|seated|desk|office|posture|pelvic tilt|anterior tilt|apt|"
        r"hip flexors?|standing all day)\b",
    ),
    # ----- pump / burn
    _cue(
        _Cat.PUMP,
        r"\b(?:burn|burns|burning|burned|burnt|pump|pumps|pumped|pumping|lactic\w*|on fire|"
        r"feels like fire|cramp\w*|stings?|stinging)\b",
    ),
    # ----- ordinary soreness
    _cue(
        _Cat.DOMS,
        r"\b(?:sore\w*|doms|tender\w*|stiff\w*|achy|aches|ache|aching|dull|tight|tightness|"
        r"wrecked|destroyed|cooked|fried|crippl\w*|hobbl\w*|killing me|jelly|tired|fatigued|"
        r"bruised|hit by a truck|barely walk|cant walk|cant sit|cant lift my arms|"
        r"cant raise my arms|stairs|toilet|feels? dead|feels? like jelly)\b",
    ),
    _cue(
        _Cat.DOMS,
        r"\b" + _MUSCLE + _gap(3) + r" " + _PAIN + r"\b|\b" + _PAIN + _gap(3) + r" (?:in )?"
        r"(?:my |the )?" + _MUSCLE + r"\b",
    ),
    _cue(
        _Cat.DOMS,
        r"\b(?:pain|hurts?|hurting)\b" + _gap(4) + r" (?:day after|next day|days after|"
        r"after (?:the |my |a )?(?:gym|workout|training|session|lifting|leg day|chest day|"
        r"push day|pull day|arm day)|since (?:yesterday|monday|tuesday|wednesday|thursday|"
        r"friday|saturday|sunday))\b",
    ),
)

# Words the cue patterns spell out are never "corrected" into another word.
_PROTECTED: frozenset[str] = (
    _KNOWN_WORDS
    | _FUZZY_SET
    | frozenset(word for cue in _CUES for word in re.findall(r"[a-z]{5,}", cue.pattern.pattern))
)


# --------------------------------------------------------------------------- classify


def _find(tokens: list[str]) -> dict[_Cat, list[tuple[str, str | None]]]:
    """All cue hits that are not negated, per category, as (phrase, red-flag name)."""
    text = " ".join(tokens)
    starts: list[int] = []
    offset = 0
    for token in tokens:
        starts.append(offset)
        offset += len(token) + 1
    negated = _negated_flags(tokens)
    hits: dict[_Cat, list[tuple[str, str | None]]] = {}
    for cue in _CUES:
        for match in cue.pattern.finditer(text):
            if negated[bisect_right(starts, match.start()) - 1]:
                continue
            if cue.check_end and negated[bisect_right(starts, match.end() - 1) - 1]:
                continue
            hits.setdefault(cue.cat, []).append((match.group(0), cue.flag))
    return hits


def _phrases(hits: list[tuple[str, str | None]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(phrase for phrase, _ in hits))


def classify_pain(text: str) -> Triage:
    """Sort a free-text pain description into a `PainKind` (see the module docstring)."""
    tokens = _tokens(text)
    if not tokens:
        return Triage(PainKind.UNCLEAR, (), ())
    hits = _find(tokens)

    red = hits.get(_Cat.RED)
    if red:
        flags = tuple(dict.fromkeys(flag for _, flag in red if flag is not None))
        return Triage(PainKind.RED_FLAG, flags, _phrases(red))
    for cat, kind in (
        (_Cat.SHARP, PainKind.SHARP),
        (_Cat.JOINT, PainKind.JOINT_TENDON),
    ):
        found = hits.get(cat)
        if found:
            return Triage(kind, (), _phrases(found))

    lift = hits.get(_Cat.LB_LIFT, [])
    chronic = hits.get(_Cat.CHRONIC, [])
    back = list(hits.get(_Cat.LB_PART, []))
    if not back and (lift or chronic):
        back = hits.get(_Cat.BACK_BARE, [])
    if back:
        if chronic:
            return Triage(PainKind.LOWER_BACK_CHRONIC, (), _phrases(back + chronic))
        return Triage(PainKind.LOWER_BACK_AFTER_LIFT, (), _phrases(back + lift))

    for cat, kind in ((_Cat.PUMP, PainKind.PUMP_BURN), (_Cat.DOMS, PainKind.DOMS)):
        found = hits.get(cat)
        if found:
            return Triage(kind, (), _phrases(found))
    return Triage(PainKind.UNCLEAR, (), ())


# --------------------------------------------------------------------------- advice

_ADVICE: dict[PainKind, str] = {
    PainKind.SHARP: (
        "That sounds like warning pain, not soreness. Sharp, stabbing or shooting pain, "
        "especially one that hits suddenly during a lift, often comes before an injury. "
        "Stop that lift now and don't grind through it. Rest it, and when you go back, "
        "go lighter and check your technique. If it lingers or keeps coming back, get it "
        "checked by a doctor or physiotherapist."
    ),
    PainKind.JOINT_TENDON: (
        "Sore joints or tendons aren't the useful kind of soreness. Muscles bounce back in "
        "a couple of days, but tendons and joints repair much more slowly, so this usually "
        "means your total training stress has crept too high. Cut back on intensity and "
        "volume: a deload week (two sets per exercise, stopping a couple of reps short of "
        "failure) is a good reset. If it still hurts after easing off, see a physiotherapist."
    ),
    PainKind.LOWER_BACK_AFTER_LIFT: (
        "A tired, sore lower back after deadlifts, squats or rows is normal. Your spinal "
        "erectors are muscles and get sore like any other, usually a day or two later. Keep "
        "it moving: a few slow cat-camels when you wake up and before training bring blood "
        "flow and ease the stiffness. Keep your back neutral under load. If the pain turns "
        "sharp or shoots down a leg, stop and get it checked."
    ),
    PainKind.LOWER_BACK_CHRONIC: (
        "A lower back that never seems to recover is usually not training soreness. Often "
        "it's posture: hips tipped forward (anterior pelvic tilt) or long hours sitting keep "
        "those muscles working all day, so they never get to rest. Build stronger abs and "
        "glutes to hold your hips in a better position, give the back some rest and break "
        "up long sitting. If it hasn't improved in a few weeks, see a physiotherapist or "
        "doctor."
    ),
    PainKind.PUMP_BURN: (
        "A burn or pump during a set is normal: it's your muscles working hard, and it fades "
        "within minutes of racking the weight. It isn't an injury signal and it isn't "
        "soreness. Rest between sets so you start the next one fresh. If the feeling is "
        "still there long after training, or turns sharp, tell me more."
    ),
    PainKind.DOMS: (
        "That sounds like normal muscle soreness (DOMS): a dull, tender, stiff ache that "
        "peaks about 24–72 hours after training. Training sore is fine and can even ease it: "
        "do a dynamic warm-up and light warm-up sets, then try a working set. Stronger or "
        "about the same? Carry on. Weaker? Make it a light active-recovery day. Skip "
        "anti-inflammatories; blood flow helps more. If it's crippling, ease in more gently "
        "next time."
    ),
    PainKind.UNCLEAR: (
        "I need a bit more detail to tell what this is. What does it feel like (a dull ache, "
        "sharp, burning, numb or tingling)? Where is it (a muscle, a joint or tendon, your "
        "lower back)? And when did it start (during a set, a day or two after training, or "
        "weeks ago)?"
    ),
}


def triage_advice(triage: Triage) -> str:
    """The verdict for a triage result: what it likely is and what to do, plain text."""
    if triage.kind is not PainKind.RED_FLAG:
        return _ADVICE[triage.kind]
    flags = triage.red_flags
    found = join_words(flags) if flags else "a warning sign"
    if _EMERGENCY_FLAGS.intersection(flags):
        action = (
            "This is an emergency: call your local emergency number or go to the emergency "
            "department now."
        )
    elif _SAME_DAY_FLAGS.intersection(flags):
        action = (
            "Get urgent medical care today: after a hard session this can mean serious "
            "muscle breakdown, which needs a doctor quickly."
        )
    else:
        action = "See a doctor urgently, and don't lift again until you've been checked."
    return (
        f"Stop training now. You mentioned {found}: that is a red flag, not ordinary "
        f"soreness. {action}"
    )


# --------------------------------------------------------------------------- follow-ups


class FollowUp(NamedTuple):
    """One clarifying question; unpacks as (question, options)."""

    question: str
    options: tuple[tuple[str, str], ...]  # (button label, phrase appended to the text)


FOLLOW_UPS: tuple[FollowUp, ...] = (
    FollowUp(
        "What does it feel like?",
        (
            ("Dull ache / tender", "dull ache"),
            ("Sharp or stabbing", "sharp stabbing pain"),
            ("Burning during a set", "burn during the set"),
            ("In a joint or tendon", "joint pain"),
            ("Numb or tingling", "numbness tingling"),
        ),
    ),
    FollowUp(
        "When did it start?",
        (
            ("During a set, gone after", "burn during the set that fades after"),
            ("A day or two after training", "sore a day or two after training"),
            ("Suddenly, mid-lift", "sudden pain mid lift"),
            ("Weeks ago, most days since", "aching joints every day for weeks"),
        ),
    ),
    FollowUp(
        "Where is it?",
        (
            ("A muscle I trained", "sore muscles"),
            ("Knee, elbow, wrist or a tendon", "joint pain"),
            ("Lower back, after lifting", "lower back sore after deadlifts"),
            ("Lower back, most days", "lower back sore every day for weeks"),
            ("Chest, or short of breath", "chest pain short of breath"),
        ),
    ),
)


def append_answer(description: str, phrase: str) -> str:
    """Add a follow-up answer to a description as its own clause, so a negation at the end
    of the description ("...but not sharp") cannot reach into the answer."""
    description = description.strip()
    return f"{description}. {phrase}" if description else phrase
