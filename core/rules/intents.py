"""What a message typed without a command is: a greeting, today's soreness, a pain, a
"should I train today?", or a question for the knowledge base.

People write to a coach in sentences, so free text is read before the FAQ sees it:
"my legs are wrecked" is a check-in, "sharp pain in my knee" is a pain to triage, "go or
rest?" is what the in-gym check is for. The reading is rules over the words triage reads,
chat shorthand read and clauses marked (`chat_words.py`), in this order:

1. a medical red flag anywhere → pain, always (triage then points to a professional);
2. another warning pain (sharp, joint or tendon, lower back, a burn during a set), said
   about oneself or not asked as a general question → pain;
3. nothing but greetings, thanks or asking for help → greeting (`greetings.py`);
4. asking whether to train today, go or rest, skip or not → ready;
5. a statement of how sore one is → check-in; when it also asks what that means ("legs
   are sore today, is that normal?"), the two readings are close and the coach asks;
6. anything else → question: the knowledge base answers it, or says it cannot.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from core.rules import chat_words
from core.rules.chat_words import TRAIN, mentions_training
from core.rules.checkin_words import AREA_ALIASES
from core.rules.greetings import greets, is_social
from core.rules.soreness import MUSCLE_GROUPS
from core.rules.soreness_talk import read_soreness_talk
from core.rules.text import ANIMALS, ILLNESS, OTHER_PEOPLE, spell_emoji
from core.rules.triage import PainKind, Triage, classify_pain, read_tokens


class Intent(StrEnum):
    GREETING = "greeting"
    CHECKIN = "checkin"
    PAIN = "pain"
    READY = "ready"
    QUESTION = "question"  # the knowledge base answers it, or honestly can't


@dataclass(frozen=True, slots=True)
class Reading:
    intent: Intent
    # A second reading as likely as the first: the coach asks which was meant.
    or_else: Intent | None = None
    # The message asks something (a question mark, "should I", "is it normal"…).
    asks: bool = False
    # It says hello, thanks or bye somewhere, whatever else it says.
    greets: bool = False
    # It describes a sharp pain without saying whose ("heard a pop n now bruising, see
    # someone?"): a question about such pain, or the writer's own.
    warns: bool = False


def unanswered(reading: Reading) -> Intent:
    """What a message read as a question is when the knowledge base cannot answer it: a
    greeting, if it says hello or thanks and asks nothing ("gm, new week, let's go!"),
    so a hello is never met with "I'm not sure"; triage, if it describes a sharp pain,
    so a possible injury is never met with it either; otherwise a question honestly
    refused."""
    if reading.warns:
        return Intent.PAIN
    return Intent.GREETING if reading.greets and not reading.asks else Intent.QUESTION


# -- "should I train today?" ---------------------------------------------------------------

_SKIP = (
    r"(rest|resting|skip|skipping|not|nah|no|stay home|take a rest day|rest day|day off|swap"
    r"|switch|change|sub|substitute|couch|sofa|bed|netflix|chill|relax)"
)
_NOW = (
    r"\b(today|tonight|now|tomorrow|this (morning|evening|afternoon|session|workout)|in an hour"
    r"|later|gym day|again)\b"
)
# Each pattern is a readiness question in its own right.
_READY = re.compile(
    "|".join(
        (
            rf"\b{TRAIN}( in)?( today| tonight| now)? (or|vs) {_SKIP}\b",
            # "triceps sore, train them tomorrow or rest?"
            rf"\b{TRAIN} (it|them|{'|'.join(AREA_ALIASES)})"
            rf"( today| tonight| now| tomorrow)? (or|vs) {_SKIP}\b",
            rf"\b(rest|skip|rest day) (or|vs) {TRAIN}\b",
            # "today i can go gym or better i rest?"
            rf"\b{TRAIN} or (better|rather|should|just)( i)? {_SKIP}\b",
            r"\bshould i (just |still |even |actually )?"
            r"(skip|rest|wait|take (a|the) (rest day|day off))",
            r"\btake (today|tonight|the day) off\b",
            r"\bshould i still (go|train|lift|work ?out|hit)\b",
            r"\bskip(ping)? (the |my )?(gym|training|workout|session|today|legs|leg day|it)\b",
            r"\bam i (ready|good|ok|okay|fit|fine|safe) (to|for)\b",
            r"\bready (to|for) (train|lift|the gym|a session|leg day|it)\b",
            r"\bworth (going|training|lifting)\b|\bis it (even )?worth it\b|^worth it$",
            r"\b(push|pushing) (through|thru)\b",
            r"\bis (today|it) a rest day\b",
            r"\b(too soon|too early) to (go|train|lift|work ?out|hit)\b",
            r"\bdo i (go|train|lift) (again|anyway|today)\b",
            r"\b(go|train|lift|do it|going)( to the gym| in| today)? anyway\b",
            r"\bas (planned|written|scheduled|programmed|usual)\b",
            r"\b(switch it up|go lighter|sit (this|it) (one )?out)\b",
            r"\b(light|easy|deload) (day|session|workout) or\b|\bor (a )?(light|easy|rest) day\b",
            r"(^|\b(lol|lmao|haha|so|but|and|then|now) )(should|can|do) i (still |even |just )?"
            r"(go|train|lift|work out|workout|hit the gym)$",
            r"\bunless (you|u) say (otherwise|so|not to)\b",
            r"\bor (full send|bail|take it easy|go (light|easy|lighter)|call it|stay home)\b",
            r"\b(keep going|push on|carry on|full send) or\b|\bbail on (this|the|my|today)",
            r"\b(lighter|light|easy|easier|heavy|full) (session|day|workout)"
            r"( today| tonight)? or\b",
            r"\breason to (rest|skip|stay home|take (a|the) day off)\b",
            rf"\breason (not to|to not) {TRAIN}\b",
            r"\b(active recovery|rest day|full rest|day off)( today)? or\b",
            rf"\b{TRAIN}( again| back)? (today|tonight|now|later) or\b",
            r"\b(good|ok|okay|fine|safe) to go (for|heavy|today|tonight|now)\b",
            r"\b(plan|program|programme|schedule|coach) (says|has)\b.*\bthoughts\b",
        )
    )
)
# These ask about training today only together with a word for today ("can I train legs today").
_READY_TODAY = re.compile(
    "|".join(
        (
            r"\b(should|can|could|may|do|shall) i (still |even |just |actually |really )?"
            r"(go|lift|train|work ?out|hit|do|gym|squat|bench|deadlift|run)\b",
            r"\b(ok|okay|fine|safe|good|alright|smart|wise|bad|dumb|stupid|a good idea) "
            r"(for me )?(to )?"
            r"(go|lift|train|work ?out|hit|do|training|lifting|going|squat|bench|run|sprint)\b",
            r"\b(bad|good|smart|dumb|stupid) idea\b"
            r"|\b(planning|plan|gonna|going) (to )?(squat|train|lift|run|go|hit)\b",
            rf"\b{TRAIN}( back| again)? (today|tonight|now)\b",
            r"\b(go|going) (heavy|lighter|light|easy|easier)\b",
            r"\bstill (do|go|train|lift|hit|do my)\b",
        )
    )
)


def _asks_to_train_today(clauses: Sequence[Sequence[str]], asks: bool) -> bool:
    joined = " ".join(w for c in clauses for w in c)
    if _READY.search(joined):
        return True
    if asks and clauses and list(clauses[-1]) in (["go"], ["lift"], ["train"]):  # "gym day. go?"
        return True
    if asks and re.search(r"\bstill (do|go|train|lift|hit)\b", joined):  # "still do push day?"
        return True
    # Within one clause: "every session, now nothing" says nothing about a session now.
    bounded = " , ".join(" ".join(c) for c in clauses)
    return asks and bool(_READY_TODAY.search(bounded)) and bool(re.search(_NOW, joined))


# -- statements and questions ----------------------------------------------------------------

# A clause starting with one of these asks something.
_WH = frozenset("what whats why how hows where which who whos".split())
# These always start a question; a clause starting with did, was, were or am ("did a long
# run saturday", "was wrecked yesterday") asks only when short or with a question mark.
_AUX = frozenset("is are does do can could should shall would will any anyone".split())
_PAST_AUX = frozenset("did was were am".split())
# "dont think its muscle", "isnt too bad": a negation opens a statement unless asked.
_NEGATED_AUX = frozenset("isnt arent doesnt dont didnt cant wont wasnt".split())
# Questions asked inside a sentence, and tacked onto a statement ("…, is that normal?").
_ASKING = re.compile(
    r"\b(should|can|could|do|shall|may|would) (i|you|we)\b"
    r"|\bhow (do|does|can|to|come|long|much|many|often|should)\b"
    r"|\bwhat (is|are|does|do|should|can|happens|about)\b|\bwhich\b|\bwhy\b"
    r"|\bis (it|that|this|there) (ok|okay|fine|safe|bad|normal|dumb|smart|true|good|wise|better"
    r"|worse)\b"
    r"|\bis (that|this|it) a problem\b|\b(right|or what|or nah|or not)$|\bwill it\b"
)
# A clause opening a condition or a general case is no statement of today's soreness.
_CONDITIONAL = frozenset({"if", "whenever", "unless", "for"})
# Soreness that is habitual ("I never get sore anymore") is not today's check-in.
_HABITUAL = frozenset({"never", "anymore", "usually", "always", "often"})
# Saying a pain is one's own ("my knee", "I've got", "I feel"), not asking about pain in general.
_OWN = re.compile(r"\b(my|me|im|ive|mine|myself)\b|\bi (have|got|get|feel|felt|keep|had|am)\b")
# Words of injury rather than soreness: said of oneself, a pain to look at.
_HURT = frozenset(
    """pain painful pops popping popped clicks clicking pinch pinching pinchy twinge tweaked
    tweak injured injury strain strained grinding pulled tore torn sprained rolled""".split()
)
_NO_HURT = re.compile(r"\b(no|nothing|not|dont|doesnt|without) (pain|hurts?)\b")
_TODAY = frozenset({"today", "now", "tonight", "still", "yesterday", "woke"})
# Someone else is the one sore ("my wife is sore after spin class", "my dog seems sore"):
# not the user's check-in, unless they speak of their own too.
_SOMEONE_ELSE = re.compile(
    rf"\b(?:my|our|his|her) (?:{OTHER_PEOPLE}|{ANIMALS}) (?:\w+ )?"
    r"(?:is|are|was|were|seems?|feels?|looks?|got|gets|has|have|keeps?)\b"
    r"|\b(?:he|she|hes|shes)(?: is)? (?:\w+ )?sore\b"
)
_JOINT = re.compile(
    r"\b(knees?|kneecaps?|elbows?|wrists?|ankles?|hips?|shoulders?|joints?|tendons?|fingers?"
    r"|achilles|tendonitis|patellar|rotator|cuff)\b"
)
_DAY_AFTER = re.compile(
    r"\b(cant|barely|hardly) (sit|walk|move|stand|lift|raise|climb|get up|bend)\b"
    r"|\b(day after|next day|since yesterday|from yesterday|woke up|this morning)\b"
)
_LOWER_BACK = re.compile(r"\b(lower|low|lumbar|spine|spinal|tailbone)\b")


# How a joint is said to feel: a question naming a joint without one asks about something
# else ("a cue for keeping my elbows tucked").
_FEELS = re.compile(
    r"\b(pain\w*|hurt\w*|ach(e|es|y|ing)|sore\w*|tender|click\w*|pop\w*|pinch\w*|grind\w*"
    r"|swell\w*|swollen|stiff\w*|burn\w*|tendinitis|tendonitis|injur\w*|strain\w*|weird"
    r"|feel\w*|unstable|sharp|twinge\w*|tweak\w*|crack\w*|snap\w*|throb\w*|sting\w*"
    r"|bother\w*|killing|flare\w*)\b"
)


def _warning(triage: Triage, joined: str, asks: bool) -> bool:
    """A joint or tendon, or a lower back that never recovers — not "feeling beat up"
    (triage's sign of overall overload) or "back from 4 months off" (bare "back")."""
    if triage.kind is PainKind.LOWER_BACK_CHRONIC:
        return bool(_LOWER_BACK.search(joined))
    if triage.kind is PainKind.JOINT_TENDON:
        named = bool(_JOINT.search(" ".join(triage.matched)))
        return named and (not asks or bool(_FEELS.search(joined)))
    return False


def _is_question(clause: Sequence[str], question_mark: bool) -> bool:
    first = clause[0]
    if first in _WH:
        return True
    if clause[1:2] in (["barely"], ["hardly"]):  # "can barely lift my arms": a statement
        return False
    if first in _AUX or (first in _PAST_AUX and (question_mark or len(clause) <= 8)):
        return True
    if first in _NEGATED_AUX and question_mark:
        return True
    return bool(_ASKING.search(" ".join(clause)))


# "Sore" that is not about muscles: upset about something, or said of a thing.
_FIGURATIVE = re.compile(
    r"\bsore (about|over|loser|losers)\b|\bsore at (?!all\b)"
    r"|\bmy (?!(muscles?|body|everything|joints?|tendons?)\b)\w+ (is|are|feels?) "
    r"(so |really |very |kinda |a bit |still )?sore\b"
)


def _says_soreness(text: str, clauses: Sequence[Sequence[str]], question_mark: bool) -> bool:
    """Some clause states something, not asks or generalises, and the message tells how
    sore oneself is today: it names an area, gives a level as a number, says nothing is
    sore, or speaks of oneself or of today. When only an emoji spoke of soreness ("my cat
    won't stop meowing 😩"), it must name an area: alone, 😩 is a mood; so must "sore"
    said of something else ("my wallet is sore", "still sore about the match")."""
    stated = [
        c
        for c in clauses
        if not _is_question(c, question_mark)
        and c[0] not in _CONDITIONAL
        and not _HABITUAL.intersection(c)
    ]
    if not stated:
        return False
    words = [w for c in clauses for w in c]
    talk = read_soreness_talk([w for c in clauses for w in (*c, ",")], MUSCLE_GROUPS)
    if not talk.about_soreness:
        return False
    said = " ".join(words)
    if not talk.named and (
        (_FIGURATIVE.search(said) and not mentions_training(said)) or _sore_only_by_emoji(text)
    ):
        return False
    if _SOMEONE_ELSE.search(said) and not _OWN.search(_SOMEONE_ELSE.sub(" ", said)):
        return False
    numbered = any(w.isdigit() for w in words)
    own = bool(_OWN.search(said))
    return (
        bool(talk.named)
        or talk.rest is not None
        or numbered
        or own
        or bool(_TODAY.intersection(words))
    )


def _sore_only_by_emoji(text: str) -> bool:
    """Whether soreness was said only by an emoji ("😩"), read once it was said at all."""
    if spell_emoji(text) == text:
        return False
    return not read_soreness_talk(read_tokens(text), MUSCLE_GROUPS).about_soreness


# Longer than any time zone, list of days or date typed at a question asking for one.
SHORT_ANSWER_WORDS = 4


def tries_an_answer(text: str) -> bool:
    """Whether text typed at a question asking for a short value (a time zone, days, a
    date) may be an attempt at it: not a question, not a sentence, not a greeting, a
    check-in or a pain ("hi", "how long does doms last?", "legs 3"). A short unknown
    word ("Mars", "funday") still is, and gets its help."""
    if "?" in text or len(text.split()) > SHORT_ANSWER_WORDS:
        return False
    return read_intent(text).intent is Intent.QUESTION  # what nothing else claims


def read_intent(text: str) -> Reading:
    """What the coach should do with `text`, typed in a private chat outside any question."""
    triage = classify_pain(text)
    if triage.kind is PainKind.RED_FLAG:
        return Reading(Intent.PAIN, asks="?" in text)
    words = chat_words.words(text)
    clauses = chat_words.clauses(words)
    joined = " ".join(w for c in clauses for w in c)
    question_mark = "?" in text
    asks = question_mark or any(_is_question(c, question_mark) for c in clauses)
    own = bool(_OWN.search(joined)) or not asks
    if triage.kind is PainKind.SHARP and own:
        return Reading(Intent.PAIN, asks=asks)
    if is_social(text, clauses, asks):
        return Reading(Intent.GREETING, asks=asks)
    ready = _asks_to_train_today(clauses, asks)
    warning = own and _warning(triage, joined, asks)
    if ready and re.search(ILLNESS, joined):
        # "Got a cold, should I train?": no soreness to check; the knowledge base says
        # honestly that being ill is not its subject.
        return Reading(Intent.QUESTION, asks=asks)
    if ready:
        # A joint or a back that never recovers, and "should I train today?": both fit.
        return (
            Reading(Intent.PAIN, Intent.READY, asks)
            if warning
            else Reading(Intent.READY, asks=asks)
        )
    if warning:
        # "Why is my lower back always sore?": their back, or what the pattern means.
        why = any(c[0] in _WH for c in clauses)
        return Reading(Intent.PAIN, Intent.QUESTION if why else None, asks)
    lower_back = triage.kind is PainKind.LOWER_BACK_AFTER_LIFT and _LOWER_BACK.search(joined)
    if own and lower_back:
        # "…is back soreness after deadlifts normal?": their back, or backs in general;
        # "lower back sore after deads, the usual dull ache": triage, or today's check-in.
        if asks:
            return Reading(Intent.PAIN, Intent.QUESTION, asks)
        told = _says_soreness(text, clauses, question_mark)
        return Reading(Intent.PAIN, Intent.CHECKIN if told else None, asks)
    # A burn during the set is triage's; "glutes on fire, can't sit" the day after is DOMS.
    if own and triage.kind is PainKind.PUMP_BURN and not _DAY_AFTER.search(joined):
        return Reading(Intent.PAIN, asks=asks)
    hurt = _HURT.intersection(words) and not _NO_HURT.search(joined)
    if own and hurt and triage.kind is not PainKind.DOMS:
        return Reading(Intent.PAIN, asks=asks)
    if _says_soreness(text, clauses, question_mark):
        if not asks:
            return Reading(Intent.CHECKIN, asks=asks)
        return Reading(Intent.CHECKIN, Intent.QUESTION, asks)
    sharp = triage.kind is PainKind.SHARP and not _SOMEONE_ELSE.search(joined)
    return Reading(Intent.QUESTION, asks=asks, greets=greets(words), warns=sharp)
