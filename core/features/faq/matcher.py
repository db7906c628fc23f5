"""Free text → knowledge-base key, or an honest "not sure".

Method, chosen by measurement (`bench/faq.py` compares it with the earlier stages alone,
plain BM25 and fuzzy matching): words are normalised (slang, typos corrected against the
knowledge base's own vocabulary — but a correctly spelt English word is never "corrected"
into one of ours — and Snowball stems), then scored with BM25 two ways — against each
entry as a whole (title, keywords, example questions, answer) and against each example
question alone — and the two are blended with WordLlama sentence vectors. A small learned
model then re-ranks every topic (`reranker.py`): it knows which words tell neighbouring
topics apart, where BM25 only knows how rare a word is, and remembers thousands of
labelled questions whose closest ones vote. A question is answered only when enough of
its words are ones the knowledge base knows (fewer will do for one very like a
remembered question), the best score clears a threshold, it is not closer in meaning to
a question we don't answer (`off_topic.txt`) than to one we do (an example or a
remembered question), and it is not about a subject the article never covers
(`OUT_OF_SCOPE`); otherwise the closest keys are offered. Red-flag wording (from the
triage classifier) wins over everything.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import Stemmer
from rapidfuzz import fuzz, process

from core.features.faq.knowledge import RED_FLAGS, KnowledgeBase
from core.features.faq.reranker import (
    DIGIT,
    FEATURES,
    Memory,
    Reranker,
    function_word,
    shipped,
)
from core.features.faq.wording import (
    GENERIC,
    STOPWORDS,
    english,
    mentions_back,
    off_topic_examples,
    out_of_scope,
    words,
)
from core.rules.triage import PainKind, classify_pain

_stemmer = Stemmer.Stemmer("english")
# Snowball gives "periodization" the stem of "period" (a rest period, a menstrual period):
# the topic keeps a stem of its own.
_OWN_STEMS = {"periodiz": "periodiz", "periodis": "periodiz"}


def stems(tokens: Sequence[str]) -> list[str]:
    """Snowball stems, but for the words in `_OWN_STEMS` (by prefix)."""
    return [
        _OWN_STEMS.get(token[:8], stem)
        for token, stem in zip(tokens, _stemmer.stemWords(tokens), strict=True)
    ]


# Thresholds, set on the knowledge base's own example questions (leave-one-out) and a
# development list of off-topic questions — never on the held-out set.
MIN_CONFIDENCE = 0.15
MIN_COVERAGE = 0.7
# ... or this much, for a question this similar to a remembered one. Set by a sweep over
# the labelled files (held-out 10-14 and the training files; held-out 15 and 16 were
# written after). With remembered questions counted as ours: on-topic questions refused
# 77 → 57 of 1,699 training ones and 6 → 2 of 383 in held-out 10-14; off-topic refused
# 417 → 418 of 421 held-out ones.
LOOSE_COVERAGE = 0.55
CLOSE_TO_LABELLED = 0.65
QUESTION_WEIGHT = 0.3
# Share of the final score from sentence vectors (the rest is BM25), set on the
# development questions; the gates above stay lexical.
SEMANTIC_WEIGHT = 0.35


# Topics that reassure (the soreness described is normal, or being sore or not matters
# little), which a sharp pain must never get. And those on pain that is not normal.
REASSURING = frozenset(
    {
        "doms-basics",
        "lower-back-soreness",
        "lower-back-always-sore",
        "lower-back-fatigue",
        "muscle-not-sore",
        "soreness-vs-growth",
        "repeated-bout-effect",
    }
)
WARNING_PAIN = frozenset({"sharp-pain", "back-pain-vs-injury", "joints-tendons", RED_FLAGS})
# Topics that answer a question about the lower back, and only one that names it.
LOWER_BACK = frozenset(
    {
        "lower-back-soreness",
        "back-pain-vs-injury",
        "lower-back-always-sore",
        "lower-back-fatigue",
        "lower-back-training",
    }
)
_FILLER = sorted(STOPWORDS)


def _typo_of(word: str, choices: Sequence[str]) -> list[str]:
    """The words of `choices` that `word` may be a typo of, closest first: a close
    spelling with the same first letter, which typos rarely change ("flat" ≠ "lat")."""
    close = process.extract(word, choices, scorer=fuzz.ratio, score_cutoff=84, limit=5)
    return [candidate for candidate, _, _ in close if candidate[0] == word[0]]


def _filler_typo(word: str) -> bool:
    """A misspelt stop word ("actualy", "literaly"): filler, not an unknown word."""
    return len(word) >= 5 and word not in english() and bool(_typo_of(word, _FILLER))


@dataclass(frozen=True, slots=True)
class Match:
    key: str | None
    confidence: float
    candidates: tuple[str, ...]
    # Refused as a subject the coach leaves alone (prices, drugs, surgery rehab…): no
    # neighbouring topic would answer it, so none is offered.
    outside: bool = False


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
        reranker: Reranker | Literal["shipped"] | None = "shipped",
    ) -> None:
        """`exclude` leaves out example questions (for leave-one-out measurement);
        `question_weight` 0 is plain BM25 over whole entries, `semantic_weight` 0 is
        lexical only; `reranker` None is the blend alone, or another model than the
        shipped one (the bench compares; training builds matchers without one)."""
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
        # Short words people ask with ("vs", "lp", "pr") are known too, though never a
        # typo's correction.
        short = {w for w in asked if len(w) <= 2 and not w.isdigit() and w not in STOPWORDS}
        self._known = set(self.vocabulary) | short
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
        self.reranker: Reranker | None = None
        if semantic_weight:
            from core.features.faq.embedding import embed, embed_remembered

            self._embed = embed
            self._vectors = embed_remembered(q_texts)
            self._off_topic = embed_remembered(off_topic_examples())
            # Each topic's centroid: the mean direction of its example questions.
            sums = np.add.reduceat(self._vectors, self._first_question)
            self._centroids = sums / np.linalg.norm(sums, axis=1, keepdims=True)
            if reranker is not None:
                self.reranker = shipped() if reranker == "shipped" else reranker
                if sorted(self.reranker.keys) != sorted(self.keys):
                    raise ValueError(
                        "the FAQ re-ranker was trained on other topics than knowledge.toml "
                        "has: retrain it (`python bench/faq.py --retrain`)"
                    )
                self._to_model = np.array([self.reranker.keys.index(k) for k in self.keys])
                self._memory = Memory(
                    embed_remembered(self.reranker.questions), self.reranker.owners
                )

    @staticmethod
    def _stems(tokens: Sequence[str]) -> list[str]:
        return stems([t for t in tokens if t not in STOPWORDS])

    def correct(self, word: str) -> str | None:
        """The knowledge-base word a typo most likely meant ("sorenes" → "soreness")."""
        if word in self._known:
            return word
        if word in english():
            # Ours in another form ("stretches" for "stretching"); else a real word we
            # never use, not a typo of one we do ("chain" is not "chin").
            return word if stems([word])[0] in self._known_stems else None
        if len(word) < 5 or word.isdigit():
            return None
        found = _typo_of(word, self.vocabulary)
        # Of the close words, the common spelling, not another user's typo of it.
        return max(found, key=self._frequency.__getitem__) if found else None

    def analyse(self, said: Sequence[str]) -> tuple[list[str], float]:
        """Query stems, and the share of content words the knowledge base knows, for a
        question's `words`."""
        query, coverage, _ = self._analyse(said)
        return query, coverage

    def _analyse(self, said: Sequence[str]) -> tuple[list[str], float, list[str]]:
        """`analyse`, and the re-ranker's classifier tokens: the query stems, the stop
        words marked, and a mark for each number the knowledge base doesn't use."""
        # A number says nothing about whether a question is ours ("day 2", "20 miles").
        content = [w for w in said if w not in STOPWORDS and (not w.isdigit() or w in self._known)]
        corrected = [(w, self.correct(w)) for w in content]
        corrected = [(w, c) for w, c in corrected if c is not None or not _filler_typo(w)]
        fixed = [c for _, c in corrected if c is not None]
        # Full evidence that a question is about our topics: a word people use when asking
        # about them. Half: a typo of one, or a word only the answers use.
        known = sum(
            1.0 if w in self._asked or stems([w])[0] in self._asked_stems else 0.5
            for w, c in corrected
            if c is not None
        )
        coverage = known / len(corrected) if corrected else 0.0
        query = stems(fixed)
        tokens = [
            function_word(w) if w in STOPWORDS else DIGIT
            for w in said
            if w in STOPWORDS or (w.isdigit() and w not in self._known)
        ]
        return query, coverage, query + tokens

    def rank(self, query: list[str]) -> list[tuple[str, float]]:
        """Topics by score for the stems `analyse` made of a question."""
        if not query:
            return []
        lexical = self._lexical(query)[0]
        return sorted(zip(self.keys, lexical.tolist(), strict=True), key=lambda kv: -kv[1])

    def _lexical(self, query: list[str]) -> tuple[Any, Any, Any]:
        """Per key: the blend of BM25 over whole entries and over example questions, and
        the two (each 0..1)."""
        entry = self.entries.scores(query) / self.entries.ceiling(query)
        per_question = self.questions.scores(query) / self.questions.ceiling(query)
        best_q = np.maximum.reduceat(per_question, self._first_question)
        return (1 - self.question_weight) * entry + self.question_weight * best_q, entry, best_q

    def similar(self, text: str) -> dict[str, float]:
        """Per key, the cosine similarity of its closest example question."""
        if self._vectors is None:
            return {}
        close = self._meaning(self._embed([text])[0])[0]
        return dict(zip(self.keys, close.tolist(), strict=True))

    def _meaning(self, vector: Any) -> tuple[Any, float]:
        """Per key, the similarity of its closest example question; and that of the
        closest question we don't answer."""
        close = np.maximum.reduceat(self._vectors @ vector, self._first_question)
        return close, float((self._off_topic @ vector).max())

    def read(self, text: str) -> Reading | None:
        """Everything the matcher makes of a question (None: not one word we know)."""
        said = words(text)
        query, coverage, tokens = self._analyse(said)
        if not query:
            return None
        blend, entry, best_q = self._lexical(query)
        outside = out_of_scope(text, said)
        on_topic = any(t in self.topical for t in query) and not outside
        confident = float(blend.max()) >= MIN_CONFIDENCE
        covered = coverage >= MIN_COVERAGE
        answerable = on_topic and covered and confident
        meaning = centroid = vector = remembered = None
        if self.semantic_weight:
            # Which topic is both signals' call. Whether to answer is the lexical gates',
            # plus one in meaning: closer to a question we don't answer than to any we do.
            vector = self._embed([text])[0]
            meaning, unlike = self._meaning(vector)
            centroid = self._centroids @ vector
            ours = float(meaning.max())
            if self.reranker is not None:
                plain, whitened = self._memory.similarity(vector[None])
                closest, remembered = float(plain.max()), whitened[0]
                ours = max(ours, closest)
                # Very like a labelled question of ours: ours, though half its words are
                # slang the knowledge base never uses ("bro wat even is doms").
                covered = covered or (coverage >= LOOSE_COVERAGE and closest >= CLOSE_TO_LABELLED)
            answerable = on_topic and covered and confident and unlike < ours
            w = self.semantic_weight
            blend = (1 - w) * blend + w * meaning
        # Stable: ties keep the knowledge base's order.
        order = np.argsort(-blend, kind="stable")
        return Reading(
            tuple(said),
            tuple(tokens),
            answerable,
            outside,
            blend,
            order,
            entry,
            best_q,
            meaning,
            centroid,
            vector,
            remembered,
        )

    def rerank(self, reading: Reading) -> Any:
        """Topic indices, best first: the blend's order, re-ranked."""
        if self.reranker is None or reading.vector is None:
            return reading.order
        top, features = candidates(reading)
        model = self._to_model[top]
        log_p = self.reranker.classify(reading.tokens, reading.vector)
        assert reading.remembered is not None  # read with this re-ranker
        nearest, votes = self.reranker.neighbours(reading.remembered)
        for name, values in (("classifier", log_p), ("nearest", nearest), ("votes", votes)):
            features[:, FEATURES.index(name)] = values[model]
        best_first = np.argsort(-self.reranker.score(features), kind="stable")
        return top[best_first]

    def match(self, text: str) -> Match:
        pain = classify_pain(text).kind
        if pain is PainKind.RED_FLAG:
            return Match(RED_FLAGS, 1.0, (RED_FLAGS,))
        reading = self.read(text)
        if reading is None:
            return Match(None, 0.0, ())
        if reading.outside:
            return Match(None, 0.0, (), outside=True)
        order = self.rerank(reading)
        fitting = set(self.keys)
        if pain is PainKind.SHARP and self.keys[order[0]] in REASSURING:
            # A shooting or stabbing pain never gets "that's normal soreness".
            fitting &= WARNING_PAIN
        if not mentions_back(reading.said):
            # "Pain unlike any DOMS" in a hamstring is not a back injury question.
            fitting -= LOWER_BACK
        if self.keys[order[0]] not in fitting:
            # The best-ranked topic that fits answers instead (every topic is ranked).
            first = next(i for i in order if self.keys[i] in fitting)
            order = np.concatenate(([first], order[order != first]))
        score = reading.blend[order[0]]
        candidates = tuple(self.keys[i] for i in order[:3] if reading.blend[i] > 0)
        if not reading.answerable:
            return Match(None, float(score), candidates)
        return Match(self.keys[order[0]], float(score), candidates)


