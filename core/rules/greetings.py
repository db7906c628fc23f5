"""Greetings, thanks and "what can you do?": the social messages the coach answers with a
hello and its main actions, never with "I'm not sure"."""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum

from core.rules.chat_words import mentions_training, words
from core.rules.soreness import MUSCLE_GROUPS
from core.rules.soreness_talk import read_soreness_talk

_HELLO = frozenset(
    "hi hello hey heya hiya yo sup wassup whatsup wazzup howdy morning evening afternoon".split()
)
_THANKS = frozenset("thanks thank cheers appreciate appreciated helped helpful useful".split())
_BYE = frozenset("bye goodbye later night goodnight nite gnight tomorrow soon".split())
_HELP = frozenset("help menu options commands command start features".split())
_OK = frozenset("ok okay k kk alright cool nice great awesome sweet noted gotcha sure".split())
_GREETS = _HELLO | _THANKS | {"bye", "goodbye"}
_SOCIAL_ANCHORS = _HELLO | _THANKS | _BYE | _HELP | _OK | {"who"}
# Talk to the coach rather than about anything: social words, and words with no subject of
# their own. A message of nothing else is social ("you there?", "what is this", "👋").
_SOCIAL = _SOCIAL_ANCHORS | frozenset(
    """a about again all am an and any anyone anybody anything are as at be been bot but by
    can coach could did do does doing dont doesnt each else ever for from get got had has
    have he her here hey him his how i id if ill im in is isnt it its ive just know let lets
    like lol lmao me mine more much my need new no nobody not now of off on one only or our
    out over please really say see she should so some someone something still such than
    that thats the their them then there theres these they thing things this those tho
    though to too try up us very was we well were what whats when where which while who
    whom whose why will with would yes yeah yep yup you youre your yours yall
    awesome cool dude good great guys happy hows going kind long lot man mate name nice
    perfect person real stuff time today use useful work works made actually able show ask
    tell buddy bro fam day sir round robot human ai up best legend goat talk chat catch
    legit saved week peace soon exactly again over smart clever funny cute amazing pretty
    cool download downloaded app ayo honestly used ever forgot advice tips info clear easy
    follow wanted say said love loved evening last quick first started using home gave
    clutch tip
    """.split()
)
# How many words besides social ones a greeting may carry ("hope ur having a good day").
_CHAT_WORDS = 3
# Words about the body or pain: never part of a greeting.
_BODY = frozenset(
    """sore soreness doms pain hurt hurts hurting ache aches achy injury injured muscle
    muscles knee knees back legs leg arms arm chest shoulder shoulders numb tingling""".split()
)
# What the coach does, not what someone does somewhere ("what do you do on a deload week"
# asks about deloads).
_DO = r"do\b(?! (?:on|in|at|during|for|when|if|after|before|about|with|to) \w)"
# "What can you do?" and its like carry no anchor word of their own.
_CAPABILITY = re.compile(
    rf"\bwhat (can|do|could) (you|this|this bot|this app) (actually |even |really )?({_DO}|help)"
    r"|\bhow (do|does) (you|this|it|this bot|this thing|this app) (work|help)"
    r"|\bwhat (are|r) you\b|\bwhat (are|r) you for\b|\bwhat your for\b"
    r"|\bwhat (kind of |kinda |sort of |sorta )?(stuff|things) can i ask\b"
    r"|\bwhat (can|should) i (ask|say|type)\b|\b(list|menu) of (commands|options|features)\b"
    r"|\bare you (a |an )?(real|bot|human|robot|ai|person)\b|\bshow (me )?(the |your )?options\b"
    r"|\bwhat is this (app|bot|thing)( for)?\b|\bdo i just type\b|\blist of what\b"
    rf"|\bwhat is it (you|u) {_DO}|\bwhat (exactly )?do (you|u) {_DO}"
    r"|\bwhere (do|should|can) i (even )?start\b|\bfirst time (using|here|on)\b"
    r"|\b(what|how) (can|could|are) (you|u) (able to )?help\b|\bable to help\b"
    r"|\bwhat (commands|options|features) (do|does|can) (you|this|it)\b"
    r"|\bwhat (kind of |kinda |sort of )?(stuff|things|topics) (can|do) you help\b"
    r"|\bis (this|it) (thing |bot )?(working|on|live)\b|\byou (there|alive|awake|up)$"
    r"|\bis this (the |a |that )?(\w+ )?(bot|coach|app)\b|\b(im|i am) back( again)?$"
    r"|\b(just )?(started|starting) (using|with) (this|you|the bot|the app)\b"
    r"|\bwhat (are|were) (the|your) (options|commands)\b"
)


