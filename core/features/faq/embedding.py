"""Sentence vectors for the FAQ matcher: WordLlama's small static embedding model.

Chosen by measurement (`bench/faq.py`): it ships its 16 MB of weights inside the wheel
(so it runs offline), needs no PyTorch, loads in about 0.2 s and embeds a question in
well under a millisecond; blended with BM25 it answered more of the development
questions correctly than BM25 alone. The package looks for its tokenizer in the wrong
folder and then tries to download it, so the files are opened here by path instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import wordllama
from safetensors import safe_open
from wordllama.inference import WordLlamaInference
from wordllama.wordllama import WordLlama

PACKAGE = Path(wordllama.__file__).parent
WEIGHTS = PACKAGE / "weights" / "l2_supercat_256.safetensors"
TOKENIZER = PACKAGE / "tokenizers" / "l2_supercat_tokenizer_config.json"


@cache
def model() -> WordLlamaInference:
    tokenizer = WordLlama.load_tokenizer(TOKENIZER)
    with safe_open(str(WEIGHTS), framework="np", device="cpu") as weights:
        vectors = weights.get_tensor("embedding.weight")
    return WordLlamaInference(vectors, tokenizer)


Vectors = np.ndarray[Any, np.dtype[np.float32]]
# Knowledge-base questions are embedded again by every matcher built (the leave-one-out
# tests build dozens): each of those is embedded once per process.
_remembered: dict[str, Vectors] = {}


def embed(texts: Sequence[str]) -> Vectors:
    """Unit-length vectors, one row per text: a dot product is the cosine similarity."""
    found: Vectors = model().embed(list(texts), norm=True)
    return found


def embed_remembered(texts: Sequence[str]) -> Vectors:
    """`embed` for the knowledge base's own texts: a fixed set, so kept for reuse (never
    use it for users' questions, which would grow without end)."""
    missing = list(dict.fromkeys(t for t in texts if t not in _remembered))
    if missing:
        _remembered.update(zip(missing, embed(missing), strict=True))
    return np.stack([_remembered[t] for t in texts])