@dataclass(frozen=True, slots=True, eq=False)
class Reading:
    """`Matcher.read`: per key (in `Matcher.keys` order) the blend's score and its parts."""

    said: tuple[str, ...]  # its words as read: slang and phrases rewritten
    tokens: tuple[str, ...]  # the classifier's
    answerable: bool  # every gate passed
    outside: bool  # a subject named as out of scope
    blend: Any
    order: Any  # key indices, best blend first
    entry: Any  # BM25 over whole entries, 0..1
    question: Any  # BM25 of the closest example question, 0..1
    meaning: Any | None  # cosine similarity of the closest example question
    centroid: Any | None  # cosine similarity of the example questions' centroid
    vector: Any | None  # the question's sentence vector
    remembered: Any | None  # its similarity to each remembered question, after whitening


def candidates(reading: Reading) -> tuple[Any, Any]:
    """Every topic (indices into `Matcher.keys`), the blend's best first, and its
    re-ranking FEATURES but the LEARNED ones (left 0: `Matcher.rerank` or training fills
    them in)."""
    top = reading.order
    assert reading.meaning is not None and reading.centroid is not None
    columns = (
        reading.entry[top],
        reading.question[top],
        reading.meaning[top],
        reading.centroid[top],
        np.zeros(len(top)),
        (np.arange(len(top)) == 0).astype(np.float64),
        np.zeros(len(top)),
        np.zeros(len(top)),
    )
    return top, np.stack(columns, axis=1).astype(np.float32)
