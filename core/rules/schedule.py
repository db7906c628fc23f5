"""Schedule maths: the next UTC instant a wall-clock reminder is due, in a user's zone;
and reading and naming the times and weekdays people type ("7am", "mon wed fri").

Reminders are wall-clock times ("07:30 on Mon/Wed/Fri in Europe/Berlin"). Around
daylight-saving changes a naive cron fires twice on the fall-back day or at a shifted
time on the spring-forward day; here every local day yields exactly one instant:

* a time that does not exist (skipped by the clocks going forward) is due at the
  first valid moment after the gap — 02:30 on the spring-forward day is due at 03:00;
* a time that exists twice (clocks going back) is due at its first occurrence only.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

EVERY_DAY = frozenset(range(7))
# Spelled out here rather than with strftime, whose names follow the process locale.
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_WORDS: dict[str, int] = {}
for _n, _names in enumerate(
    (
        ("mon", "monday", "mo"),
        ("tue", "tues", "tuesday", "tu"),
        ("wed", "weds", "wednesday", "we"),
        ("thu", "thur", "thurs", "thursday", "th"),
        ("fri", "friday", "fr"),
        ("sat", "saturday", "sa"),
        ("sun", "sunday", "su"),
    )
):
    for _word in _names:
        _DAY_WORDS[_word] = _n
        _DAY_WORDS[_word + "s"] = _n  # "mondays"


def local_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of wall time `at` on `day`, with the DST rules above."""
    wall = datetime.combine(day, at, tzinfo=tz)  # fold=0: the first of two occurrences
    instant = wall.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) == wall.replace(tzinfo=None):
        return instant
    return _gap_end(wall, tz)


def _gap_end(wall: datetime, tz: ZoneInfo) -> datetime:
    """The instant the clocks jumped over `wall`: binary search between the readings
    of `wall` under the offsets before and after the change (at most a few hours)."""
    early = wall.replace(fold=1).astimezone(UTC)  # under the later (larger) offset
    late = wall.replace(fold=0).astimezone(UTC)  # under the earlier offset
    low, high = min(early, late), max(early, late)
    before = low.astimezone(tz).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).utcoffset() == before:
            low = middle
        else:
            high = middle
    return high.replace(microsecond=0)


def next_due(
    after: datetime, at: time, tz: ZoneInfo, days: Collection[int] = EVERY_DAY
) -> datetime | None:
    """The first due instant strictly after `after` (UTC) on one of `days` (0=Monday).

    None when `days` is empty. A reminder just sent at instant T asks for `next_due(T)`,
    which moves on to a later local day — never the second reading of an ambiguous time.
    """
    if not days:
        return None
    start = after.astimezone(tz).date()
    for offset in range(8):
        day = start + timedelta(days=offset)
        if day.weekday() in days:
            due = local_instant(day, at, tz)
            if due > after:
                return due
    return None  # unreachable: some day in the next eight matches


def parse_clock(text: str) -> time | None:
    """ "7:30", "07:30", "18:00", "6pm", "6:15am" → time; anything else → None."""
    cleaned = text.strip().lower().replace(".", ":")
    suffix = ""
    for marker in ("am", "pm"):
        if cleaned.endswith(marker):
            suffix, cleaned = marker, cleaned[: -len(marker)].strip()
    hours, _, minutes = cleaned.partition(":")
    if not hours.isdigit() or (minutes and not minutes.isdigit()) or len(minutes) not in (0, 2):
        return None
    h, m = int(hours), int(minutes or 0)
    if suffix:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if suffix == "pm" else 0)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        return None
    return time(h, m)


_EVERY_DAY_WORDS = frozenset({"daily", "everyday", "every", "day", "all"})


def parse_weekdays(words: list[str]) -> frozenset[int] | None:
    """["mon", "wed", "fri"], ["mon-fri"], ["weekdays"], ["daily"] → weekday numbers; None if
    any word is not a day ("monkey" is not Monday)."""
    said = [w.lower().strip(",") for w in words]
    if said and all(w in _EVERY_DAY_WORDS for w in said):
        return EVERY_DAY
    days, unknown = parse_days(" ".join(said))
    return None if unknown or not days else frozenset(days)


def describe_days(days: Collection[int]) -> str:
    if set(days) == EVERY_DAY:
        return "every day"
    if set(days) == set(range(5)):
        return "weekdays"
    return " ".join(DAY_NAMES[d] for d in sorted(days))


def parse_days(text: str) -> tuple[list[int], list[str]]:
    """ "mon wed fri", "Mon, Wed & Fri", "tue-thu" → sorted weekdays, and the words not understood.
    A range such as "mon-fri" covers the days between; "weekdays" and "weekends" work too."""
    days: set[int] = set()
    unknown: list[str] = []
    cleaned = text.lower().replace("–", "-")
    cleaned = re.sub(r"\s*-\s*", "-", cleaned)
    for word in re.split(r"[\s,;/&+.]+", cleaned):
        if not word or word in {"and", "days", "day", "on"}:
            continue
        first, dash, second = word.partition("-")
        if dash and first in _DAY_WORDS and second in _DAY_WORDS:
            a, b = _DAY_WORDS[first], _DAY_WORDS[second]
            span = range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)]
            days.update(span)
        elif word in _DAY_WORDS:
            days.add(_DAY_WORDS[word])
        elif word in {"weekdays", "weekends"}:
            days.update(range(5) if word == "weekdays" else (5, 6))
        else:
            unknown.append(word)
    return sorted(days), unknown


def days_text(days: list[int]) -> str:
    return " ".join(DAY_NAMES[d] for d in days)


def next_monday(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())
