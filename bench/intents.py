"""Free-text routing, measured: which feature each message reaches, how often that is the
one its kind calls for, and what routing costs.

Six kinds of message, labelled by hand (`bench/data/intents_*.jsonl`): greetings, today's
soreness told in words (check-in), a pain described, "should I train today?" (ready), a
question about soreness or training, and an off-topic one. A message is routed right when
it reaches its kind's feature: greeting, check-in offer, /pain triage, readiness check, an
FAQ answer for a question, the FAQ's refusal for an off-topic one. A message the coach
asks about (two readings close, offered as buttons) counts as right when one of the two
buttons leads there, and is counted apart.

For each set: accuracy per kind and overall, the confusion between kinds, the median and
p95 time `read_intent` adds per message, and — through a real coach on a fresh SQLite file,
one new user per message — how many red-flag pains got triage's red-flag reply (target
all) and how many check-ins were stored without the confirming tap (target 0).

The development set was written by three people who never saw the router; each held-out
set was written by someone else after the router was done and not looked at until measured.
"""

from __future__ import annotations

import asyncio
import json
import logging
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from bot.app import features  # noqa: E402
from core.engine.coach import Coach  # noqa: E402
from core.events import ChatRef, Event, Sender  # noqa: E402
from core.features.faq.knowledge import knowledge  # noqa: E402
from core.features.faq.matcher import Matcher  # noqa: E402
from core.rules.intents import Intent, Reading, read_intent, unanswered  # noqa: E402
from core.storage.db import Database  # noqa: E402
from core.storage.schema import checkins  # noqa: E402

DATA = ROOT / "bench" / "data"
SETS = {
    "development": DATA / "intents_dev.jsonl",
    # Written after the router was done, sealed, and measured once: 139/150 = 92.7%, red-flag
    # reply for 8/10 (two red flags triage missed). Then used for development.
    "held-out 1": DATA / "intents_heldout1.jsonl",
    # Written after the changes held-out 1 prompted, sealed, measured once: 133/150 = 88.7%,
    # red-flag reply for 8/10 (two more red flags triage missed). Then used for development.
    "held-out 2": DATA / "intents_heldout2.jsonl",
    # Written after the changes held-out 2 prompted, sealed, measured once: 137/150 = 91.3%,
    # red-flag reply for 8/10 (two more phrasings triage missed). Then used for development.
    "held-out 3": DATA / "intents_heldout3.jsonl",
    # Written after the changes held-out 3 prompted, sealed, measured once: 140/150 = 93.3%,
    # red-flag reply for 10/10, no check-in stored without the tap. Then used for development.
    "held-out 4": DATA / "intents_heldout4.jsonl",
    # Written after the changes held-out 4 prompted, sealed, measured once: 136/150 = 90.7%,
    # red-flag reply for 10/10, no check-in stored without the tap. Then used for development.
    "held-out 5": DATA / "intents_heldout5.jsonl",
    # Written after the changes held-out 5 prompted, sealed, measured once: 139/150 = 92.7%,
    # red-flag reply for 9/10 ("urine looks like coffee" missed), no check-in stored without
    # the tap. Then used for development.
    "held-out 6": DATA / "intents_heldout6.jsonl",
    # Written after the changes held-out 6 prompted, sealed, measured once: 144/150 = 96.0%,
    # red-flag reply for 10/10, no check-in stored without the tap; routing median 0.13 ms.
    "held-out 7": DATA / "intents_heldout7.jsonl",
}
KINDS = ("greeting", "checkin", "pain", "ready", "question", "off_topic")
RED_FLAG_REPLY = "that is a red flag"


def routed(intent: Intent, reading: Reading, answered: bool) -> str:
    """The kind a message was treated as: a question the FAQ refuses is off-topic, or a
    greeting when it says hello and asks nothing (as `FreeText.route` does)."""
    if intent is Intent.QUESTION and not answered:
        intent = unanswered(reading)
        return "off_topic" if intent is Intent.QUESTION else intent.value
    return "question" if intent is Intent.QUESTION else intent.value


def outcome(reading: Reading, matcher: Matcher, text: str) -> tuple[str, str | None]:
    answered = matcher.match(text).key is not None
    other = routed(reading.or_else, reading, answered) if reading.or_else is not None else None
    return routed(reading.intent, reading, answered), other


def routing_cost(texts: list[str]) -> tuple[float, float]:
    for text in texts:  # warm: the first call builds triage's tables
        read_intent(text)
    times = []
    for _ in range(5):
        for text in texts:
            began = time.perf_counter()
            read_intent(text)
            times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95)]


async def through_the_coach(rows: list[dict[str, object]]) -> tuple[int, int, int]:
    """Red-flag pains answered with the red-flag reply, how many there were, and check-ins
    stored: each message from a new user, as their first words to the coach."""
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite+aiosqlite:///{folder}/intents.db")
        await db.migrate()
        coach = Coach(db).install(features())
        flagged = reached = 0
        for n, row in enumerate(rows):
            user = f"person{n}"
            event = Event(Sender("bench", user), ChatRef("bench", user), text=str(row["text"]))
            replies = await coach.handle(event)
            if row.get("red_flag"):
                flagged += 1
                reached += any(RED_FLAG_REPLY in r.text for r in replies)
        async with db.transaction() as conn:
            stored = int(await conn.scalar(select(func.count()).select_from(checkins)) or 0)
        await db.close()
    return reached, flagged, stored


def measure(name: str, path: Path, matcher: Matcher) -> None:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    print(f"{name}: {path.name}, {len(rows)} messages")
    right: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    confusion: Counter[tuple[str, str]] = Counter()
    asked = 0
    misses: list[str] = []
    for row in rows:
        kind, text = str(row["kind"]), str(row["text"])
        got, other = outcome(read_intent(text), matcher, text)
        seen[kind] += 1
        asked += other is not None
        if kind in (got, other):
            right[kind] += 1
            confusion[(kind, kind)] += 1
        else:
            confusion[(kind, got)] += 1
            misses.append(f"    {kind:9} → {got:9} {text[:90]}")
    for kind in KINDS:
        if seen[kind]:
            share = right[kind] / seen[kind]
            print(f"  {kind:9} {right[kind]:3}/{seen[kind]:<3} = {share:6.1%}")
    total = sum(right.values())
    share = total / len(rows)
    print(f"  overall   {total:3}/{len(rows):<3} = {share:6.1%}   ({asked} asked with buttons)")
    print("  confusion (rows: labelled kind, columns: where it went)")
    print("  " + " " * 10 + "".join(f"{k[:8]:>9}" for k in KINDS))
    for kind in KINDS:
        cells = "".join(f"{confusion[(kind, to)] or '.':>9}" for to in KINDS)
        print(f"  {kind:10}{cells}")
    print(f"  misses ({len(misses)}):")
    print("\n".join(misses) if misses else "    none")
    median, p95 = routing_cost([str(r["text"]) for r in rows])
    print(f"  routing time per message: median {median:.3f} ms, p95 {p95:.3f} ms (target < 2 ms)")
    reached, flagged, stored = asyncio.run(through_the_coach(rows))
    print(
        f"  through the coach: red-flag reply for {reached}/{flagged} red-flag pains "
        f"(target all); check-ins stored without the tap: {stored} (target 0)"
    )


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    matcher = Matcher(knowledge())
    for name, path in SETS.items():
        if path.exists():
            measure(name, path, matcher)
        else:
            print(f"{name}: {path.name} not written yet")


if __name__ == "__main__":
    main()
