"""How people type to a coach in chat, read as plain words: shorthand ("u", "rn", "ty"),
letters held down ("helloo"), emoji that stand for a word, and clauses split at commas.
The router and the greeting reader share it, so a message reads the same to both."""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.rules.text import spell_emoji
from core.rules.triage import read_tokens

# Chat shorthand triage leaves as typed, read as the words it stands for. The knowledge
# base reads it too (`core/features/faq/wording.py`), on top of its own slang.
SHORTHAND = {
    "u": "you",
    "ur": "your",
    "r": "are",
    "n": "and",
    "rn": "now",
    "tn": "tonight",
    "tonite": "tonight",
    "2nite": "tonight",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "thx": "thanks",
    "thnx": "thanks",
    "thanx": "thanks",
    "tnx": "thanks",
    "ty": "thanks",
    "tysm": "thanks",
    "tq": "thanks",
    "pls": "please",
    "plz": "please",
    "wat": "what",
    "wut": "what",
    "wot": "what",
    "shud": "should",
    "shld": "should",
    "cn": "can",
    "todays": "today",
    "hallo": "hello",
    "hola": "hello",
    "gm": "morning",
    "gn": "night",
    "cya": "bye",
    "ttyl": "bye",
    "cu": "bye",
}


# Greetings typed with letters held down: "helloo", "heyyy", "hiii", "yoooo".
_STRETCHED = (
    (re.compile(r"^hel+o+$"), "hello"),
    (re.compile(r"^hey+$"), "hey"),
    (re.compile(r"^hi+$"), "hi"),
    (re.compile(r"^yo+$"), "yo"),
)


def _unstretched(token: str) -> str:
    return next((word for pattern, word in _STRETCHED if pattern.match(token)), token)


def words(text: str) -> list[str]:
    tokens = [SHORTHAND.get(t, t) for t in map(_unstretched, read_tokens(spell_emoji(text)))]
    joined = " ".join(tokens).replace("2 day", "today").replace("to day", "today")
    return joined.split()


def clauses(words: Sequence[str]) -> list[list[str]]:
    """`words` split into clauses at each comma."""
    out: list[list[str]] = [[]]
    for w in words:
        if w == ",":
            out.append([])
        else:
            out[-1].append(w)
    return [c for c in out if c]


# Training, as the activity someone asks about or says they did.
TRAIN = (
    r"(go|going|lift|lifting|train|training|gym|workout|work out|working out|hit|do it|push|session"
    r"|exercise|exercising|go ahead"
    r"|squats?|bench|deadlifts?|deads|lifts|sets|reps|run|sprint|sprints|cardio|class"
    r"|leg day|push day|pull day)"
)
_TRAINING = re.compile(rf"\b{TRAIN}\b")


def mentions_training(said: str) -> bool:
    """Whether plain words (`words`, joined) speak of training: "gym", "squats", "sets"."""
    return bool(_TRAINING.search(said))
