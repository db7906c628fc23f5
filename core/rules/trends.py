"""Patterns across many check-ins that no single morning reveals.

Each rule has an explicit threshold (the constants below) chosen so that it fires on a pattern
that has clearly held for a while, not on one odd day: a false alarm here tells a user to change
their program, which costs more than noticing a few days late.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from core.rules.soreness import CRIPPLING, JOINTS, LOWER_BACK, area_label, trained_groups

# How far back trends look. The longest rule (the repeated bout effect) needs three weeks of
# check-ins; six weeks lets it compare "when the routine was new" with now, while a program
# changed two months ago no longer counts as the starting point.
TREND_LOOKBACK_DAYS = 42

# Repeated bout effect: soreness that was clearly there when the routine was new and has since
# faded to almost nothing. Three weeks is about the shortest time in which the body toughens up to
# a routine; an average of 1.0 in the first week (mild across every trained group, the same as a
# few groups clearly sore) separates "it used to make me sore" from "I was never sore"; 0.3 in the
# last week allows one group being a little tender now and then. Both weeks need a couple of
# check-ins so a single day cannot decide.
RBE_MIN_SPAN_DAYS = 21
RBE_FIRST_WEEK_MIN_AVG = 1.0
RBE_LAST_WEEK_MAX_AVG = 0.3
RBE_MIN_CHECKINS_PER_WEEK = 2

# Never sore: a group at 0 on every check-in (not even tender when pressed, the only case worth
# acting on) over two weeks, at least 6 check-ins, while the other trained groups averaged 1 or
# more, so the user is clearly training hard enough to get sore elsewhere.
NEVER_SORE_WINDOW_DAYS = 14
NEVER_SORE_MIN_CHECKINS = 6
NEVER_SORE_OTHERS_MIN_AVG = 1.0

# Crippling: one crippling day happens (a new program, back from a break); three in two weeks
# means the routine keeps outpacing recovery.
CRIPPLING_WINDOW_DAYS = 14
CRIPPLING_MIN_DAYS = 3

# Joints or tendons: even mild joint soreness counts, because it builds slowly and recovers far
# more slowly than muscle; three days in ten is a pattern rather than a knock.
JOINTS_WINDOW_DAYS = 10
JOINTS_MIN_DAYS = 3

# Lower back: sore on every check-in, at least 7 check-ins covering at least 7 calendar days, with
# the latest check-in no more than 2 days old so an old streak does not keep firing.
LOWER_BACK_MIN_CHECKINS = 7
LOWER_BACK_MIN_SPAN_DAYS = 7
LOWER_BACK_MAX_STALE_DAYS = 2


@dataclass(frozen=True)
class CheckinDay:
    """One day's answers, keyed by muscle group plus "joints" and "lower_back". A missing key
    means "not asked", which the rules treat as unknown rather than as 0."""

    day: date
    levels: Mapping[str, int]


class InsightKind(StrEnum):
    CRIPPLING = "crippling"
    JOINTS = "joints"
    LOWER_BACK = "lower-back"
    NEVER_SORE = "never-sore"
    REPEATED_BOUT = "repeated-bout"


@dataclass(frozen=True)
class Insight:
    """`areas` names the groups an insight is about (only never-sore has any), for buttons or a
    chart highlight; the text already names them."""

    kind: InsightKind
    text: str
    areas: tuple[str, ...] = ()


def _by_day(days: Sequence[CheckinDay], today: date) -> list[CheckinDay]:
    """Future-dated entries (a clock or time-zone slip) are ignored; when a date repeats, the later
    entry in the sequence wins, as it is the corrected answer."""
    latest: dict[date, CheckinDay] = {}
    for entry in days:
        if entry.day <= today:
            latest[entry.day] = entry
    return [latest[d] for d in sorted(latest)]


def _within(days: Iterable[CheckinDay], first: date, last: date) -> list[CheckinDay]:
    return [d for d in days if first <= d.day <= last]


def _mean(values: Sequence[int]) -> float | None:
    return sum(values) / len(values) if values else None


def _trained_values(days: Iterable[CheckinDay], groups: Iterable[str]) -> list[int]:
    wanted = tuple(groups)
    return [d.levels[g] for d in days for g in wanted if g in d.levels]


def _names(areas: Sequence[str]) -> str:
    labels = [area_label(a) for a in areas]
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def _crippling(days: list[CheckinDay], today: date) -> Insight | None:
    window = _within(days, today - timedelta(days=CRIPPLING_WINDOW_DAYS - 1), today)
    count = sum(1 for d in window if any(v >= CRIPPLING for v in d.levels.values()))
    if count < CRIPPLING_MIN_DAYS:
        return None
    return Insight(
        InsightKind.CRIPPLING,
        f"Crippling soreness on {count} of the last {CRIPPLING_WINDOW_DAYS} days: your workouts "
        "are outpacing your recovery. Ease in: fewer sets, stop each set about two reps short of "
        "failure, and build up week by week.",
    )


def _joints(days: list[CheckinDay], today: date) -> Insight | None:
    window = _within(days, today - timedelta(days=JOINTS_WINDOW_DAYS - 1), today)
    count = sum(1 for d in window if d.levels.get(JOINTS, 0) >= 1)
    if count < JOINTS_MIN_DAYS:
        return None
    return Insight(
        InsightKind.JOINTS,
        f"Joints or tendons were sore on {count} of the last {JOINTS_WINDOW_DAYS} days. That "
        "wear builds up slowly and heals far slower than muscle: take a deload week (fewer sets, "
        "lighter weights).",
    )


def _lower_back(days: list[CheckinDay], today: date) -> Insight | None:
    if not days or (today - days[-1].day).days > LOWER_BACK_MAX_STALE_DAYS:
        return None
    streak: list[CheckinDay] = []
    for entry in reversed(days):
        if entry.levels.get(LOWER_BACK, 0) < 1:
            break
        streak.append(entry)
    if len(streak) < LOWER_BACK_MIN_CHECKINS:
        return None
    span = (streak[0].day - streak[-1].day).days + 1
    if span < LOWER_BACK_MIN_SPAN_DAYS:
        return None
    return Insight(
        InsightKind.LOWER_BACK,
        f"Your lower back has been sore at every check-in for {span} days. A back that never "
        "recovers is often held tight by posture (hips tipped forward): give it rest, loosen it "
        "with cat-camels, and build your abs and glutes.",
    )


def _never_sore(days: list[CheckinDay], groups: tuple[str, ...], today: date) -> Insight | None:
    if len(groups) < 2:
        return None
    window = _within(days, today - timedelta(days=NEVER_SORE_WINDOW_DAYS - 1), today)
    quiet: list[str] = []
    for group in groups:
        answered = [d for d in window if group in d.levels]
        if len(answered) < NEVER_SORE_MIN_CHECKINS:
            continue
        if any(d.levels[group] > 0 for d in answered):
            continue
        others = _mean(_trained_values(answered, (g for g in groups if g != group)))
        if others is not None and others >= NEVER_SORE_OTHERS_MIN_AVG:
            quiet.append(group)
    if not quiet:
        return None
    one = len(quiet) == 1
    verb, it, its, obj = (
        ("hasn't", "It", "its", "it") if one else ("haven't", "They", "their", "them")
    )
    return Insight(
        InsightKind.NEVER_SORE,
        f"{_names(quiet)} {verb} been sore once in two weeks while your other muscles have. "
        f"{it} may not be getting enough work: check your technique on {its} main lifts and add "
        f"an isolation exercise for {obj}.",
        areas=tuple(quiet),
    )


def _repeated_bout(days: list[CheckinDay], groups: tuple[str, ...], today: date) -> Insight | None:
    if not days or (today - days[0].day).days + 1 < RBE_MIN_SPAN_DAYS:
        return None
    first_week = _within(days, days[0].day, days[0].day + timedelta(days=6))
    last_week = _within(days, today - timedelta(days=6), today)
    if min(len(first_week), len(last_week)) < RBE_MIN_CHECKINS_PER_WEEK:
        return None
    before = _mean(_trained_values(first_week, groups))
    now = _mean(_trained_values(last_week, groups))
    if before is None or now is None:
        return None
    if before < RBE_FIRST_WEEK_MIN_AVG or now > RBE_LAST_WEEK_MAX_AVG:
        return None
    return Insight(
        InsightKind.REPEATED_BOUT,
        "Your soreness has faded to almost nothing over the past weeks: your muscles have "
        "toughened up to this routine (the repeated bout effect). Add a set per exercise; when "
        "that stops working, change the exercise variation or rep range.",
    )


def trend_insights(
    days: Sequence[CheckinDay], trained: Sequence[str], today: date
) -> list[Insight]:
    """Every rule that currently holds, most urgent first (crippling, joints, lower back, never
    sore, repeated bout), at most one insight per kind. Windows end at `today` inclusive; days
    without a check-in simply don't count (no check-in is not "no soreness")."""
    groups = trained_groups(trained)
    history = _by_day(days, today)
    found = (
        _crippling(history, today),
        _joints(history, today),
        _lower_back(history, today),
        _never_sore(history, groups, today),
        _repeated_bout(history, groups, today),
    )
    return [insight for insight in found if insight is not None]


def trend_start(today: date) -> date:
    """The first day the trends look at (`TREND_LOOKBACK_DAYS` up to today)."""
    return today - timedelta(days=TREND_LOOKBACK_DAYS - 1)


def insights_text(insights: Sequence[Insight]) -> str:
    if not insights:
        return ""
    return "Patterns over your recent check-ins:\n" + "\n".join(f"• {i.text}" for i in insights)
