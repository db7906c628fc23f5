"""How a question is read into words before matching: chat slang and phrases rewritten,
words that carry no topic (stopwords, generic title words) set apart, subjects the
article never covers recognised, and the off-topic examples the semantic gate compares
against. Data beside the few functions that read it."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import Path

from spellchecker import SpellChecker, WordFrequency

from core.rules.chat_words import SHORTHAND
from core.rules.text import ANIMALS, ILLNESS

STOPWORDS = frozenset(
    """a about above after again all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into
    is it its itself just me more most my myself no nor of off on once only or other our
    ours out over own same she should so some such than that the their theirs them then
    there these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your yours yourself yourselves
    im ive id ill youre youve theyre theyve weve hes shes hey hi hello pls please
    thanks thank really actually get got gets getting go going like also even many much
    good bad best better whats hows wheres thats theres lets
    lot lots thing things know want ok okay bro dude man guys yeah yes anyone someone
    af lol lmao tbh idk ngl fr gonna wanna gotta kinda sorta literally basically
    buddy mate friend says said told tell reckon reckons
    gf bf girlfriend boyfriend wife husband mom mum dad brother sister roommate
    nah nope yep yup hell heck damn
    tho um uh er honestly bc q thought thoughts freaking wtf whatever whos sooo soooo
    forever actual sense bother yrs hrs mins ppl client clients
    tuesday thursday saturday sunday
    """.split()
) | frozenset(
    # Where someone came across a subject says nothing about the subject ("heard it
    # mentioned in the voice chat", "saw it in a reddit thread"), nor do the words of
    # asking ("just curious", "in plain english", "what's the logic behind it").
    """heard hear hearing saw mentioned mention mentions reddit youtube tiktok instagram
    podcast podcasts thread threads forum video videos chat voice discord comment comments
    curious wondering wonder english logic rationale smth sth
    """.split()
)

# Everyday words that appear in titles but say nothing about the topic on their own.
GENERIC = frozenset(
    "what whi when how should can do make good bad best time way need help feel normal "
    "vs quick summari mean thing day week first give less main new not one old often "
    "person point see short two three work morn rate big fast zone mid hour month per "
    "key instead differ link design whole start still never without everi".split()
)

# Chat slang and abbreviations → the words the knowledge base uses: the chat shorthand
# every reader shares ("u", "rn", "tmrw"), then the gym's.
SLANG = {
    **SHORTHAND,
    "wen": "when",
    "cuz": "because",
    "coz": "because",
    "y": "why",
    "b4": "before",
    "w": "with",
    "wo": "without",
    "abt": "about",
    "cooked": "sore",
    # "doms'd", "domsed": DOMS made a verb.
    "domsd": "sore",
    "domsed": "sore",
    "wrecked": "sore",
    "destroyed": "sore",
    "fried": "sore",
    "smoked": "sore",
    "trashed": "sore",
    "toast": "sore",
    "aching": "sore",
    "achy": "sore",
    "ache": "sore",
    "aches": "sore",
    "stiff": "sore",
    "tender": "sore",
    "hurts": "sore",
    "gains": "growth",
    "gainz": "growth",
    "swole": "growth",
    "bigger": "growth",
    "hypertrophy": "growth",
    "size": "growth",
    "grow": "growth",
    "growing": "growth",
    "workout": "train",
    "workouts": "train",
    "ride": "cycling",
    "riding": "cycling",
    "rides": "cycling",
    "lift": "train",
    "lifting": "train",
    "lifts": "train",
    "lifted": "train",
    "gym": "train",
    "exercise": "train",
    "exercising": "train",
    "exercises": "train",
    "training": "train",
    "session": "train",
    "sessions": "train",
    "sesh": "train",
    "reps": "rep",
    "wkout": "train",
    "lowerback": "lower back",
    "lbp": "lower back pain",
    "mwf": "monday wednesday friday",
    "wk": "week",
    "wks": "weeks",
    "yday": "yesterday",
    "shd": "should",
    "soar": "sore",
    "tris": "triceps",
    "oly": "olympic",
    "dl": "deadlift",
    "dls": "deadlifts",
    "rdl": "deadlift",
    "rdls": "deadlifts",
    "db": "dumbbell",
    "dbs": "dumbbells",
    "chinups": "chin ups",
    "pullups": "pull ups",
    "hyperextensions": "back extensions",
    "hyperextension": "back extension",
    "hypers": "back extensions",
    "delts": "shoulders",
    "pecs": "chest",
    "quads": "legs",
    "hammies": "hamstrings",
    "glutes": "glute",
    "ibuprofen": "advil",
    "nsaid": "advil",
    "nsaids": "advil",
    "painkillers": "advil",
    "painkiller": "advil",
    "motrin": "advil",
    "aleve": "advil",
}

# Multi-word terms that mean one thing, joined before splitting into words.
PHRASES = [
    (re.compile(p), r)
    for p, r in (
        # "Work out who/what/this …" is figuring something out, not training.
        (
            r"\bwork(?:ing|ed|s)? out\b"
            r"(?! (?:who|what|how|which|why|where|this|that|these|those)\b)",
            "workout",
        ),
        (r"\bworkouts?\b", "workout"),
        (r"\bweights? ?rooms?\b", "gym"),
        (r"\b(?:whats|what is) the deal (?:with|w)\b", "what is"),
        # "My quads are killing me" is soreness; "is cardio killing my gains" is not.
        (r"\bkill(?:ing|s)? me\b", "sore"),
        (r"\bwarm(?:ing|ed)?[ -]?ups?\b", "warmup"),
        (r"\blower[ -]?back\b", "lowerback"),
        (r"\blow back\b", "lowerback"),
        # Coming back to training is not one's back ("got back from holiday", "back into
        # the gym"); back pain, back squats and backing off are.
        (
            r"\b((?:came|come|comes|coming|went|go|goes|going|gone|get|gets|getting|got|im|am"
            r"|been|ease|eases|easing|eased|jump|jumped|jumping|head|headed|heading|finally"
            r"|start|started|starting)(?: right| straight)?) back\b(?! (?:pain|pains|ache|aches"
            r"|aching|achy|sore|soreness|spasms?|muscles?|injury|injuries|problems?|issues?"
            r"|tight|tightness|stiff|stiffness|extensions?|squats?|rows?|days?|off|to normal)\b)",
            r"\1 return",
        ),
        (r"^back (?=(?:from|into|in|to|at)\b)", "return "),
        (r"\bcome ?backs?\b", "return"),
        (r"\bactive[ -]recovery\b", "activerecovery"),
        (r"\brepeated[ -]bout\b", "repeatedbout"),
        (r"\b(?:tiny|micro|small|little)[ -]?tears\b", "microtears"),
        (r"\bdeload(?:ing|s)?\b", "deload"),
        (r"\b(?:do|does|did|is|are|was|were|ca|could|should|would|have|has|wo|must)nt\b", "not"),
        (
            r"\b(?:don|doesn|didn|isn|aren|wasn|weren|can|couldn|shouldn|wouldn|haven|hasn|won)"
            r" ?t\b",
            "not",
        ),
        (r"\bno longer\b", "not anymore"),
        (r"\btl ?[;:]? ?dr\b", "tldr"),
        (r"\bcat[ /-]?(?:camel|cow)s?\b", "catcamel"),
        # Gym slang for a supplement, not for the time before a workout.
        (r"\bpre[ -]?(?:workout|wo)s?\b(?! (?:warm|meal|snack|stretch))", "preworkout"),
    )
]

# Subjects the article never covers, so a question about them is not ours whatever
# else it mentions: shopping (prices, brands, sizes), diet and supplements, rehab after
# surgery, drugs, how much to lift, apps and gadgets, gym memberships and manners, being
# ill, gear, mobility work, and the time of day to train.
_GEAR = (
    r"(?:(?:lifting |weight |weightlifting )?belts?|shoes|sneakers|(?:knee |elbow )?sleeves"
    r"|(?:wrist |knee )?wraps|straps|chalk|gloves)"
)
OUT_OF_SCOPE = re.compile(
    "|".join(
        (
            r"\b(?:prices?|pricing|cheap(?:er|est)?|expensive|brands?(?! new)|buy(?:ing)?"
            r"|purchase|discount|coupon|what size)\b",
            # Gadgets and kit, not massage or a sauna themselves (the article weighs those).
            r"^(?!.*\b(?:massages?|saunas?)\b(?! guns?)).*\bworth the money\b",
            r"\bhow much (?:does|do|is|are|would|will)\b[^.?!]{0,60}\bcost\b",
            r"\bhow (?:many|much) (?:calories|kcal|grams|carbs|protein|creatine|caffeine|water)\b",
            r"\b(?:weight|fat) loss\b|\blos(?:e|ing) (?:weight|fat|body ?fat)\b",
            r"\b(?:what (?:should|do|can) i eat|what to eat|meal plan|macros|keto|vegan|creatine"
            r"|whey|bcaas?|multivitamins?|fish oil)\b",
            # Rehab after surgery or for a diagnosed injury is a physiotherapist's, not the
            # article's.
            r"\b(?:surgery|surgical|post[- ]?op|reconstruction)\b"
            r"|\brehab(?: \w+)? (?:protocols?|plans?|programs?|programmes?|routines?|exercises)\b"
            r"|\bhow (?:do|should|can) (?:i|you) rehab\b|\bfor (?:my |the |a )?rehab\b"
            r"|\brehab\b[^.?!]{0,5}\b(?:what|which|how)\b",
            # An overuse condition is a diagnosis to treat, not soreness ("got tennis elbow
            # from climbing"); so is an injury of one's own (an uncle's herniated disc is
            # not).
            r"\b(?:tennis elbow|golfers? elbow|plantar fasciitis|shin splints)\b"
            r"|\b(?:i have|i got|got|have|my|gave me|diagnosed(?: with)?|from)(?: an?)?"
            r" (?:herniated disc|slipped disc|bulging disc|torn (?:acl|meniscus|rotator cuff)"
            r"|sprained (?:ankle|wrist))\b",
            # Performance drugs ("are SARMs safe for a first cycle" is not about cycling).
            r"\b(?:steroids?|sarms?|peds|anabolics?|prohormones?|hgh|trt|testosterone)\b",
            # The supplement, not "before the workout" ("stretch pre workout").
            r"\bpre[- ]?workouts? (?:is |are )?(?:safe|powders?|supplements?|drinks?|scoops?)\b"
            r"|\btak(?:e|ing) pre[- ]?workout\b",
            r"\b(?:how much|what) should (?:i|a(?: \w+){1,3})"
            r" (?:bench|squat|deadlift|lift|press)\b(?![^.?!]*\b(?:sore|doms)\b)",
            r"\ba good (?:bench|squat|deadlift)(?: press)?(?: 1 ?rm| max| pr| number)? for\b"
            r"|\bstrength standards?\b"
            r"|\b(?:count as|considered|be called) strong\b|\bgood for an? \d+ ?(?:yo|year|kg|lb)"
            r"|\b(?:is (?:that|this|it) (?:weak|strong)|am i weak)\b"
            r"|\b\d(?:\.\d+)?x (?:my )?(?:body ?weight|bw)\b"
            r"|\b(?:bench|squat|deadlift|press)(?:ing)? (?:my )?(?:body ?weight|bw)\b"
            r"(?![^.?!]*\b(?:sore|doms)\b)",
            r"\b(?:apps?|smartwatch|fitness tracker|whoop|oura)\b",
            # A membership asked about, not one just bought ("got my first gym membership").
            r"\b(?:cancel|freeze|pause|quit|end)\w*\b[^.?!]{0,40}\bmembership\b"
            r"|\bmembership (?:fees?|costs?|prices?|contracts?|worth|deals?)\b"
            r"|\bmembership\b[^.?!]{0,40}\b(?:money|worth it)\b"
            r"|\b(?:opening hours|etiquette|rude)\b"
            r"|\b(?:should|do|can) i (?:say something|tell (?:him|her|them) off"
            r"|call (?:him|her|them) out|report (?:him|her|them))\b"
            r"|\bask (?:him|her|them|someone|people) to (?:move|leave|share|stop|get off)\b",
            ILLNESS,
            # Pregnancy: a question for a midwife or doctor, not the article.
            r"\bpregnan\w*|\btrimester\b",
            # Gear asked about, not mentioned in passing ("sore even with a belt on").
            rf"\b(?:should|do|would|can|must) (?:i|you|we) (?:wear|use|get|need|buy|try)\b"
            rf"[^.?!,]{{0,25}}\b{_GEAR}\b",
            rf"\b(?:which|what|best|recommend|good)\b[^.?!,]{{0,20}}\b{_GEAR}\b",
            rf"\b{_GEAR} (?:or|vs|for)\b|\bhow (?:do|should|can) (?:i|you) (?:wrap|tape)\b",
            r"\b(?:for|setting up|set up|building|kitting out) (?:a |my |our )?home gym\b",
            rf"\b{_GEAR}\b[^.?!,]{{0,15}}\b(?:cheating|worth it|necessary|needed|a crutch)\b",
            # Mobility for its own sake; loosening up a sore, stiff muscle is the article's.
            r"^(?!.*\b(?:sore|soreness|doms|stiff|stiffness)\b).*\bmobility\b",
            r"\btime of (?:the )?day\b"
            r"|\b(?:morning|evening|night|afternoon) (?:or|vs) (?:the )?"
            r"(?:morning|evening|night)\b",
            # An animal's soreness, not the user's ("my cat is sore after the vet"; walking
            # the dog on a rest day is still ours).
            rf"\b(?:my|our|the) {ANIMALS} (?:is|are|was|were|seems?|got|gets|has|have|keeps?)\b",
        )
    )
)


# What a question about the lower back names, in its words as read (`words`: "got back
# from holiday" is no back, "rdls" are deadlifts): the back itself (typos too), its muscles
# and bones, or the lifts that load it. All 1,503 labelled lower-back questions do.
BACK = re.compile(
    r"back|\bba?c?k\b|lower|lumbar|spin|erector|deadl|dead lift|\bdeads\b|\brows?\b|hinge"
    r"|good ?mornings?|sciatic|\bdiscs?\b|\bl[45]\b|waist|\bhips?\b|\bcore\b|posture|bending"
    r"|bent over|tailbone|kidney|rounding|rounded|lollipop|\bbutt\b"
)


def mentions_back(said: Sequence[str]) -> bool:
    return bool(BACK.search(" ".join(said)))


def out_of_scope(text: str, said: Sequence[str]) -> bool:
    """Checked as typed ("what size") and with slang read ("wat shud i eat" is "what
    should i eat"), since reading slang also rewrites some words ("size" → "growth")."""
    return bool(OUT_OF_SCOPE.search(text.lower()) or OUT_OF_SCOPE.search(" ".join(said)))


_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    text = text.lower().replace("’", "'").replace("'", "")
    for pattern, replacement in PHRASES:
        text = pattern.sub(replacement, text)
    out: list[str] = []
    for word in _WORD.findall(text):
        out.extend(SLANG.get(word, word).split())
    return out


OFF_TOPIC_FILE = Path(__file__).with_name("off_topic.txt")


@functools.cache
def off_topic_examples() -> tuple[str, ...]:
    lines = OFF_TOPIC_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@functools.cache
def english() -> WordFrequency:
    """English words (pyspellchecker's frequency list), so a correctly spelt word the
    knowledge base never uses is left alone instead of "corrected" into one it does."""
    return SpellChecker(language="en", distance=1).word_frequency
