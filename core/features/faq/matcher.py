"""Free text → knowledge-base key, or an honest "not sure".

Method, chosen by measurement (`bench/faq.py` compares it with plain BM25 and fuzzy
matching): words are normalised (slang, typos corrected against the knowledge base's
own vocabulary — but a correctly spelt English word is never "corrected" into one of
ours — and Snowball stems), then scored with BM25 two ways — against each
entry as a whole (title, keywords, example questions, answer) and against each example
question alone — and the two are blended with WordLlama sentence vectors. A question is
answered only when enough of its words are ones the knowledge base knows, the best
score clears a threshold, it is not closer in meaning to a question we don't answer
(`off_topic.txt`) than to one we do, and it is not about a subject the article never
covers (`OUT_OF_SCOPE`); otherwise the closest keys are offered. Red-flag wording (from
the triage classifier) wins over everything.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import Stemmer
from rapidfuzz import fuzz, process
from spellchecker import SpellChecker, WordFrequency

from core.features.faq.knowledge import RED_FLAGS, KnowledgeBase
from core.rules.triage import is_red_flag

STOPWORDS = frozenset(
    """a about above after again all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into
    is it its itself just me more most my myself no nor of off on once only or other our
    ours out over own same she should so some such than that the their theirs them then
    there these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your yours yourself yourselves
    im ive id ill youre hey hi hello pls please
    thanks thank really actually get got gets getting go going like also even many much
    good bad best better whats hows wheres thats theres lets
    lot lots thing things know want ok okay bro dude man guys yeah yes anyone someone
    af lol lmao tbh idk ngl fr gonna wanna gotta kinda sorta literally basically
    buddy mate friend says said told tell
    """.split()
)

# Everyday words that appear in titles but say nothing about the topic on their own.
GENERIC = frozenset(
    "what whi when how should can do make good bad best time way need help feel normal "
    "vs quick summari mean thing day week first give less main new not one old often "
    "person point see short two three work morn rate big fast zone mid hour month per "
    "key instead differ link design whole start still never without everi".split()
)

# Chat slang and abbreviations → the words the knowledge base uses.
SLANG = {
    "wat": "what",
    "wot": "what",
    "shud": "should",
    "wen": "when",
    "cuz": "because",
    "coz": "because",
    "wut": "what",
    "u": "you",
    "ur": "your",
    "r": "are",
    "y": "why",
    "b4": "before",
    "w": "with",
    "wo": "without",
    "abt": "about",
    "rn": "now",
    "cooked": "sore",
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
    "gym": "train",
    "exercise": "train",
    "exercising": "train",
    "training": "train",
    "session": "train",
    "sesh": "train",
    "reps": "rep",
    "wkout": "train",
    "lowerback": "lower back",
    "lbp": "lower back pain",
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
        (r"\bwarm(?:ing|ed)?[ -]?ups?\b", "warmup"),
        (r"\blower[ -]?back\b", "lowerback"),
        (r"\blow back\b", "lowerback"),
        (r"\bactive[ -]recovery\b", "activerecovery"),
        (r"\brepeated[ -]bout\b", "repeatedbout"),
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
# else it mentions: shopping (prices, brands, sizes), diet and supplements, how much to
# lift, apps and gadgets, gym memberships and manners, and being ill.
OUT_OF_SCOPE = re.compile(
    "|".join(
        (
            r"\b(?:prices?|pricing|cheap(?:er|est)?|expensive|brands?(?! new)|buy(?:ing)?"
            r"|purchase|discount|coupon|worth the money|what size)\b",
            r"\bhow much (?:does|do|is|are|would|will)\b.*\bcost\b",
            r"\bhow (?:many|much) (?:calories|kcal|grams|carbs|protein|creatine|caffeine|water)\b",
            r"\b(?:what (?:should|do|can) i eat|what to eat|meal plan|macros|keto|vegan|creatine"
            r"|whey|bcaas?|multivitamins?|fish oil)\b",
            r"\bhow much should (?:i|a \w+) (?:bench|squat|deadlift|lift|press)\b",
            r"\ba good (?:bench|squat|deadlift)(?: press)? for\b|\bstrength standards?\b",
            r"\b(?:apps?|smartwatch|fitness tracker|whoop|oura)\b",
            r"\b(?:membership|opening hours|etiquette|rude)\b",
            r"\b(?:throat|fever|flu|covid|cough(?:ing)?|sneez(?:e|ing)"
            r"|a cold(?! (?:bath|shower|plunge|tub)))\b",
        )
    )
)


def out_of_scope(text: str, said: Sequence[str]) -> bool:
    """Checked as typed ("what size") and with slang read ("wat shud i eat" is "what
    should i eat"), since reading slang also rewrites some words ("size" → "growth")."""
    return bool(OUT_OF_SCOPE.search(text.lower()) or OUT_OF_SCOPE.search(" ".join(said)))


_WORD = re.compile(r"[a-z0-9]+")
_stemmer = Stemmer.Stemmer("english")

# Thresholds, set on the knowledge base's own example questions (leave-one-out) and a
# development list of off-topic questions — never on the held-out set.
MIN_CONFIDENCE = 0.15
MIN_COVERAGE = 0.7
QUESTION_WEIGHT = 0.3
# Share of the final score from sentence vectors (the rest is BM25), set on the
# development questions; the gates above stay lexical.
SEMANTIC_WEIGHT = 0.35


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


@dataclass(frozen=True, slots=True)
class Match:
    key: str | None
    confidence: float
    candidates: tuple[str, ...]


class Bm25:
    """Okapi BM25 over pre-tokenised documents, as a documents × terms matrix of each
    term's contribution: a question's scores are one gather-and-sum over its terms (a
    loop over postings was the costliest step of the FAQ)."""

    def __init__(self, docs: Sequence[Counter[str]], k1: float = 1.2, b: float = 0.6) -> None:
        self.k1 = k1
        lengths = [sum(d.values()) for d in docs]
        avg = sum(lengths) / max(len(docs), 1)
        df: Counter[str] = Counter()
        for d in docs:
            df.update(d.keys())
        n = len(docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.column = {t: j for j, t in enumerate(self.idf)}
        self.weights = np.zeros((n, len(self.column)), dtype=np.float32)
        for i, (doc, length) in enumerate(zip(docs, lengths, strict=True)):
            norm = k1 * (1 - b + b * length / avg)
            for term, tf in doc.items():
                self.weights[i, self.column[term]] = self.idf[term] * tf * (k1 + 1) / (tf + norm)

    def scores(self, query: Iterable[str]) -> Any:
        """One score per document (a repeated query term counts each time)."""
        columns = [self.column[t] for t in query if t in self.column]
        return self.weights[:, columns].sum(axis=1)

    def ceiling(self, query: Iterable[str]) -> float:
        """The most any document could score: turns a raw score into a 0..1 confidence."""
        return sum(self.idf.get(t, 0.0) * (self.k1 + 1) for t in query) or 1.0


class Matcher:
    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        exclude: frozenset[str] = frozenset(),
        question_weight: float = QUESTION_WEIGHT,
        semantic_weight: float = SEMANTIC_WEIGHT,
    ) -> None:
        """`exclude` leaves out example questions (for leave-one-out measurement);
        `question_weight` 0 is plain BM25 over whole entries, `semantic_weight` 0 is
        lexical only (the bench compares)."""
        self.kb = kb
        self.question_weight = question_weight
        self.semantic_weight = semantic_weight
        self.keys = list(kb.entries)
        entry_docs: list[Counter[str]] = []
        self.q_keys: list[str] = []
        q_docs: list[Counter[str]] = []
        q_texts: list[str] = []
        vocabulary: set[str] = set()
        asked: set[str] = set()
        self._frequency: Counter[str] = Counter()
        for key in self.keys:
            e = kb[key]
            questions = [q for q in e.questions if q not in exclude]
            asked.update(words(" ".join((e.title, *e.keywords, *questions))))
            self._frequency.update(words(" ".join((e.title, *questions, e.answer, e.more))))
            vocabulary.update(asked, words(" ".join((e.answer, e.more))))
            doc: Counter[str] = Counter()
            for part, weight in ((e.title, 2), (" ".join(e.keywords), 2), (" ".join(questions), 1)):
                for t in self._stems(words(part)):
                    doc[t] += weight
            for t in self._stems(words(e.answer)):
                doc[t] += 1
            entry_docs.append(doc)
            for q in (*questions, e.title):
                q_docs.append(Counter(self._stems(words(q))))
                q_texts.append(q)
                self.q_keys.append(key)
        self.vocabulary = sorted(w for w in vocabulary if w not in STOPWORDS and len(w) > 2)
        # Topic words: what the entries are about (titles, keywords). A question with none
        # of them is off-topic however many everyday words it shares with the answers.
        topical = words(" ".join(t for e in kb.entries.values() for t in (e.title, *e.keywords)))
        self.topical = frozenset(self._stems(topical)) - GENERIC
        self._known = set(self.vocabulary)
        self._known_stems = frozenset(self._stems(self.vocabulary))
        # Words people use when they ask about these topics. Everyday words that only
        # occur in the answers ("safe", "long", "record") say little about a question.
        self._asked = frozenset(asked) - STOPWORDS
        self._asked_stems = frozenset(self._stems(sorted(self._asked)))
        self.entries = Bm25(entry_docs)
        self.questions = Bm25(q_docs, b=0.3)
        # Example questions come grouped by key, in `self.keys` order: a key's best
        # question score is the max over its slice (one numpy call, not a loop).
        self._first_question = np.array([self.q_keys.index(k) for k in self.keys])
        self._vectors = None
        if semantic_weight:
            from core.features.faq.embedding import embed, embed_remembered

            self._embed = embed
            self._vectors = embed_remembered(q_texts)
            self._off_topic = embed_remembered(off_topic_examples())

    @staticmethod
    def _stems(tokens: Sequence[str]) -> list[str]:
        return list(_stemmer.stemWords([t for t in tokens if t not in STOPWORDS]))

    def correct(self, word: str) -> str | None:
        """The knowledge-base word a typo most likely meant ("sorenes" → "soreness")."""
        if word in self._known:
            return word
        if word in english():
            # Ours in another form ("stretches" for "stretching"); else a real word we
            # never use, not a typo of one we do ("chain" is not "chin").
            return word if _stemmer.stemWord(word) in self._known_stems else None
        if len(word) < 5 or word.isdigit():
            return None
        found = [
            (candidate, self._frequency[candidate])
            for candidate, _, _ in process.extract(
                word, self.vocabulary, scorer=fuzz.ratio, score_cutoff=84, limit=5
            )
            if candidate[0] == word[0]  # typos rarely change the first letter: "flat" ≠ "lat"
        ]
        # Of the close words, the common spelling, not another user's typo of it.
        return max(found, key=lambda f: f[1])[0] if found else None

    def analyse(self, said: Sequence[str]) -> tuple[list[str], float]:
        """Query stems, and the share of content words the knowledge base knows, for a
        question's `words`."""
        # A number says nothing about whether a question is ours ("day 2", "20 miles").
        content = [w for w in said if w not in STOPWORDS and (not w.isdigit() or w in self._known)]
        corrected = [(w, self.correct(w)) for w in content]
        fixed = [c for _, c in corrected if c is not None]
        # Full evidence that a question is about our topics: a word people use when asking
        # about them. Half: a typo of one, or a word only the answers use.
        known = sum(
            1.0 if w in self._asked or _stemmer.stemWord(w) in self._asked_stems else 0.5
            for w, c in corrected
            if c is not None
        )
        coverage = known / len(content) if content else 0.0
        return list(_stemmer.stemWords(fixed)), coverage

    def rank(self, query: list[str]) -> list[tuple[str, float]]:
        """Topics by score for the stems `analyse` made of a question."""
        if not query:
            return []
        entry = self.entries.scores(query).tolist()
        top = self.entries.ceiling(query)
        per_key = {k: s / top for k, s in zip(self.keys, entry, strict=True)}
        q_top = self.questions.ceiling(query)
        best_q = self._best_per_key(self.questions.scores(query) / q_top)
        blended = {
            k: (1 - self.question_weight) * per_key[k] + self.question_weight * best_q[k]
            for k in self.keys
        }
        return sorted(blended.items(), key=lambda kv: -kv[1])

    def similar(self, text: str) -> dict[str, float]:
        """Per key, the cosine similarity of its closest example question."""
        return self._meaning(text)[0] if self._vectors is not None else {}

    def _meaning(self, text: str) -> tuple[dict[str, float], float]:
        """`similar`, and the similarity of the closest question we don't answer: one
        embedding of the question for both."""
        vector = self._embed([text])[0]
        return self._best_per_key(self._vectors @ vector), float((self._off_topic @ vector).max())

    def _best_per_key(self, per_question: Any) -> dict[str, float]:
        """Per key, the best of its example questions' values."""
        best = np.maximum.reduceat(per_question, self._first_question)
        return dict(zip(self.keys, best.tolist(), strict=True))

    def match(self, text: str) -> Match:
        if is_red_flag(text):
            return Match(RED_FLAGS, 1.0, (RED_FLAGS,))
        said = words(text)
        query, coverage = self.analyse(said)
        ranked = self.rank(query)
        on_topic = any(t in self.topical for t in query) and not out_of_scope(text, said)
        answerable = (
            bool(ranked)
            and on_topic
            and coverage >= MIN_COVERAGE
            and ranked[0][1] >= MIN_CONFIDENCE
        )
        if ranked and self.semantic_weight:
            # Which topic is both signals' call. Whether to answer is the lexical gates',
            # plus one in meaning: closer to a question we don't answer than to any we do.
            close, unlike = self._meaning(text)
            answerable = answerable and unlike < max(close.values())
            w = self.semantic_weight
            ranked = sorted(
                ((k, (1 - w) * s + w * close.get(k, 0.0)) for k, s in ranked),
                key=lambda kv: -kv[1],
            )
        candidates = tuple(k for k, s in ranked[:3] if s > 0)
        if not answerable:
            return Match(None, ranked[0][1] if ranked else 0.0, candidates)
        return Match(ranked[0][0], ranked[0][1], candidates)