# "Back again", "just back from the gym", "let's go!": where someone is back from, and
# cheering, say nothing about their back or their training.
_ASIDES = re.compile(r"\bback (again|from (the |my )?\w+)|\blets go\b")
# Saying outright that the message is a greeting ("just wanted to say hi").
_SAYS_HI = re.compile(r"\b(wanted|want|just|came|here) to say (hi|hello|hey|thanks|thank you)\b")


def greets(words: Sequence[str]) -> bool:
    """Whether a message says hello, thanks or bye somewhere in it — not "please", which
    makes it a request ("write my essay pls 🙏")."""
    return bool(_GREETS.intersection(words)) and "please" not in words


def _unthanked(clauses: Sequence[Sequence[str]]) -> list[Sequence[str]]:
    """The clauses without what someone thanks the coach for ("thanks for the tips on
    soreness"): the subject of a thank-you is not news about the body."""
    out: list[Sequence[str]] = []
    for clause in clauses:
        head = clause[:3]
        if _THANKS.intersection(head) and "for" in clause[1:4]:
            clause = clause[: clause.index("for", 1)]
        out.append(clause)
    return out


def is_social(text: str, clauses: Sequence[Sequence[str]], asks: bool) -> bool:
    """Only greetings, thanks or asking what the coach is — nothing about the body, training
    or anything else, which a greeting in front of it ("hey coach, my chest is sore") never
    hides. A message of emoji or punctuation alone is social too."""
    content = [w for c in _unthanked(clauses) for w in c]
    if not content:
        return bool(text.strip())
    said = " ".join(_ASIDES.sub("", " ".join(content)).split())  # "hey coach, back again"
    content = said.split()
    if _CAPABILITY.search(said) or _SAYS_HI.search(said):
        # "what can you help with, soreness stuff too?" asks; "my legs are sore" tells.
        return not read_soreness_talk(content, MUSCLE_GROUPS).named
    if all(w in _SOCIAL for w in content):
        return True
    # "thanks coach, that warm-up tip actually worked": thanks, then how the advice went,
    # asking nothing and telling nothing about the body.
    first, rest = list(clauses[0]), [w for c in clauses[1:] for w in c]
    if rest and _THANKS.intersection(first) and all(w in _SOCIAL for w in first) and not asks:
        return not _BODY.intersection(rest) and not read_soreness_talk(rest, MUSCLE_GROUPS).named
    # "good morning, hope ur having a good day", "thanks, that helped a ton": a greeting
    # with a little chat around it, asking nothing and saying nothing about the body or
    # training (a request with a subject, "write my essay pls 🙏", is no greeting).
    return (
        bool(set(content) & (_HELLO | _THANKS | _BYE))
        and sum(w not in _SOCIAL for w in content) <= _CHAT_WORDS
        and not asks
        and not _BODY.intersection(content)
        and not mentions_training(said)
        and not read_soreness_talk(content, MUSCLE_GROUPS).about_soreness
    )


class Greeting(StrEnum):
    HELLO = "hello"
    THANKS = "thanks"
    BYE = "bye"
    HELP = "help"
    OK = "ok"


def read_greeting(text: str) -> Greeting:
    """Which kind of social message `text` is, so the reply fits it ("thanks!" is not
    answered with "hi!")."""
    said_words = words(text)
    said = set(said_words)
    if said & _THANKS:
        return Greeting.THANKS
    if said & _BYE:
        return Greeting.BYE
    if said & _HELP or said == {"who"} or _CAPABILITY.search(" ".join(said_words)):
        return Greeting.HELP
    if said & _OK and not said & _HELLO:
        return Greeting.OK
    return Greeting.HELLO
