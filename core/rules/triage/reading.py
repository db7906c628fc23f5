"""Reading a description into clean, canonical words, and finding which of them sit
inside a negation's reach ("no numbness", "doesn't shoot")."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from core.rules.triage.cues import CUES
from core.rules.triage.vocabulary import ALIASES, BREAK, FUZZY_TARGETS, KNOWN_WORDS, words

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


_FUZZY_SET = frozenset(FUZZY_TARGETS)
_TARGETS_BY_INITIAL: dict[str, tuple[str, ...]] = {}
for _word in FUZZY_TARGETS:
    _TARGETS_BY_INITIAL[_word[0]] = (*_TARGETS_BY_INITIAL.get(_word[0], ()), _word)


PROTECTED: frozenset[str] = (
    KNOWN_WORDS
    | _FUZZY_SET
    | frozenset(word for cue in CUES for word in re.findall(r"[a-z]{5,}", cue.pattern.pattern))
)


# Every word the cue patterns spell, short ones too ("numb").
CUE_WORDS: frozenset[str] = frozenset(
    word for cue in CUES for word in re.findall(r"[a-z]+", cue.pattern.pattern)
)


@lru_cache(maxsize=8192)
def _canonical(token: str) -> str:
    """Map one cleaned token to its canonical spelling (possibly several words)."""
    alias = ALIASES.get(token)
    if alias is not None:
        return alias
    if token in PROTECTED or token.isdigit():
        return token
    if len(token) > 4 and token[-1] == token[-2] and token[:-1] in CUE_WORDS:
        return token[:-1]  # "numbb", "sharpp": a key held down on a cue word
    if len(token) < 5:
        return token
    limit = 1 if len(token) < 9 else 2
    best, best_distance = token, limit + 1
    for target in _TARGETS_BY_INITIAL.get(token[0], ()):
        distance = _osa_distance(token, target, limit)
        if distance < best_distance:
            best, best_distance = target, distance
    return best


def read_tokens(text: str) -> list[str]:
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
        if raw == BREAK:
            if out and out[-1] != BREAK:
                out.append(BREAK)
            continue
        out.extend(_canonical(raw).split())
    while out and out[-1] == BREAK:
        out.pop()
    return out


# --------------------------------------------------------------------------- negation

_NEGATORS = words(
    "no not never without none nor neither nothing dont doesnt didnt isnt arent wasnt "
    "werent havent hasnt hadnt wouldnt shouldnt zero"
)
# Words that end a negation's reach (besides punctuation).
_SCOPE_ENDERS = words(
    "but just only though although however except yet and so because since more rather "
    "instead its sure know idea clue if whether why what when until now anymore"
)
_NEGATION_REACH = 4
_BELIEF_VERBS = frozenset({"think", "believe", "reckon", "feel", "seem", "seems"})


def negated_flags(tokens: Sequence[str]) -> list[bool]:
    """negated[i] is True when token i sits inside a negation's reach."""
    negated = [False] * len(tokens)
    left = 0
    through_its = False  # "I don't think it's sharp": the negation reaches past "it's"
    for i, token in enumerate(tokens):
        if token == BREAK:
            # A comma keeps a negation going through a list: "no numbness, tingling or ...".
            ahead = tokens[i + 1 : i + 4]
            if left and any(t in ("or", "nor") for t in ahead) and BREAK not in ahead:
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
