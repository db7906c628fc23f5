"""Second stage of the FAQ matcher: a small learned model re-ranks the blend's top topics.

The blend (BM25 and WordLlama similarity, `matcher.py`) ranks neighbouring topics close
together and often picks the neighbour: "back from three weeks off and the first workout
destroyed me" shares more words with how often to train than with easing back in. Two
learned parts separate them:

- a classifier: multinomial logistic regression over the question's words (stems of the
  corrected words, the small function words too — "how long", "should I", "never") and
  its WordLlama vector, one weight per word and topic. It learns which words tell a topic
  from its neighbours, where BM25 only knows how rare a word is;
- a re-ranker: each of the blend's top `DEPTH` topics gets a score, a weighted sum of its
  `FEATURES` (its BM25 scores over the whole entry and over the closest example question,
  its closest example question's and its centroid's cosine similarity, the classifier's
  log-probability, and whether the blend put it first); the best score is the answer.

Both were fitted on the knowledge base's example questions and the labelled held-out
questions (`bench/faq.py --retrain`, `core/features/faq/training.py`); the weights are data
in `reranker.txt` beside this module. Which topics to consider and whether to answer at all
stay the blend's: a question the blend refuses is still refused.
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
FEATURES = ("entry", "question", "meaning", "centroid", "classifier", "first")
# How many of the blend's top topics are re-ranked: the right one is among the blend's top
# five for 704 of the 705 labelled questions that reach the ranking (top three: 696), and
# five did better than three in cross-validation.
DEPTH = 5
BIAS = "@bias"  # a token every question has: the classifier's per-topic intercept
DIGIT = "@number"  # any number the knowledge base doesn't use ("day 3", "20 miles")

Array = np.ndarray[Any, np.dtype[np.float32]]


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

    def classify(self, tokens: Iterable[str], vector: Array) -> Array:
        """Log-probability of each topic (in `keys` order) for a question's tokens and
        unit-length sentence vector."""
        rows = [self.tokens[t] for t in {BIAS, *tokens} if t in self.tokens]
        scores = self.token_weights[rows].sum(axis=0) + vector @ self.vector_weights
        scores = scores - scores.max()
        found: Array = scores - np.log(np.exp(scores).sum())
        return found

    def score(self, features: Array) -> Array:
        """One score per candidate, for a candidates × FEATURES matrix."""
        found: Array = features @ self.weights
        return found

    def dump(self, path: Path = MODEL_FILE, *, header: Sequence[str] = ()) -> None:
        """Plain text (shipped with the package like the other data files): comment lines,
        then `keys …`, `features …` with the re-ranker's weights, then one line per
        classifier row (`@0` … for the vector's dimensions, then the tokens)."""
        lines = [f"# {line}" for line in header]
        lines.append("keys " + " ".join(self.keys))
        lines.append(
            "features "
            + " ".join(f"{n}={w:.6g}" for n, w in zip(FEATURES, self.weights, strict=True))
        )
        for i, row in enumerate(self.vector_weights):
            lines.append(f"@{i} " + " ".join(f"{w:.4g}" for w in row))
        for token, i in sorted(self.tokens.items(), key=lambda kv: kv[1]):
            lines.append(f"{token} " + " ".join(f"{w:.4g}" for w in self.token_weights[i]))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    @classmethod
    def parse(cls, text: str) -> Reranker:
        lines = [line for line in text.splitlines() if line and not line.startswith("#")]
        if (
            len(lines) < 2
            or not lines[0].startswith("keys ")
            or not lines[1].startswith("features ")
        ):
            raise ValueError("not a re-ranker file: it starts with `keys` and `features` lines")
        keys = tuple(lines[0].split()[1:])
        named = dict(item.split("=") for item in lines[1].split()[1:])
        if tuple(named) != FEATURES:
            raise ValueError(f"re-ranker features {tuple(named)} are not {FEATURES}")
        weights = np.array([float(named[n]) for n in FEATURES], dtype=np.float32)
        names = [line.split(" ", 1)[0] for line in lines[2:]]
        values = np.array(
            " ".join(line.split(" ", 1)[1] for line in lines[2:]).split(), dtype=np.float32
        ).reshape(len(names), len(keys))
        dims = sum(1 for n in names if n.startswith("@") and n[1:].isdigit())
        return cls(
            keys=keys,
            weights=weights,
            tokens={n: i for i, n in enumerate(names[dims:])},
            token_weights=values[dims:],
            vector_weights=values[:dims],
        )


@functools.cache
def shipped() -> Reranker:
    return Reranker.parse(MODEL_FILE.read_text(encoding="utf-8"))
