"""Fitting the FAQ re-ranker (`reranker.py`) on labelled questions, with numpy alone.

Not used when answering: `bench/faq.py --retrain` fits one on the knowledge base and the
labelled files and writes `reranker.txt`; `bench/faq.py --cv` fits one per held-out file
left out, to measure it on questions it was not fitted on.

Training questions are the knowledge base's example questions plus the labelled ones
given, but those with red-flag wording (answered before any ranking). Each question's
features come from a matcher that has not seen it: the example questions are split into
`GROUPS` groups, and each group is read by a matcher built without it. The learned
features the re-ranker weighs are cross-fitted the same way: the classifier's
log-probabilities come from a classifier fitted without the question's group, and the
votes from a memory without it (else every question would find itself), so the
re-ranker learns how far to trust them on questions they have not seen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.features.faq.knowledge import KnowledgeBase
from core.features.faq.matcher import Matcher, Reading, candidates
from core.features.faq.reranker import (
    BIAS,
    FEATURES,
    LEARNED,
    ROWS_AT_A_TIME,
    Memory,
    Reranker,
    blockwise,
    log_probabilities,
    neighbours,
    times_transposed,
)
from core.features.faq.wording import words
from core.rules.triage import is_red_flag

GROUPS = 5
# Classifier: multinomial logistic regression, full-batch Adam. Chosen by leave-one-file-out
# cross-validation over the held-out files (`bench/faq.py --cv`).
CLASSIFIER_L2 = 1e-3
CLASSIFIER_STEPS = 300
CLASSIFIER_RATE = 0.05
# Re-ranker: conditional logit over each question's candidates, on standardised features.
RERANKER_L2 = 1e-2
RERANKER_STEPS = 500
RERANKER_RATE = 0.1

Floats = np.ndarray[Any, np.dtype[np.float32]]


@dataclass(frozen=True, slots=True)
class Labelled:
    question: str
    key: str
    group: int  # questions of one group are left out together when cross-fitting
    source: str = ""  # where it comes from (a held-out file), for leaving a source out


@dataclass(frozen=True, slots=True)
class Example:
    """A labelled question as training sees it: read by a matcher that never saw it."""

    question: str
    key: int  # index into the knowledge base's keys
    group: int
    source: str
    tokens: tuple[str, ...]
    reading: Reading
    vector: Floats


def train(
    kb: KnowledgeBase, labelled: Sequence[Labelled], *, exclude: frozenset[str] = frozenset()
) -> Reranker:
    """A re-ranker for `kb` fitted on its example questions (but those in `exclude`) and
    on `labelled`."""
    return fit(kb, examples(kb, labelled, exclude=exclude))


def examples(
    kb: KnowledgeBase, labelled: Sequence[Labelled], *, exclude: frozenset[str] = frozenset()
) -> list[Example]:
    """The knowledge base's example questions (but those in `exclude`; source "kb"), then
    `labelled` (but those that are example questions too)."""
    keys = {k: i for i, k in enumerate(kb.entries)}
    asked = [(q, e.key) for e in kb.entries.values() for q in e.questions if q not in exclude]
    own = [Labelled(q, key, n % GROUPS, "kb") for n, (q, key) in enumerate(asked)]
    known = {q for q, _ in asked}
    full = Matcher(kb, exclude=exclude, reranker=None)
    readers: dict[int, Matcher] = {}
    found: list[Example] = []
    for x in (*own, *(x for x in labelled if x.question not in known)):
        if is_red_flag(x.question):
            continue  # answered before any ranking: not a question the model will see
        reader = full
        if x.source == "kb":
            if x.group not in readers:
                left_out = frozenset(o.question for o in own if o.group == x.group)
                readers[x.group] = Matcher(kb, exclude=exclude | left_out, reranker=None)
            reader = readers[x.group]
        # Tokens as the shipped matcher reads them (its vocabulary has every question).
        tokens = tuple(full._analyse(words(x.question))[2])
        reading = reader.read(x.question)
        if reading is None:
            continue  # not one word the knowledge base knows: never answered
        assert reading.vector is not None  # built with sentence vectors
        found.append(
            Example(x.question, keys[x.key], x.group, x.source, tokens, reading, reading.vector)
        )
    return found


def fit(kb: KnowledgeBase, rows: Sequence[Example]) -> Reranker:
    """A re-ranker fitted on `rows` (from `examples`)."""
    keys = list(kb.entries)
    vocabulary = {BIAS: 0}
    for token in sorted({t for row in rows for t in row.tokens}):
        vocabulary.setdefault(token, len(vocabulary))
    # What the learned features say of each question, from a classifier fitted and a
    # memory kept without the question's group.
    learned = {name: np.zeros((len(rows), len(keys)), dtype=np.float32) for name in LEARNED}
    vectors = np.stack([row.vector for row in rows]).astype(np.float32)
    owners = np.array([row.key for row in rows], dtype=np.intp)
    groups = np.array([row.group for row in rows])
    for group in sorted(set(groups.tolist())):
        model = _fit_classifier([row for row in rows if row.group != group], vocabulary, len(keys))
        others = groups != group
        _, similarity = Memory(vectors[others], owners[others]).similarity(vectors[groups == group])
        for i, sims in zip(np.flatnonzero(groups == group).tolist(), similarity, strict=True):
            row = rows[i]
            learned["classifier"][i] = log_probabilities(row.tokens, row.vector, vocabulary, *model)
            learned["nearest"][i], learned["votes"][i] = neighbours(sims, owners[others], len(keys))
    token_weights, vector_weights = _fit_classifier(rows, vocabulary, len(keys))
    weights = _fit_reranker(rows, learned)
    return Reranker(
        keys=tuple(keys),
        weights=weights,
        tokens=vocabulary,
        token_weights=token_weights,
        vector_weights=vector_weights,
        questions=tuple(row.question for row in rows),
        owners=owners,
    )


def _fit_classifier(
    rows: Sequence[Example], vocabulary: dict[str, int], n_keys: int
) -> tuple[Floats, Floats]:
    """Token weights (vocabulary × keys) and vector weights (dimensions × keys)."""
    columns = [
        sorted({vocabulary[t] for t in (BIAS, *row.tokens) if t in vocabulary}) for row in rows
    ]
    lengths = np.array([len(c) for c in columns])
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    flat = np.concatenate(columns)
    owner = np.repeat(np.arange(len(rows)), lengths)
    vectors = np.stack([row.vector for row in rows]).astype(np.float32)
    target = np.eye(n_keys, dtype=np.float32)[[row.key for row in rows]]
    # Xᵀg for the sparse token matrix is one bincount over (token, key) cells.
    cells = (flat[:, None] * n_keys + np.arange(n_keys)).ravel()
    token_weights = np.zeros((len(vocabulary), n_keys), dtype=np.float32)
    vector_weights = np.zeros((vectors.shape[1], n_keys), dtype=np.float32)

    def gradients(params: list[Floats]) -> list[Floats]:
        tw, vw = params
        scores = np.add.reduceat(tw[flat], starts) + blockwise(vectors, vw, ROWS_AT_A_TIME)
        scores -= scores.max(axis=1, keepdims=True)
        p = np.exp(scores)
        p /= p.sum(axis=1, keepdims=True)
        g = ((p - target) / len(rows)).astype(np.float32)
        g_tokens = np.bincount(cells, weights=g[owner].ravel(), minlength=tw.size)
        return [
            g_tokens.reshape(tw.shape).astype(np.float32) + CLASSIFIER_L2 * tw,
            times_transposed(vectors, g) + CLASSIFIER_L2 * vw,
        ]

    _adam([token_weights, vector_weights], gradients, CLASSIFIER_STEPS, CLASSIFIER_RATE)
    return token_weights, vector_weights


def _fit_reranker(rows: Sequence[Example], learned: dict[str, Floats]) -> Floats:
    """Weights per FEATURES: a conditional logit choosing each question's topic among
    all of them."""
    groups: list[Floats] = []
    chosen: list[int] = []
    for i, row in enumerate(rows):
        top, features = candidates(row.reading)
        for name, values in learned.items():
            features[:, FEATURES.index(name)] = values[i][top]
        groups.append(features)
        chosen.append(int(np.flatnonzero(top == row.key)[0]))
    x = np.stack(groups).astype(np.float64)  # questions × candidates × features
    mean = x.reshape(-1, x.shape[2]).mean(axis=0)
    scale = x.reshape(-1, x.shape[2]).std(axis=0) + 1e-9
    x = (x - mean) / scale
    target = np.zeros(x.shape[:2])
    target[np.arange(len(chosen)), chosen] = 1.0

    def gradients(params: list[Floats]) -> list[Floats]:
        (w,) = params
        scores = x @ w
        scores -= scores.max(axis=1, keepdims=True)
        p = np.exp(scores)
        p /= p.sum(axis=1, keepdims=True)
        return [np.einsum("nk,nkd->d", p - target, x) / len(chosen) + RERANKER_L2 * w]

    weights = np.zeros(x.shape[2])
    _adam([weights], gradients, RERANKER_STEPS, RERANKER_RATE)
    # A shift shared by every candidate of a question changes no choice: only the scale
    # needs undoing.
    result: Floats = (weights / scale).astype(np.float32)
    return result


def _adam(params: list[Any], gradients: Any, steps: int, rate: float) -> None:
    """Full-batch Adam, in place."""
    first = [np.zeros_like(p) for p in params]
    second = [np.zeros_like(p) for p in params]
    for step in range(1, steps + 1):
        for p, g, m, v in zip(params, gradients(params), first, second, strict=True):
            m *= 0.9
            m += 0.1 * g
            v *= 0.999
            v += 0.001 * g * g
            p -= rate * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
