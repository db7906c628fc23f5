"""Second stage of the FAQ matcher: a small learned model re-ranks the blend's topics.

The blend (BM25 and WordLlama similarity, `matcher.py`) ranks neighbouring topics close
together and often picks the neighbour: "back from three weeks off and the first workout
destroyed me" shares more words with how often to train than with easing back in. Three
learned parts separate them:

- a classifier: multinomial logistic regression over the question's words (stems of the
  corrected words, the small function words too — "how long", "should I", "never") and
  its WordLlama vector, one weight per word and topic. It learns which words tell a topic
  from its neighbours, where BM25 only knows how rare a word is;
- a memory: the labelled questions it was fitted on. The ones closest in meaning to a new
  question vote for their topics (`neighbours`): thousands of ways people have asked,
  where the knowledge base holds a handful per topic. Closeness is measured after
  `whitening`, which shrinks the directions along which one topic's questions differ
  among themselves (slang or jargon, a story or a search query) and so weighs those that
  tell topics apart;
- a re-ranker: every topic gets a score, a weighted sum of its `FEATURES` (its BM25
  scores over the whole entry and over the closest example question, its closest example
  question's and its centroid's cosine similarity, the classifier's log-probability,
  whether the blend put it first, its closest remembered question's similarity and its
  votes); the best score is the answer.

All were fitted on the knowledge base's example questions and the labelled questions of
`bench/data` (`bench/faq.py --retrain`, `core/features/faq/training.py`); weights and
remembered questions are data in `reranker.txt` beside this module. Whether to answer at
all stays the matcher's gates' call (which count a remembered question as one of ours).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

MODEL_FILE = Path(__file__).with_name("reranker.txt")
# Per candidate topic, in this order (`matcher.candidates` computes them).
FEATURES = (
    "entry",
    "question",
    "meaning",
    "centroid",
    "classifier",
    "first",
    "nearest",
    "votes",
)
# Learned per topic rather than read off the blend: filled in by `Matcher.rerank` (and by
# training, from models and memories that never saw the question).
LEARNED = ("classifier", "nearest", "votes")
NEIGHBOURS = 5  # how many of the closest labelled questions vote
BIAS = "@bias"  # a token every question has: the classifier's per-topic intercept
DIGIT = "@number"  # any number the knowledge base doesn't use ("day 3", "20 miles")

Array = np.ndarray[Any, np.dtype[np.float32]]
Ints = np.ndarray[Any, np.dtype[np.intp]]


def function_word(word: str) -> str:
    """The classifier's token for a stop word: kept, marked, since "how long", "never"
    or "should I" say what kind of question it is."""
    return "_" + word


@dataclass(frozen=True, eq=False)
class Reranker:
    keys: tuple[str, ...]
    weights: Array  # one per FEATURES
    tokens: dict[str, int]  # token → row of token_weights
    token_weights: Array  # tokens × keys
    vector_weights: Array  # embedding dimensions × keys
    questions: tuple[str, ...]  # labelled questions remembered, for `neighbours`
    owners: Ints  # each remembered question's topic (index into keys)

    def classify(self, tokens: Iterable[str], vector: Array) -> Array:
        """Log-probability of each topic (in `keys` order) for a question's tokens and
        unit-length sentence vector."""
        return log_probabilities(
            tokens, vector, self.tokens, self.token_weights, self.vector_weights
        )

    def neighbours(self, similarity: Array) -> tuple[Array, Array]:
        """Per topic (in `keys` order), from the question's similarity to each remembered
        question (after `whitening`): its closest question's similarity, and the summed
        similarity of its questions among the `NEIGHBOURS` closest."""
        return neighbours(similarity, self.owners, len(self.keys))

    def score(self, features: Array) -> Array:
        """One score per candidate, for a candidates × FEATURES matrix."""
        found: Array = features @ self.weights
        return found

    def dump(self, path: Path = MODEL_FILE, *, header: Sequence[str] = ()) -> None:
        """Plain text (shipped with the package like the other data files): comment lines,
        then `keys …`, `features …` with the re-ranker's weights, `questions N` and the N
        remembered questions (`key<tab>question`), then one line per classifier row (`@0`
        … for the vector's dimensions, then the tokens)."""
        lines = [f"# {line}" for line in header]
        lines.append("keys " + " ".join(self.keys))
        lines.append(
            "features "
            + " ".join(f"{n}={w:.6g}" for n, w in zip(FEATURES, self.weights, strict=True))
        )
        lines.append(f"questions {len(self.questions)}")
        for owner, question in zip(self.owners, self.questions, strict=True):
            lines.append(f"{self.keys[owner]}\t{question}")
        for i, row in enumerate(self.vector_weights):
            lines.append(f"@{i} " + " ".join(f"{w:.4g}" for w in row))
        for token, i in sorted(self.tokens.items(), key=lambda kv: kv[1]):
            lines.append(f"{token} " + " ".join(f"{w:.4g}" for w in self.token_weights[i]))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    @classmethod
    def parse(cls, text: str) -> Reranker:
        lines = [line for line in text.splitlines() if line and not line.startswith("#")]
        if (
            len(lines) < 3
            or not lines[0].startswith("keys ")
            or not lines[1].startswith("features ")
            or not lines[2].startswith("questions ")
        ):
            raise ValueError(
                "not a re-ranker file: it starts with `keys`, `features` and `questions` lines"
            )
        keys = tuple(lines[0].split()[1:])
        named = dict(item.split("=") for item in lines[1].split()[1:])
        if tuple(named) != FEATURES:
            raise ValueError(f"re-ranker features {tuple(named)} are not {FEATURES}")
        weights = np.array([float(named[n]) for n in FEATURES], dtype=np.float32)
        count = int(lines[2].split()[1])
        remembered = [line.split("\t", 1) for line in lines[3 : 3 + count]]
        rows = lines[3 + count :]
        names = [line.split(" ", 1)[0] for line in rows]
        values = np.array(
            " ".join(line.split(" ", 1)[1] for line in rows).split(), dtype=np.float32
        ).reshape(len(names), len(keys))
        dims = sum(1 for n in names if n.startswith("@") and n[1:].isdigit())
        return cls(
            keys=keys,
            weights=weights,
            tokens={n: i for i, n in enumerate(names[dims:])},
            token_weights=values[dims:],
            vector_weights=values[:dims],
            questions=tuple(question for _, question in remembered),
            owners=np.array([keys.index(key) for key, _ in remembered], dtype=np.intp),
        )


# OpenBLAS splits a product with a tall matrix over threads, which on a busy two-core
# machine makes it many times slower: training took 20 times longer, and the remembered
# questions' similarities took 3.5 ms instead of 0.16 ms beside two other numpy processes
# (0.8 ms a block at a time). A block of rows at a time stays on one thread.
ROWS_AT_A_TIME = 32  # training's products: rows × 256 times 256 × topics
MEMORY_ROWS_AT_A_TIME = 512  # a question's vector against the remembered questions
# How far `whitening` stays from plain cosine similarity: the within-topic spread gets this
# share of its mean variance added in every direction. Leave-one-file-out over held-out
# 10-18: 695/720 right without whitening, 698/720 with 0.1, 0.3, 1 or 3; over 10-20,
# 848/880 and 850/880. A small gain: on held-out 19 and 20, measured once, it got two
# fewer right than without it (151 vs 153 of 160).
WHITENING_SHRINK = 0.3


def blockwise(a: Array, b: Array, rows: int) -> Array:
    """a @ b, `rows` rows of a at a time."""
    return np.concatenate([a[i : i + rows] @ b for i in range(0, len(a), rows)])


def times_transposed(a: Array, b: Array) -> Array:
    """aᵀ @ b, `ROWS_AT_A_TIME` rows at a time (see `blockwise`)."""
    total = np.zeros((a.shape[1], b.shape[1]), dtype=np.float32)
    for i in range(0, len(a), ROWS_AT_A_TIME):
        total += a[i : i + ROWS_AT_A_TIME].T @ b[i : i + ROWS_AT_A_TIME]
    return total


def whitening(vectors: Array, owners: Ints) -> Array:
    """A linear map under which labelled questions of one topic vary as much in every
    direction (within-class covariance normalisation, shrunk toward plain cosine by
    `WHITENING_SHRINK`). Questions of one topic differ mostly in style, which the sentence
    vectors weigh as heavily as the topic; after the map, the nearest remembered question
    is more often one of the same topic. Computed from the memory itself (`Matcher` at
    start-up, training per cross-fitting group), so nothing more is shipped."""
    means = np.zeros((int(owners.max()) + 1, vectors.shape[1]), dtype=np.float32)
    np.add.at(means, owners, vectors)
    means /= np.maximum(np.bincount(owners), 1)[:, None]
    spread = vectors - means[owners]
    within = times_transposed(spread, spread).astype(np.float64) / len(vectors)
    within += WHITENING_SHRINK * np.trace(within) / len(within) * np.eye(len(within))
    variances, axes = np.linalg.eigh(within)
    found: Array = ((axes / np.sqrt(variances)) @ axes.T).astype(np.float32)
    return found


class Memory:
    """The remembered questions' unit vectors, and a question's cosine similarity to each,
    plain (for the matcher's gates) and after `whitening` (for the votes), in one pass
    over them. With T the map (symmetric), the cosine after it is m·(T²v) / (|mT| |vT|):
    each question is mapped instead of a second, whitened copy of the memory, and one
    product gives both."""

    def __init__(self, vectors: Array, owners: Ints) -> None:
        self.vectors = vectors
        self._transform = whitening(vectors, owners)
        self._metric = self._transform @ self._transform
        mapped = blockwise(vectors, self._transform, MEMORY_ROWS_AT_A_TIME)
        self._lengths = np.linalg.norm(mapped, axis=1)

    def similarity(self, questions: Array) -> tuple[Array, Array]:
        """For rows of unit vectors: their plain and whitened similarity to each
        remembered question (questions × remembered, each)."""
        lengths = np.linalg.norm(questions @ self._transform, axis=1, keepdims=True)
        both = np.concatenate((questions, questions @ self._metric / lengths))
        if len(questions) == 1:
            # Answering one question: two matrix-vector products beat the blocks (6,400
            # remembered: 0.2-0.4 ms against 0.7-0.8 ms idle, 0.7 against 1.7 ms beside
            # another numpy process).
            product = np.stack([self.vectors @ row for row in both])
        else:
            product = blockwise(self.vectors, both.T, MEMORY_ROWS_AT_A_TIME).T
        plain: Array = product[: len(questions)]
        whitened: Array = product[len(questions) :] / self._lengths
        return plain, whitened


def log_probabilities(
    tokens: Iterable[str],
    vector: Array,
    vocabulary: dict[str, int],
    token_weights: Array,
    vector_weights: Array,
) -> Array:
    """`Reranker.classify`, for any classifier (training fits one per group left out)."""
    rows = [vocabulary[t] for t in {BIAS, *tokens} if t in vocabulary]
    scores = token_weights[rows].sum(axis=0) + vector @ vector_weights
    scores = scores - scores.max()
    found: Array = scores - np.log(np.exp(scores).sum())
    return found


def neighbours(similarity: Array, owners: Ints, n_keys: int) -> tuple[Array, Array]:
    """`Reranker.neighbours`, for any memory (training leaves a question's group out)."""
    nearest = np.full(n_keys, -1.0, dtype=np.float32)
    np.maximum.at(nearest, owners, similarity)
    count = min(NEIGHBOURS, len(similarity))
    top = np.argpartition(-similarity, count - 1)[:count]
    votes = np.bincount(owners[top], weights=similarity[top], minlength=n_keys)
    return nearest, votes.astype(np.float32)


@functools.cache
def shipped() -> Reranker:
    return Reranker.parse(MODEL_FILE.read_text(encoding="utf-8"))
