"""Cohorts in numbers: the day's group summary, shared only where no one's answers can be
read off, and the arguments of `/cohort start`.

Privacy: group text is only ever about the cohort as a whole. `cohort_summary` works on
counts and averages, shows averages and readiness counts only when enough people
contributed that no one's answers can be read off (`MIN_SHARED`), and never mentions
sharp-pain stops or other red flags. Anything about one member goes to them privately.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time

from core.rules.program import format_day
from core.rules.readiness import VerdictKind
from core.rules.schedule import parse_days
from core.rules.soreness import AREA_LABELS, MUSCLE_GROUPS
from core.rules.timezones import lookup_zone

# Group numbers are shown only when at least this many people are behind them.
MIN_SHARED = 3
READY_VERDICTS = frozenset({VerdictKind.TRAIN.value, VerdictKind.TRAIN_FIX_RECOVERY.value})
RECOVERY_VERDICTS = frozenset({VerdictKind.ACTIVE_RECOVERY.value})


@dataclass(frozen=True, slots=True)
class CohortSummary:
    """A day of a cohort in numbers. `ready`, `recovery` and `soreness` are None when too
    few people contributed to share them without pointing at someone."""

    members: int
    checked_in: int
    ready: int | None
    recovery: int | None
    soreness: dict[str, float] | None
    week: int


def cohort_summary(
    *,
    members: int,
    checkin_levels: Sequence[Mapping[str, int]],
    verdicts: Iterable[str],
    week: int,
) -> CohortSummary:
    """Counts and averages for one cohort day, from each member's check-in levels and each
    member's latest readiness verdict that day. Red-flag verdicts are left out entirely;
    joints and lower back are not muscle groups and stay out of group text."""
    counted = [v for v in verdicts if v in READY_VERDICTS or v in RECOVERY_VERDICTS]
    ready = sum(1 for v in counted if v in READY_VERDICTS)
    shared = len(counted) >= MIN_SHARED
    soreness: dict[str, float] | None = None
    if len(checkin_levels) >= MIN_SHARED:
        soreness = {}
        for group in MUSCLE_GROUPS:
            values = [lv[group] for lv in checkin_levels if isinstance(lv.get(group), int)]
            if len(values) >= MIN_SHARED:
                soreness[group] = round(sum(values) / len(values), 1)
    return CohortSummary(
        members=members,
        checked_in=len(checkin_levels),
        ready=ready if shared else None,
        recovery=len(counted) - ready if shared else None,
        soreness=soreness,
        week=week,
    )


def summary_text(summary: CohortSummary, day: date) -> str:
    week = f"program week {summary.week}" if summary.week >= 1 else "before the program starts"
    lines = [
        f"Cohort summary for {format_day(day)} ({week}):",
        f"• {summary.checked_in} of {summary.members} checked in",
    ]
    if summary.ready is not None and summary.recovery is not None:
        lines.append(f"• {summary.ready} ready to train, {summary.recovery} on active recovery")
    else:
        lines.append(f"• readiness is shared once at least {MIN_SHARED} people have checked")
    if summary.soreness:
        shown = ", ".join(
            f"{AREA_LABELS[g].lower()} {v:.1f}" for g, v in sorted(summary.soreness.items())
        )
        lines.append(f"• average soreness (0-4): {shown}")
    elif summary.soreness is None:
        lines.append(f"• average soreness is shared once at least {MIN_SHARED} have checked in")
    lines.append("Check in privately with me to count towards tomorrow's picture.")
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class StartArgs:
    start: date
    days: tuple[int, ...]
    at: str
    timezone: str


def parse_start(args: str) -> StartArgs | str:
    """`<YYYY-MM-DD> <days> <HH:MM> <Area/City>` in any order, or what is wrong."""
    start: date | None = None
    at: str | None = None
    zone: str | None = None
    day_words: list[str] = []
    for token in args.split():
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", token):
            try:
                start = date.fromisoformat(token)
            except ValueError:
                return f"{token} isn't a date I can read — use YYYY-MM-DD."
        elif re.fullmatch(r"\d{1,2}:\d{2}", token):
            try:
                at = time.fromisoformat(token.zfill(5)).strftime("%H:%M")
            except ValueError:
                return f"{token} isn't a time I can read — use HH:MM, e.g. 18:00."
        elif "/" in token or token.upper() == "UTC":
            found = lookup_zone(token)
            if found.zone is None:
                return (
                    f"I don't know the time zone {token[:40]} — use Area/City, e.g. Europe/Berlin."
                )
            zone = found.zone
        else:
            day_words.append(token)
    days: tuple[int, ...] | None = None
    if day_words:
        chosen, unknown = parse_days(" ".join(day_words))
        days = tuple(chosen) if chosen and not unknown else None
    if start is None or at is None or zone is None or days is None:
        return "I need all four: first day, training days, reminder time and time zone."
    return StartArgs(start, days, at, zone)
