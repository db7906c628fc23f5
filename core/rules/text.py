"""Cleaning what people type before anything reads or stores it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

# Longest message the coach reads; Telegram's own limit is 4,096 characters.
MAX_TEXT = 4000

# A typed yes or no, where a question offers Yes/No buttons.
_YES = frozenset(
    "yes y ye ya yea yeah yep yup yas sure ok okay k kk confirm save correct right absolutely "
    "definitely".split()
)
_NO = frozenset("no n nah nope naw cancel stop dont never nevermind".split())
_YES_PHRASES = ("go ahead", "do it", "sounds good", "of course", "please do")
_NO_PHRASES = ("not now", "leave it", "forget it")


def plain_words(text: str) -> str:
    """`text` lower-cased, apostrophes dropped and punctuation made spaces: "Don't save!"
    reads "dont save"."""
    return " ".join(
        re.sub(r"[^\w\s-]", " ", text.lower().replace("'", "").replace("’", "")).split()
    )


def read_yes_no(
    text: str, yes: frozenset[str] = frozenset(), no: frozenset[str] = frozenset()
) -> bool | None:
    """A typed answer to a yes/no question, as people type it ("yes please", "nah",
    "no thanks", "don't save", "go ahead"): True, False, or None when it is neither.
    `yes` and `no`: the question's own words for each ("delete" and "keep" when asked
    whether to delete everything), which mean nothing at another question."""
    said = plain_words(text)
    if not said:
        return None
    first = said.split()[0]
    if first in _NO or first in no or said.startswith(_NO_PHRASES):
        return False
    if first in _YES or first in yes or said.startswith(_YES_PHRASES):
        return True
    return None


_BIDI_AND_CONTROL = re.compile(
    "[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


def clean_text(text: str) -> str:
    """Drop control and direction-override characters (they can disguise text in a
    group chat or break a terminal), normalise width variants, trim the ends."""
    return unicodedata.normalize("NFKC", _BIDI_AND_CONTROL.sub("", text)).strip()


def clean_name(name: str, limit: int = 128) -> str:
    """A display name as the platform gave it, made safe to store and to show in a group:
    no control or direction-override characters, no line breaks, at most `limit` long."""
    return " ".join(clean_text(name).split())[:limit]


def parse_command(text: str) -> tuple[str, str] | None:
    """`/Check-In@DomsBot legs 3` → ("checkin"-style name, "legs 3"); None if not a command."""
    if not text.startswith("/") or len(text) < 2:
        return None
    head, _, rest = text[1:].partition(" ")
    head, _, rest2 = head.partition("\n")
    name = head.split("@", 1)[0].lower()
    return name, (rest2 + " " + rest).strip() if rest2 else rest.strip()


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def join_words(words: Sequence[str]) -> str:
    """["a", "b", "c"] → "a, b and c"."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


# Someone whose soreness is not the user's: a pet (outside what the article covers) or
# another person (not the user's check-in, though the advice still applies).
ANIMALS = r"(?:cats?|dogs?|pupp(?:y|ies)|kittens?|horses?|pets?)"
OTHER_PEOPLE = (
    r"(?:friends?|buddy|buddies|mates?|wife|husband|partner|gf|bf|girlfriend|boyfriend"
    r"|sons?|daughters?|kids?|brother|sister|mom|mum|dad|roommate|clients?)"
)


# Being ill: outside what the coach knows, whether asked as a question ("train with a
# fever?") or as "should I go today?" — a cold is no soreness to check readiness against.
ILLNESS = (
    # Covid as an illness, not as a time ("let myself go during covid").
    r"\b(?:throat|fever|flu|(?<!during )(?<!since )(?<!before )covid(?! (?:times|era|lockdowns?))"
    r"|cough(?:ing)?|sneez(?:e|ing)|runny nose"
    r"|a cold(?! (?:bath|shower|plunge|tub)))\b"
)


# Emoji that stand for a word in lifters' messages ("legs 💀💀", "👋"); others are dropped.
EMOJI_WORDS: dict[str, str] = {
    "👋": "hi",
    "🦵": "legs",
    "🙏": "thanks",
    "👍": "ok",
    "👌": "ok",
    "💀": "dead",
    "☠": "dead",
    "😵": "dead",
    "🫠": "dead",
    "🥵": "very sore",
    "🔥": "sore",
    "😫": "very sore",
    "😩": "very sore",
}


def spell_emoji(text: str) -> str:
    """`text` with the emoji of `EMOJI_WORDS` written as their words."""
    for emoji, word in EMOJI_WORDS.items():
        if emoji in text:
            text = text.replace(emoji, f" {word} ")
    return text
