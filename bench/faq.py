"""FAQ matching, measured: accuracy, facts in the answers, refusals and latency.

For the public eval file, the held-out files and the training files, prints per method:
top-1 key accuracy on on-topic questions, the share of answers holding every required
fact group, the off-topic refusal rate, and median/p95 latency per question. Held-out 2
onwards were each written from the article and the key list alone, after the changes the
one before prompted, and measured once before anything was changed for them: that first
figure is the honest one, and each file's comment in FILES records it; after, they are
development data. Methods: the shipped matcher (the blend's topics re-ranked by a small
learned model: `core/features/faq/reranker.py`), the blend alone (lexical hybrid +
WordLlama sentence vectors, shipped before), the lexical hybrid alone (BM25 over entries
and over example questions), plain BM25 over whole entries, and fuzzy matching
(rapidfuzz).

The re-ranker was fitted on the knowledge base's example questions and every file here
but the tests (`TESTS`: the public file and the last sealed batch, held-out 57-62), and
remembers their questions, so its "shipped" line on the other files is measured on
questions it was trained on; on the tests it is the honest figure. `--cv` (about ten
minutes) prints the honest figures for each held-out file: leave-one-file-out
cross-validation, the re-ranker fitted on every other file and measured on the one left
out ("cv"), beside the blend; and the same again with the knowledge base as it was when
the file was sealed ("cv*", "blend*": without the example questions written after it,
`bench/data/faq_examples_written_later.tsv`), since many were written to fix that file's
misses. `--retrain` fits the shipped re-ranker again (after a change to knowledge.toml,
the matcher or a labelled file; about 30 s) and writes `core/features/faq/reranker.txt`.
`-v` lists every miss. A new held-out file, once measured: add it to FILES (training
takes every file there but `TESTS`), list in the .tsv the example questions written after
it was sealed, and retrain.
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
from core.features.faq.reranker import MODEL_FILE  # noqa: E402
from core.features.faq.training import Example, Labelled, examples, fit  # noqa: E402

DATA = ROOT / "bench" / "data"
FILES = {
    "public": ROOT.parent / "shared" / "eval" / "faq_public.jsonl",
    "held-out": DATA / "faq_heldout.jsonl",
    # Written later by someone who had read only the article and the key list (not the
    # knowledge base's questions); measured once (84.0% top-1), then development data.
    "held-out 2": DATA / "faq_heldout2.jsonl",
    # The same, written after the matcher changes that held-out 2's first measurement
    # prompted; measured once (91.2% top-1, 28/30 refused), then used as development data.
    "held-out 3": DATA / "faq_heldout3.jsonl",
    # The same again: measured once (83.8% top-1, 26/30 refused), then used for
    # development too.
    "held-out 4": DATA / "faq_heldout4.jsonl",
    # The same again, written before the last changes and not looked at until measured:
    # the honest figure.
    "held-out 5": DATA / "faq_heldout5.jsonl",
    # A second sample like held-out 5: written by someone else, after the last matcher
    # change, and measured once (77.5% top-1, 30/30 refused); then development data.
    "held-out 6": DATA / "faq_heldout6.jsonl",
    # Written like the others before the knowledge base's last additions, and measured
    # once (96.2% top-1, 29/30 refused); then development data.
    "held-out 7": DATA / "faq_heldout7.jsonl",
    # Written like the others after that change, and measured once (90.0% top-1, 29/30
    # refused); then development data.
    "held-out 8": DATA / "faq_heldout8.jsonl",
    # Written like the others; measured once (95.0% top-1, 30/30 refused), the figure to
    # quote before the re-ranker; then development data.
    "held-out 9": DATA / "faq_heldout9.jsonl",
    # Written like the others after the re-ranker; measured once (87.5% top-1, 23/30
    # refused), then used as development data.
    "held-out 10": DATA / "faq_heldout10.jsonl",
    # Written like the others after held-out 10's fixes; measured once (92.5% top-1, 28/30
    # refused), then used as development data.
    "held-out 11": DATA / "faq_heldout11.jsonl",
    # Written like the others after held-out 11's fixes; measured once (91.2% top-1, 29/30
    # refused; the blend alone 83.8%), then added to the re-ranker's training data.
    "held-out 12": DATA / "faq_heldout12.jsonl",
    # Written like the others after held-out 12 and the tempo topic's merge; measured once
    # (87.5% top-1, 30/30 refused; the blend alone 85.0%), then used as development data.
    "held-out 13": DATA / "faq_heldout13.jsonl",
    # Written like the others after the training files; measured once (91.2% top-1, 30/30
    # refused; the blend alone 87.5%), then trained on.
    "held-out 14": DATA / "faq_heldout14.jsonl",
    # Two written like the others by two writers after the re-ranker learnt to rank every
    # topic and remember its labelled questions, and measured once: 92.5% and 100% top-1
    # (74 and 80 of 80; together 96.2%), 30/30 refused each; the blend alone 86.2% and
    # 91.2%, the matcher shipped before 91.2% and 96.2%. Then trained on.
    "held-out 15": DATA / "faq_heldout15.jsonl",
    "held-out 16": DATA / "faq_heldout16.jsonl",
    # Two more like them, written after the re-ranker was refitted with held-out 15 and 16
    # (and a pet's or a menstrual period's soreness was put out of scope), and measured
    # once: 95.0% and 97.5% top-1 (76 and 78 of 80; together 96.2% again), 30/30 refused
    # each; the blend alone 85.0% and 88.8%, the matcher shipped before the memory 93.8%
    # and 95.0% (29/30 refused on 18). Then trained on.
    "held-out 17": DATA / "faq_heldout17.jsonl",
    "held-out 18": DATA / "faq_heldout18.jsonl",
    # Two more like them (one writer asked to lean to chatty stories, one to terse
    # questions), written after the memory's neighbours were found after whitening, and
    # measured once: 92.5% and 96.2% top-1 (74 and 77 of 80; together 94.4%), 27/30 and
    # 29/30 refused; the blend alone 80.0% and 87.5%, the matcher before whitening 93.8%
    # and 97.5% (same refusals). Then trained on.
    "held-out 19": DATA / "faq_heldout19.jsonl",
    "held-out 20": DATA / "faq_heldout20.jsonl",
    # Two more like them (writers asked for all ages, long and one-line messages; coaches,
    # structured programs and worried newcomers), written after held-out 19-20 were trained
    # on, drugs put out of scope and example questions added to red flags and off-topic,
    # and measured once: 98.8% and 97.5% top-1 (79 and 78 of 80; together 98.1%), 30/30
    # and 29/30 refused; the blend alone 93.8% and 85.0%. Then trained on.
    "held-out 21": DATA / "faq_heldout21.jsonl",
    "held-out 22": DATA / "faq_heldout22.jsonl",
    # Two more like them (writers asked for long messages full of personal context, and a
    # broad mix of ages, sports and hurry), written after held-out 21-22 were trained on
    # and a gate let long messages through on meaning (reverted after this measurement),
    # and measured once: 93.8% and 96.2% top-1 (75 and 77 of 80; together 95.0%), 29/30
    # refused each; the blend alone 86.2% both; without that gate the same top-1 and
    # 30/30 and 29/30 refused. Then trained on.
    "held-out 23": DATA / "faq_heldout23.jsonl",
    "held-out 24": DATA / "faq_heldout24.jsonl",
    # A sixth pair, written by two helpers from the article and the key list alone after
    # held-out 23-24 were trained on (the re-ranker, knowledge base and gates unchanged
    # since; md5 of core/features/faq frozen while they wrote), and measured once: 96.2%
    # and 96.2% top-1 (77 and 77 of 80), 30/30 and 28/30 refused; the blend alone 86.2%
    # and 80.0%. Then trained on.
    "held-out 25": DATA / "faq_heldout25.jsonl",
    "held-out 26": DATA / "faq_heldout26.jsonl",
    # A seventh pair, written the same way after held-out 25-26 were trained on, eight
    # answers gained the article facts writers had found missing, and two out-of-scope
    # rules were added (md5 of core/features/faq frozen while they wrote); measured once:
    # 98.8% and 95.0% top-1 (79 and 76 of 80; together 96.9%), facts 98.8% and 93.8%,
    # 29/30 and 30/30 refused; the blend alone 80.0% and 85.0%. Then trained on.
    "held-out 27": DATA / "faq_heldout27.jsonl",
    "held-out 28": DATA / "faq_heldout28.jsonl",
    # An eighth pair, written the same way after held-out 27-28 were trained on, a typo
    # of a filler word stopped counting against the coverage gate and gym manners became
    # out of scope (md5 of core/features/faq frozen while they wrote); measured once:
    # 97.5% and 96.2% top-1 (78 and 77 of 80; together 96.9%), facts 95.0% and 96.2%,
    # 30/30 and 28/30 refused; the blend alone 85.0% and 90.0%. Then trained on.
    "held-out 29": DATA / "faq_heldout29.jsonl",
    "held-out 30": DATA / "faq_heldout30.jsonl",
    # A ninth pair, written the same way after held-out 29-30 were trained on, the
    # sharp-pain rule, two more out-of-scope phrasings and the faster memory product
    # (md5 of core/features/faq frozen while they wrote); measured once: 96.2% and 97.5%
    # top-1 (77 and 78 of 80; together 96.9%), facts 96.2% both, 30/30 and 29/30
    # refused; the blend alone 86.2% and 90.0%. Then trained on.
    "held-out 31": DATA / "faq_heldout31.jsonl",
    "held-out 32": DATA / "faq_heldout32.jsonl",
    # Six more, written the same way by six helpers at once (asked for chatty context,
    # terse phone typing, all ages and sports, worried newcomers and returners, seasoned
    # lifters and coaches, and a mix) after held-out 31-32 were trained on and a new
    # phase's easier first week moved to deload (md5 of core/features/faq frozen while
    # they wrote); measured once: 97.5, 96.2, 97.5, 97.5, 98.8 and 96.2% top-1 (467 of
    # 480, 97.3%), facts 96.2, 96.2, 96.2, 97.5, 96.2 and 91.2%, 29, 30, 29, 30, 30 and
    # 29 of 30 refused (177/180, 98.3%); the blend alone 83.1%. Then trained on.
    "held-out 33": DATA / "faq_heldout33.jsonl",
    "held-out 34": DATA / "faq_heldout34.jsonl",
    "held-out 35": DATA / "faq_heldout35.jsonl",
    "held-out 36": DATA / "faq_heldout36.jsonl",
    "held-out 37": DATA / "faq_heldout37.jsonl",
    "held-out 38": DATA / "faq_heldout38.jsonl",
    # Six more, asked for the same six styles (a second sample of each), written after
    # held-out 33-38 were trained on and four fixes they prompted (asking words, named
    # injuries, memberships, lower-back topics only for a question naming the back; md5
    # of core/features/faq frozen while they wrote); measured once: 100, 97.5, 92.5,
    # 97.5, 97.5 and 97.5% top-1 (466 of 480, 97.1%), facts 98.8, 97.5, 92.5, 97.5, 92.5
    # and 97.5%, 30, 30, 29, 30, 29 and 30 of 30 refused (178/180, 98.9%); the blend
    # alone 87.3%. Then trained on.
    "held-out 39": DATA / "faq_heldout39.jsonl",
    "held-out 40": DATA / "faq_heldout40.jsonl",
    "held-out 41": DATA / "faq_heldout41.jsonl",
    "held-out 42": DATA / "faq_heldout42.jsonl",
    "held-out 43": DATA / "faq_heldout43.jsonl",
    "held-out 44": DATA / "faq_heldout44.jsonl",
    # Six more in the same six styles (a third sample of each), written after held-out
    # 39-44 were trained on and two fixes they prompted (pregnancy out of scope, "wk" is
    # week; md5 of core/features/faq frozen while they wrote); measured once: 95.0, 96.2,
    # 97.5, 97.5, 97.5 and 97.5% top-1 (465 of 480, 96.9%), facts 95.0, 95.0, 97.5, 95.0,
    # 97.5 and 97.5%, 29, 30, 30, 29, 29 and 30 of 30 refused (177/180, 98.3%); the blend
    # alone 87.9%. Then trained on.
    "held-out 45": DATA / "faq_heldout45.jsonl",
    "held-out 46": DATA / "faq_heldout46.jsonl",
    "held-out 47": DATA / "faq_heldout47.jsonl",
    "held-out 48": DATA / "faq_heldout48.jsonl",
    "held-out 49": DATA / "faq_heldout49.jsonl",
    "held-out 50": DATA / "faq_heldout50.jsonl",
    # Six more in the same six styles (a fourth sample of each, declared the last of the
    # stop before they were written), after held-out 45-50 were trained on and two fixes
    # they prompted (chat filler and gym shorthand read, overuse conditions and weight loss
    # out of scope; md5 of core/features/faq frozen while they wrote); measured once:
    # 93.8, 97.5, 97.5, 96.2, 97.5 and 97.5% top-1 (464 of 480, 96.7%), facts 91.2, 96.2,
    # 97.5, 96.2, 95.0 and 96.2%, 30, 30, 30, 28, 29 and 30 of 30 refused (177/180,
    # 98.3%); the blend alone 86.0%. Then trained on.
    "held-out 51": DATA / "faq_heldout51.jsonl",
    "held-out 52": DATA / "faq_heldout52.jsonl",
    "held-out 53": DATA / "faq_heldout53.jsonl",
    "held-out 54": DATA / "faq_heldout54.jsonl",
    "held-out 55": DATA / "faq_heldout55.jsonl",
    "held-out 56": DATA / "faq_heldout56.jsonl",
    # Six more in the same six styles (a fifth sample of each), written after held-out
    # 51-56 were trained on and the fixes they prompted (a new phase's easier week, sharp
    # pain never reassured, shorthand, out-of-scope phrasings; md5 of core/features/faq
    # and core/rules frozen at d7b44a5 while they wrote), with the bar declared before
    # they were written (at least 466 of 480); measured once: 98.8, 100, 96.2, 98.8, 96.2
    # and 97.5% top-1 (470 of 480, 97.9%), facts 97.5, 98.8, 96.2, 98.8, 92.5 and 97.5%,
    # 29, 29, 30, 30, 29 and 30 of 30 refused (177/180, 98.3%); the blend alone 87.1%.
    # Not trained on: they stay the test of the shipped matcher (TESTS below).
    "held-out 57": DATA / "faq_heldout57.jsonl",
    "held-out 58": DATA / "faq_heldout58.jsonl",
    "held-out 59": DATA / "faq_heldout59.jsonl",
    "held-out 60": DATA / "faq_heldout60.jsonl",
    "held-out 61": DATA / "faq_heldout61.jsonl",
    "held-out 62": DATA / "faq_heldout62.jsonl",
    # Training data, not tests: 240 questions written from the article and the key list to
    # tell neighbouring topics apart (comebacks vs easing soreness, first vs second time
    # sore, the five lower-back topics…). Measured once before training on them: shipped
    # 90.0% and 93.3% top-1 (the blend alone 84.2% and 87.5%).
    "training A": DATA / "faq_train_pairs_a.jsonl",
    "training B": DATA / "faq_train_pairs_b.jsonl",
    # Training data too: 288 questions each (12 per design key), written from the article,
    # the key list and a line on what each key covers, each in one style. Measured once
    # before training on them, by the matcher shipped then (re-ranker over the blend's top
    # five; the blend alone in brackets): terse 81.9% (76.4), story 82.3% (73.3), plain
    # 83.7% (77.1), expert 76.7% (70.5), neighbours 82.3% (72.6), worries 85.8% (75.7).
    "training terse": DATA / "faq_train_terse.jsonl",
    "training story": DATA / "faq_train_story.jsonl",
    "training plain": DATA / "faq_train_plain.jsonl",
    "training expert": DATA / "faq_train_expert.jsonl",
    "training neighbours": DATA / "faq_train_neighbours.jsonl",
    "training worries": DATA / "faq_train_worries.jsonl",
    # Four more like them, written after the re-ranker learnt to rank every topic and to
    # remember its labelled questions, and measured once by it (trained on everything
    # above): contrast 92.7%, voice 92.7%, search 91.0%, mixed 91.7% (the matcher shipped
    # before: 86.5%, 84.4%, 85.4%, 82.3%).
    "training contrast": DATA / "faq_train_contrast.jsonl",
    "training voice": DATA / "faq_train_voice.jsonl",
    "training search": DATA / "faq_train_search.jsonl",
    "training mixed": DATA / "faq_train_mixed.jsonl",
}
# Files that stay tests: the public one, and the last sealed batch, measured on the matcher
# that ships (fold them into training only together with a new sealed batch to test on).
LAST_SEALED = range(57, 63)
TESTS = {"public", *(f"held-out {n}" for n in LAST_SEALED)}
# What the re-ranker is fitted on (besides the knowledge base's own example questions): every
# other labelled file.
TRAINING = [label for label in FILES if label not in TESTS]
GROUPS = 5  # cross-fitting groups inside training: a held-out file's questions stay together
LATER = DATA / "faq_examples_written_later.tsv"
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


def evaluate(name: str, rows: list[dict[str, object]], faq: Faq) -> tuple[int, int, int, int]:
    """Prints one line; returns (right, on-topic, refused, off-topic)."""
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
    refusals = (
        f"off-topic refused {refused}/{len(off_topic)} = {refused / len(off_topic):.0%}   "
        if off_topic
        else ""
    )
    print(
        f"  {name:<9} top-1 {right}/{len(on_topic)} = {right / len(on_topic):.1%}   "
        f"facts {facts}/{len(on_topic)} = {facts / len(on_topic):.1%}   {refusals}"
        f"latency median {statistics.median(latencies):.2f} ms, p95 {p95:.2f} ms"
    )
    if "-v" in sys.argv:
        print("\n".join(misses))
    return right, len(on_topic), refused, len(off_topic)


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


def load(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def labelled(label: str) -> list[Labelled]:
    group = TRAINING.index(label) % GROUPS
    return [
        Labelled(str(row["q"]), str(row["key"]), group, label)
        for row in load(FILES[label])
        if row["key"] is not None
    ]


def retrain() -> None:
    kb = knowledge()
    started = time.perf_counter()
    model = fit(kb, examples(kb, [x for label in TRAINING for x in labelled(label)]))
    model.dump(
        MODEL_FILE,
        header=(
            "The FAQ re-ranker's weights (core/features/faq/reranker.py), written by",
            "`python bench/faq.py --retrain` from knowledge.toml's example questions and",
            f"the labelled questions of bench/data: {len(TRAINING)} files.",
            "Not edited by hand.",
        ),
    )
    size = MODEL_FILE.stat().st_size / 1000
    print(
        f"re-ranker fitted in {time.perf_counter() - started:.1f} s: "
        f"{len(model.tokens)} tokens, {size:.0f} kB in {MODEL_FILE.name}"
    )


def written_later() -> dict[str, int]:
    """Example questions written after a held-out file was sealed: question → that file's
    number (`bench/data/faq_examples_written_later.tsv`)."""
    lines = LATER.read_text(encoding="utf-8").splitlines()
    return {q: int(n) for n, q in (line.split("\t", 1) for line in lines if line[:1].isdigit())}


def cross_validate() -> None:
    """Leave one file out: the re-ranker fitted on the knowledge base and every other
    held-out file, measured on the one left out ("cv", beside the blend, which learns
    nothing). Then the same with the example questions written after the file was sealed
    also left out of the knowledge base ("cv*", "blend*"): the knowledge base as it was
    when the file was written, so its misses have not been patched with new phrasings."""
    kb = knowledge()
    later = written_later()
    every = [x for label in TRAINING for x in labelled(label)]
    read: dict[frozenset[str], list[Example]] = {}
    totals: dict[str, list[int]] = {}
    for label, path in FILES.items():
        if label.startswith("training"):
            continue  # always trained on: the held-out files are the ones to measure
        questions = load(path)
        number = TRAINING.index(label) + 1 if label in TRAINING else 0
        runs = [("cv", "blend", frozenset[str]())]
        if number > 1:
            runs.append(("cv*", "blend*", frozenset(q for q, n in later.items() if n >= number)))
        print(f"{label}: {path.name}, {len(questions)} questions, re-ranker fitted without it")
        for cv, blend, exclude in runs:
            if exclude not in read:
                read[exclude] = examples(kb, every, exclude=exclude)
            model = fit(kb, [row for row in read[exclude] if row.source != label])
            for name, faq in (
                (cv, Faq(Matcher(kb, exclude=exclude, reranker=model))),
                (blend, Faq(Matcher(kb, exclude=exclude, reranker=None))),
            ):
                faq.answer("warm up")
                counts = evaluate(name, questions, faq)
                totals[name] = [
                    a + b for a, b in zip(totals.get(name, [0] * 4), counts, strict=True)
                ]
    print("all files:")
    for name, (right, on_topic, refused, off_topic) in totals.items():
        print(
            f"  {name:<9} top-1 {right}/{on_topic} = {right / on_topic:.1%}   "
            f"off-topic refused {refused}/{off_topic} = {refused / off_topic:.1%}"
        )
    print(
        "* without the example questions written after the file was sealed "
        f"({LATER.relative_to(ROOT)}); held-out 1 predates the knowledge base"
    )


def main() -> None:
    if "--retrain" in sys.argv:
        retrain()
        return
    if "--cv" in sys.argv:
        cross_validate()
        return
    kb = knowledge()
    methods: dict[str, Faq] = {
        "shipped": Faq(Matcher(kb)),
        "blend": Faq(Matcher(kb, reranker=None)),
        "lexical": Faq(Matcher(kb, semantic_weight=0.0)),
        "bm25": Faq(Matcher(kb, question_weight=0.0, semantic_weight=0.0)),
        "fuzzy": FuzzyFaq(),
    }
    for method in methods.values():
        method.answer("warm up")  # build indexes and caches outside the timing
    for label, path in FILES.items():
        rows = load(path)
        print(f"{label}: {path.name}, {len(rows)} questions")
        for name, faq in methods.items():
            evaluate(name, rows, faq)
    print(
        f"shipped: trained on every file above but the public one and held-out "
        f"{LAST_SEALED[0]}-{LAST_SEALED[-1]}, so in-sample on the rest; `--cv` measures each "
        "held-out file left out of training"
    )
    print(
        "embedding models: WordLlama (16 MB of weights in its wheel, numpy only) is "
        "shipped; all-MiniLM-L6-v2 (87 MB, run in numpy) was measured in its place: "
        "leave-one-file-out 97.4% vs 97.0% top-1 on sets 10-24, 4 more off-topic "
        "answered, 9-15 ms a question: not shipped"
    )


if __name__ == "__main__":
    main()
