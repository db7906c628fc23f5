"""Patterns over weeks of check-ins: each rule fires when the pattern holds, and only then."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta

import pytest

from core.rules.soreness import MUSCLE_GROUPS
from core.rules.trends import CheckinDay, Insight, InsightKind, trend_insights

TODAY = date(2024, 6, 30)
TRAINED = ("chest", "back", "shoulders", "quads", "hamstrings")


def checkins(
    count: int, levels: Callable[[int], Mapping[str, int]], *, every: int = 1, end: date = TODAY
) -> list[CheckinDay]:
    """`count` check-ins ending at `end`, `every` days apart; levels(i) with i=0 the oldest."""
    first = end - timedelta(days=every * (count - 1))
    return [CheckinDay(first + timedelta(days=every * i), levels(i)) for i in range(count)]


def all_at(level: int, **extra: int) -> dict[str, int]:
    return {**dict.fromkeys(TRAINED, level), **extra}


def crippling_on(days_ago: set[int]) -> list[CheckinDay]:
    return checkins(20, lambda i: all_at(1, quads=4 if 19 - i in days_ago else 1))


def joints_on(days_ago: set[int]) -> list[CheckinDay]:
    return checkins(20, lambda i: all_at(1, joints=1 if 19 - i in days_ago else 0))


def never_sore(count: int, *, others: int = 2, chest_ever: int = 0) -> list[CheckinDay]:
    return checkins(
        count, lambda i: all_at(others, chest=chest_ever if i == count - 1 else 0), every=2
    )


def fading(total_days: int, first: int, last: int) -> list[CheckinDay]:
    return checkins(total_days, lambda i: all_at(first if i < total_days - 7 else last))


CASES: list[tuple[str, list[CheckinDay], InsightKind, bool]] = [
    ("crippling 3 days in 14", crippling_on({0, 4, 13}), InsightKind.CRIPPLING, True),
    ("crippling only twice", crippling_on({0, 4}), InsightKind.CRIPPLING, False),
    ("crippling third day too long ago", crippling_on({0, 4, 14}), InsightKind.CRIPPLING, False),
    ("joints 3 days in 10", joints_on({1, 5, 9}), InsightKind.JOINTS, True),
    ("joints twice", joints_on({1, 5}), InsightKind.JOINTS, False),
    ("joints third day too long ago", joints_on({1, 5, 10}), InsightKind.JOINTS, False),
    (
        "lower back sore 7 days running",
        checkins(7, lambda i: all_at(0, lower_back=1)),
        InsightKind.LOWER_BACK,
        True,
    ),
    (
        "lower back sore at 7 check-ins over 13 days",
        checkins(7, lambda i: all_at(0, lower_back=2), every=2),
        InsightKind.LOWER_BACK,
        True,
    ),
    (
        "lower back sore only 6 days",
        checkins(6, lambda i: all_at(0, lower_back=1)),
        InsightKind.LOWER_BACK,
        False,
    ),
    (
        "lower back had a good day",
        checkins(10, lambda i: all_at(0, lower_back=0 if i == 6 else 1)),
        InsightKind.LOWER_BACK,
        False,
    ),
    (
        "lower back streak ended days ago",
        checkins(8, lambda i: all_at(0, lower_back=1), end=TODAY - timedelta(days=5)),
        InsightKind.LOWER_BACK,
        False,
    ),
    ("chest never sore while others are", never_sore(7), InsightKind.NEVER_SORE, True),
    ("chest tender once", never_sore(7, chest_ever=1), InsightKind.NEVER_SORE, False),
    ("nothing is sore anywhere", never_sore(7, others=0), InsightKind.NEVER_SORE, False),
    (
        "others averaged under 1",
        checkins(7, lambda i: all_at(i % 2, chest=0), every=2),
        InsightKind.NEVER_SORE,
        False,
    ),
    ("too few check-ins", never_sore(5), InsightKind.NEVER_SORE, False),
    ("soreness faded over 4 weeks", fading(28, 2, 0), InsightKind.REPEATED_BOUT, True),
    ("faded over exactly 3 weeks", fading(21, 1, 0), InsightKind.REPEATED_BOUT, True),
    ("still sore last week", fading(28, 2, 1), InsightKind.REPEATED_BOUT, False),
    ("only two weeks of history", fading(14, 2, 0), InsightKind.REPEATED_BOUT, False),
    ("never very sore to begin with", fading(28, 0, 0), InsightKind.REPEATED_BOUT, False),
]


@pytest.mark.parametrize(
    ("history", "kind", "fires"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rule(history: list[CheckinDay], kind: InsightKind, fires: bool) -> None:
    kinds = [insight.kind for insight in trend_insights(history, TRAINED, TODAY)]
    assert (kind in kinds) is fires


@pytest.mark.parametrize(
    ("kind", "history", "must_say"),
    [
        (InsightKind.CRIPPLING, crippling_on({0, 4, 13}), ["3 of the last 14 days", "Ease in"]),
        (InsightKind.JOINTS, joints_on({1, 5, 9}), ["deload week"]),
        (
            InsightKind.LOWER_BACK,
            checkins(8, lambda i: all_at(0, lower_back=1)),
            ["8 days", "posture", "abs and glutes"],
        ),
        (InsightKind.NEVER_SORE, never_sore(7), ["Chest hasn't", "technique", "isolation"]),
        (
            InsightKind.REPEATED_BOUT,
            fading(28, 2, 0),
            ["repeated bout", "Add a set", "variation or rep range"],
        ),
    ],
)
def test_insight_tells_the_user_what_to_do(
    kind: InsightKind, history: list[CheckinDay], must_say: list[str]
) -> None:
    found = [i for i in trend_insights(history, TRAINED, TODAY) if i.kind is kind]
    assert len(found) == 1
    for words in must_say:
        assert words in found[0].text


def test_never_sore_names_every_quiet_group() -> None:
    history = checkins(8, lambda i: all_at(2, chest=0, back=0), every=2)
    (insight,) = [i for i in trend_insights(history, TRAINED, TODAY) if i.kind == "never-sore"]
    assert insight.areas == ("chest", "back")
    assert "Chest and Back haven't" in insight.text


def test_untrained_groups_are_not_flagged_as_never_sore() -> None:
    history = checkins(8, lambda i: all_at(2, calves=0), every=2)
    assert trend_insights(history, TRAINED, TODAY) == []


def test_most_urgent_first() -> None:
    history = checkins(
        10, lambda i: all_at(2, quads=4 if i > 6 else 2, joints=1, lower_back=1, chest=0)
    )
    kinds = [i.kind for i in trend_insights(history, TRAINED, TODAY)]
    assert kinds == [
        InsightKind.CRIPPLING,
        InsightKind.JOINTS,
        InsightKind.LOWER_BACK,
        InsightKind.NEVER_SORE,
    ]


def test_future_days_are_ignored_and_a_corrected_day_wins() -> None:
    history = [
        *joints_on({1, 5}),
        CheckinDay(TODAY + timedelta(days=1), all_at(1, joints=3)),
        CheckinDay(TODAY - timedelta(days=3), all_at(1, joints=2)),
    ]
    assert InsightKind.JOINTS in [i.kind for i in trend_insights(history, TRAINED, TODAY)]
    corrected = [*history, CheckinDay(TODAY - timedelta(days=3), all_at(1, joints=0))]
    assert InsightKind.JOINTS not in [i.kind for i in trend_insights(corrected, TRAINED, TODAY)]


def test_no_history_no_insights() -> None:
    assert trend_insights([], MUSCLE_GROUPS, TODAY) == []


def test_missing_answers_are_not_zero() -> None:
    """A group nobody asked about (missing key) must not look "never sore"."""
    history = checkins(8, lambda i: {"back": 2, "quads": 2}, every=2)
    insights: list[Insight] = trend_insights(history, ("chest", "back", "quads"), TODAY)
    assert insights == []
