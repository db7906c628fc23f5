"""Wall-clock reminders across daylight-saving changes: once, and on time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from core.rules.schedule import local_instant, next_due, parse_clock, parse_weekdays

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected_utc"),
    [
        # Ordinary days.
        (BERLIN, date(2026, 1, 15), time(8, 0), datetime(2026, 1, 15, 7, 0, tzinfo=UTC)),
        (BERLIN, date(2026, 7, 15), time(8, 0), datetime(2026, 7, 15, 6, 0, tzinfo=UTC)),
        # Spring forward: 02:30 does not exist; due when the clocks reach 03:00.
        (BERLIN, date(2026, 3, 29), time(2, 30), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
        (NEW_YORK, date(2026, 3, 8), time(2, 30), datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),
        # Fall back: 02:30 (Berlin) and 01:30 (New York) exist twice; the first counts.
        (BERLIN, date(2026, 10, 25), time(2, 30), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        (NEW_YORK, date(2026, 11, 1), time(1, 30), datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
        # 02:30 in New York on its fall-back day is unambiguous (after the repeat).
        (NEW_YORK, date(2026, 11, 1), time(2, 30), datetime(2026, 11, 1, 7, 30, tzinfo=UTC)),
    ],
)
def test_local_instant(zone: ZoneInfo, day: date, at: time, expected_utc: datetime) -> None:
    assert local_instant(day, at, zone) == expected_utc


@pytest.mark.parametrize(
    ("zone", "start", "at"),
    [
        (BERLIN, datetime(2026, 3, 27, 12, tzinfo=UTC), time(2, 30)),
        (BERLIN, datetime(2026, 10, 23, 12, tzinfo=UTC), time(2, 30)),
        (NEW_YORK, datetime(2026, 3, 6, 12, tzinfo=UTC), time(2, 30)),
        (NEW_YORK, datetime(2026, 10, 30, 12, tzinfo=UTC), time(1, 30)),
    ],
)
def test_daily_reminder_fires_exactly_once_per_local_day_across_a_change(
    zone: ZoneInfo, start: datetime, at: time
) -> None:
    fired: list[datetime] = []
    after = start
    for _ in range(6):
        due = next_due(after, at, zone)
        assert due is not None
        fired.append(due)
        after = due  # as the tick does: the next one after the one just sent
    local_days = [d.astimezone(zone).date() for d in fired]
    assert len(set(local_days)) == len(local_days) == 6
    assert all((b - a).total_seconds() >= 22 * 3600 for a, b in pairwise(fired))


def test_weekday_reminders_skip_other_days() -> None:
    monday_noon = datetime(2026, 11, 30, 12, tzinfo=UTC)  # a Monday
    due = next_due(monday_noon, time(18, 0), BERLIN, {0, 2, 4})
    assert due == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    after = next_due(due, time(18, 0), BERLIN, {0, 2, 4})
    assert after is not None and after.astimezone(BERLIN).strftime("%a %H:%M") == "Wed 18:00"
    assert next_due(monday_noon, time(18, 0), BERLIN, set()) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07:30", time(7, 30)),
        ("7:30", time(7, 30)),
        ("18", time(18, 0)),
        ("6pm", time(18, 0)),
        ("6:15am", time(6, 15)),
        ("12am", time(0, 0)),
        ("25:00", None),
        ("7:3", None),
        ("13pm", None),
        ("soon", None),
        ("", None),
    ],
)
def test_parse_clock(text: str, expected: time | None) -> None:
    assert parse_clock(text) == expected


def test_parse_weekdays() -> None:
    assert parse_weekdays(["mon", "Wednesday", "fri"]) == {0, 2, 4}
    assert parse_weekdays(["weekdays"]) == {0, 1, 2, 3, 4}
    assert parse_weekdays(["daily"]) == set(range(7))
    assert parse_weekdays(["mon", "funday"]) is None
    # A range covers the days between; a word that merely starts like a day is no day.
    assert parse_weekdays(["mon-fri"]) == {0, 1, 2, 3, 4}
    assert parse_weekdays(["tue-thu"]) == {1, 2, 3}
    assert parse_weekdays(["monkey"]) is None
