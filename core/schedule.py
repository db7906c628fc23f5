"""Schedule maths: the next UTC instant a wall-clock reminder is due, in a user's zone.

Reminders are wall-clock times ("07:30 on Mon/Wed/Fri in Europe/Berlin"). Around
daylight-saving changes a naive cron fires twice on the fall-back day or at a shifted
time on the spring-forward day; here every local day yields exactly one instant:

* a time that does not exist (skipped by the clocks going forward) is due at the
  first valid moment after the gap — 02:30 on the spring-forward day is due at 03:00;
* a time that exists twice (clocks going back) is due at its first occurrence only.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

EVERY_DAY = frozenset(range(7))
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


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


def parse_weekdays(words: list[str]) -> frozenset[int] | None:
    """["mon", "wed", "fri"], ["weekdays"], ["daily"] → weekday numbers; None if any word
    is not a day."""
    days: set[int] = set()
    for word in words:
        w = word.lower().strip(",")
        if w in {"daily", "everyday", "every", "day", "all"}:
            days |= EVERY_DAY
        elif w == "weekdays":
            days |= set(range(5))
        elif w == "weekends":
            days |= {5, 6}
        else:
            matches = [i for i, d in enumerate(_WEEKDAYS) if w.startswith(d)]
            if not matches:
                return None
            days.add(matches[0])
    return frozenset(days)


def describe_days(days: Collection[int]) -> str:
    if set(days) == EVERY_DAY:
        return "every day"
    if set(days) == set(range(5)):
        return "weekdays"
    return " ".join(_WEEKDAYS[d].title() for d in sorted(days))
