"""The week-by-week plan a user sees in /program and in workout reminders."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.rules.program import DESCRIBE_LIMIT, ProgramWeek, format_day, program_for

START = date(2024, 6, 3)  # a Monday
MON_WED_FRI = (0, 2, 4)


def week(n: int, deload_every: int = 6, days: tuple[int, ...] = MON_WED_FRI) -> ProgramWeek:
    """The program as seen on the first day of week `n`."""
    return program_for(START, START + timedelta(weeks=n - 1), days, deload_every)


# (week, phase, week in phase, sets, deload, new variation) with the default deload_every=6
DEFAULT_WEEKS = [
    (1, 1, 1, 2, False, False),
    (2, 1, 2, 3, False, False),
    (3, 1, 3, 4, False, False),
    (4, 1, 4, 5, False, False),
    (5, 1, 5, 5, False, False),
    (6, 1, 6, 2, True, False),
    (7, 2, 1, 2, False, True),
    (8, 2, 2, 3, False, False),
    (9, 2, 3, 4, False, False),
    (10, 2, 4, 5, False, False),
    (11, 2, 5, 5, False, False),
    (12, 2, 6, 2, True, False),
]


@pytest.mark.parametrize(
    ("n", "phase", "week_in_phase", "sets", "deload", "new_variation"), DEFAULT_WEEKS
)
def test_weeks_1_to_12(
    n: int, phase: int, week_in_phase: int, sets: int, deload: bool, new_variation: bool
) -> None:
    plan = week(n)
    assert (plan.week, plan.phase, plan.week_in_phase) == (n, phase, week_in_phase)
    assert plan.sets_per_exercise == sets
    assert plan.deload is deload
    assert plan.new_variation is new_variation
    text = plan.describe()
    assert f"Week {n}" in text
    assert f"{sets} sets per exercise" in text
    assert ("deload" in text) is deload
    assert ("Switch to a new variation" in text) is new_variation
    assert len(text) <= DESCRIBE_LIMIT


@pytest.mark.parametrize(
    ("deload_every", "sets_by_week"),
    [
        (4, [2, 3, 4, "D", 2, 3, 4, "D", 2, 3, 4, "D"]),
        (5, [2, 3, 4, 5, "D", 2, 3, 4, 5, "D", 2, 3]),
        (8, [2, 3, 4, 5, 5, 5, 5, "D", 2, 3, 4, 5]),
        (2, [2, 3, 4, "D", 2, 3, 4, "D", 2, 3, 4, "D"]),  # clamped up to 4
        (12, [2, 3, 4, 5, 5, 5, 5, 5, 5, "D", 2, 3]),  # clamped down to 10
    ],
)
def test_deload_every_sets_the_phase_length(
    deload_every: int, sets_by_week: list[int | str]
) -> None:
    seen: list[int | str] = []
    for n in range(1, 13):
        plan = week(n, deload_every)
        seen.append("D" if plan.deload else plan.sets_per_exercise)
    assert seen == sets_by_week


@pytest.mark.parametrize(
    ("n", "guidance"),
    [
        (1, "two reps short of failure"),
        (2, "closer to failure"),
        (6, "lighter weights"),
        (7, "two reps short of failure"),
    ],
)
def test_rep_guidance(n: int, guidance: str) -> None:
    assert guidance in week(n).rep_guidance
    assert guidance in week(n).describe()


@pytest.mark.parametrize(
    ("today", "training_today", "next_training"),
    [
        (date(2024, 6, 3), True, date(2024, 6, 5)),  # Monday → Wednesday
        (date(2024, 6, 4), False, date(2024, 6, 5)),  # Tuesday → Wednesday
        (date(2024, 6, 7), True, date(2024, 6, 10)),  # Friday → next Monday
        (date(2024, 6, 9), False, date(2024, 6, 10)),  # Sunday → Monday
    ],
)
def test_training_today_and_next(today: date, training_today: bool, next_training: date) -> None:
    plan = program_for(START, today, MON_WED_FRI)
    assert plan.training_today is training_today
    assert plan.next_training == next_training
    text = plan.describe()
    assert ("Today is a training day" in text) is training_today
    assert format_day(next_training) in text


def test_week_follows_the_start_date_not_the_calendar() -> None:
    thursday_start = date(2024, 6, 6)
    assert program_for(thursday_start, date(2024, 6, 12), MON_WED_FRI).week == 1
    assert program_for(thursday_start, date(2024, 6, 13), MON_WED_FRI).week == 2


def test_days_list_the_current_program_week() -> None:
    plan = week(3)
    assert [d.day for d in plan.days] == [START + timedelta(weeks=2, days=i) for i in range(7)]
    assert [d.training for d in plan.days] == [True, False, True, False, True, False, False]


@pytest.mark.parametrize(
    ("start", "first_workout"),
    [
        (date(2024, 7, 1), date(2024, 7, 1)),  # Monday start is itself a training day
        (date(2024, 7, 2), date(2024, 7, 3)),  # Tuesday start → Wednesday
    ],
)
def test_future_start_announces_week_one(start: date, first_workout: date) -> None:
    plan = program_for(start, date(2024, 6, 20), MON_WED_FRI)
    assert plan.week == 0 and not plan.started
    assert plan.sets_per_exercise == 2
    assert not plan.training_today
    assert plan.next_training == first_workout
    text = plan.describe()
    assert f"starts on {format_day(start)}" in text
    assert "two reps short of failure" in text
    assert f"First workout: {format_day(first_workout)}" in text


def test_no_training_days_says_how_to_set_them() -> None:
    plan = program_for(START, START, ())
    assert plan.next_training is None and not plan.training_today
    assert "/remind" in plan.describe()


def test_invalid_training_day_is_rejected() -> None:
    with pytest.raises(ValueError, match="0 \\(Mon\\) to 6 \\(Sun\\)"):
        program_for(START, START, (0, 7))


def test_describe_stays_short_in_every_week() -> None:
    every_day = tuple(range(7))
    for n in range(1, 25):
        for deload_every in (4, 6, 10):
            assert len(week(n, deload_every, every_day).describe()) <= DESCRIBE_LIMIT
