"""FAQ matching, measured: accuracy, facts in the answers, refusals and latency.

For the public eval file and nine held-out files, prints per method: top-1 key accuracy
on on-topic questions, the share of answers holding every required fact group, the
off-topic refusal rate, and median/p95 latency per question. Held-out 1 was written
before the matcher; held-out 2 by someone who had read only the article, measured once
(84.0% top-1) and then used, like held-out 1, as development data; held-out 3 the same
way, written after those changes, measured once and then also used for development;
held-out 4 the same way again (measured once, then used for development), and held-out
5 and 6 the same way once more (each measured once, then used for development); held-out
7 and 8 the same way (each measured once, then used for development); held-out 9 the
same way, the figure to quote. Methods: the shipped blend (lexical hybrid +
WordLlama sentence vectors), the lexical hybrid alone (BM25 over entries and over
example questions), plain BM25 over whole entries, and fuzzy matching (rapidfuzz).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process  # noqa: E402

from core.features.faq.feature import Faq  # noqa: E402
from core.features.faq.knowledge import knowledge  # noqa: E402
from core.features.faq.matcher import Match, Matcher  # noqa: E402

FILES = {
    "public": ROOT.parent / "shared" / "eval" / "faq_public.jsonl",
    "held-out": ROOT / "bench" / "data" / "faq_heldout.jsonl",
    # Written later by someone who had read only the article and the key list (not the
    # knowledge base's questions), and measured once, with no tuning after.
    "held-out 2": ROOT / "bench" / "data" / "faq_heldout2.jsonl",
    # The same, written after the matcher changes that held-out 2's first measurement
    # prompted; measured once (91.2% top-1, 28/30 refused), then used as development data.
    "held-out 3": ROOT / "bench" / "data" / "faq_heldout3.jsonl",
    # The same again: measured once (83.8% top-1, 26/30 refused), then used for
    # development too.
    "held-out 4": ROOT / "bench" / "data" / "faq_heldout4.jsonl",
    # The same again, written before the last changes and not looked at until measured:
    # the honest figure.
    "held-out 5": ROOT / "bench" / "data" / "faq_heldout5.jsonl",
    # A second sample like held-out 5: written by someone else, after the last matcher
    # change, and measured once (77.5% top-1, 30/30 refused); then development data.
    "held-out 6": ROOT / "bench" / "data" / "faq_heldout6.jsonl",
    # Written like the others before the knowledge base's last additions, and measured
    # once (96.2% top-1, 29/30 refused); then development data.
    "held-out 7": ROOT / "bench" / "data" / "faq_heldout7.jsonl",
    # Written like the others after that change, and measured once (90.0% top-1, 29/30
    # refused); then development data.
    "held-out 8": ROOT / "bench" / "data" / "faq_heldout8.jsonl",
    # Written like the others, and not looked at until measured: the honest figure.
    "held-out 9": ROOT / "bench" / "data" / "faq_heldout9.jsonl",
}
FUZZY_CUTOFF = 70


def fuzzy_matcher() -> Callable[[str], Match]:
    kb = knowledge()
    choices = [(q, e.key) for e in kb.entries.values() for q in (*e.questions, e.title)]
    texts = [q for q, _ in choices]

    def match(text: str) -> Match:
        found = process.extract(text, texts, scorer=fuzz.token_set_ratio, limit=3)
        keys = tuple(dict.fromkeys(choices[i][1] for _, _, i in found))
        if not found or found[0][1] < FUZZY_CUTOFF:
            return Match(None, found[0][1] / 100 if found else 0.0, keys)
        return Match(keys[0], found[0][1] / 100, keys)

    return match


def evaluate(name: str, rows: list[dict[str, object]], faq: Faq) -> None:
    on_topic = [r for r in rows if r["key"] is not None]
    off_topic = [r for r in rows if r["key"] is None]
    right = facts = refused = 0
    latencies: list[float] = []
    misses: list[str] = []
    for row in rows:
        question = str(row["q"])
        started = time.perf_counter()
        found = faq.matcher.match(question)
        latencies.append((time.perf_counter() - started) * 1000)
        replies = faq.answer(question)
        text = " ".join(r.text for r in replies).lower()
        groups = row["must"]
        assert isinstance(groups, list)
        has_facts = all(any(str(alt).lower() in text for alt in group) for group in groups)
        if row["key"] is None:
            refused += found.key is None
            if found.key is not None:
                misses.append(f"    answered off-topic {question!r} with {found.key}")
            continue
        right += found.key == row["key"]
        facts += has_facts and found.key == row["key"]
        if found.key != row["key"]:
            misses.append(f"    {question!r}: wanted {row['key']}, got {found.key}")
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(
        f"  {name:<9} top-1 {right}/{len(on_topic)} = {right / len(on_topic):.1%}   "
        f"facts {facts}/{len(on_topic)} = {facts / len(on_topic):.1%}   "
        f"off-topic refused {refused}/{len(off_topic)} = {refused / max(len(off_topic), 1):.0%}   "
        f"latency median {statistics.median(latencies):.2f} ms, p95 {p95:.2f} ms"
    )
    if "-v" in sys.argv:
        print("\n".join(misses))


class FuzzyFaq(Faq):
    def __init__(self) -> None:
        super().__init__()
        self._fuzzy = fuzzy_matcher()

    @property
    def matcher(self) -> Matcher:
        outer = self

        class Adapter(Matcher):
            def __init__(self) -> None:
                pass

            def match(self, text: str) -> Match:
                return outer._fuzzy(text)

        return Adapter()


def main() -> None:
    kb = knowledge()
    methods: dict[str, Faq] = {
        "shipped": Faq(Matcher(kb)),
        "lexical": Faq(Matcher(kb, semantic_weight=0.0)),
        "bm25": Faq(Matcher(kb, question_weight=0.0, semantic_weight=0.0)),
        "fuzzy": FuzzyFaq(),
    }
    for method in methods.values():
        method.answer("warm up")  # build indexes and caches outside the timing
    for label, path in FILES.items():
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        print(f"{label}: {path.name}, {len(rows)} questions")
        for name, faq in methods.items():
            evaluate(name, rows, faq)
    print(
        "embedding models: WordLlama (16 MB of weights in its wheel, numpy only) is "
        "shipped; all-MiniLM-L6-v2 was not (83 MB of weights plus PyTorch, over the "
        "100 MB budget)"
    )


if __name__ == "__main__":
    main()
