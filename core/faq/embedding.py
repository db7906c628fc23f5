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


def embed(texts: Sequence[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
    """Unit-length vectors, one row per text: a dot product is the cosine similarity."""
    found: np.ndarray[Any, np.dtype[np.float32]] = model().embed(list(texts), norm=True)
    return found
