"""Pain-triage benchmark: accuracy on a labelled set, red-flag recall/precision, latency.

Run from the repo root:  python bench/triage.py [path/to/labelled.jsonl]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

from core.rules.triage import PainKind, classify_pain  # noqa: E402

DEFAULT_DATA = ROOT / "bench" / "data" / "triage_labelled.jsonl"
LATENCY_ROUNDS = 20


def load(path: Path) -> list[tuple[str, PainKind]]:
    rows: list[tuple[str, PainKind]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            rows.append((str(item["text"]), PainKind(item["kind"])))
    return rows


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA
    rows = load(path)

    misses: list[tuple[str, PainKind, PainKind, tuple[str, ...]]] = []
    true_red = false_red = missed_red = 0
    for text, want in rows:
        got = classify_pain(text)
        if got.kind is not want:
            misses.append((text, want, got.kind, got.matched))
        if want is PainKind.RED_FLAG and got.kind is PainKind.RED_FLAG:
            true_red += 1
        elif want is PainKind.RED_FLAG:
            missed_red += 1
        elif got.kind is PainKind.RED_FLAG:
            false_red += 1

    correct = len(rows) - len(misses)
    recall = true_red / (true_red + missed_red) if true_red + missed_red else 1.0
    precision = true_red / (true_red + false_red) if true_red + false_red else 1.0
    print(f"labelled set: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    print(f"accuracy: {correct}/{len(rows)} = {correct / len(rows):.1%}")
    print(
        f"red-flag recall: {true_red}/{true_red + missed_red} = {recall:.1%}   "
        f"precision: {true_red}/{true_red + false_red} = {precision:.1%}"
    )

    print(f"misses ({len(misses)}):")
    for text, want, got_kind, matched in misses:
        print(f"  want {want.value:<22} got {got_kind.value:<22} {text!r}  cues={list(matched)}")

    # Latency: every text, several rounds; the first round includes cold token caches.
    samples: list[float] = []
    for _ in range(LATENCY_ROUNDS):
        for text, _want in rows:
            start = time.perf_counter_ns()
            classify_pain(text)
            samples.append((time.perf_counter_ns() - start) / 1000)
    samples.sort()
    p95 = samples[int(0.95 * (len(samples) - 1))]
    print(
        f"latency per call: median {statistics.median(samples):.0f} µs, p95 {p95:.0f} µs, "
        f"max {samples[-1]:.0f} µs  ({len(samples)} calls)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
