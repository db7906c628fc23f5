"""What a user sees from the check-in: the scale, what their shorthand records, and the reply."""

from __future__ import annotations

import pytest

from core.rules.checkin_words import parse_checkin_shorthand
from core.rules.soreness import (
    ADVICE_LIMIT,
    MUSCLE_GROUPS,
    SCALE,
    area_label,
    checkin_advice,
    checkin_areas,
    nothing_sore,
)

UPPER_AND_THIGHS = ("chest", "back", "shoulders", "biceps", "triceps", "quads", "hamstrings")
EVERYTHING_ZERO = dict.fromkeys((*MUSCLE_GROUPS, "joints", "lower_back"), 0)


@pytest.mark.parametrize(
    ("value", "label", "phrase"),
    [
        (0, "None", "normal"),
        (1, "Mild", "only when pressed"),
        (2, "Moderate", "move"),
        (3, "Very sore", "awkward"),
        (4, "Crippling", "hurt"),
    ],
)
def test_scale_reads_the_same_for_everyone(value: int, label: str, phrase: str) -> None:
    step = SCALE[value]
    assert (step.value, step.label) == (value, label)
    assert phrase in step.description


@pytest.mark.parametrize(
    ("trained", "asked"),
    [
        ((), (*MUSCLE_GROUPS, "joints", "lower_back")),
        (("quads", "chest"), ("chest", "quads", "joints", "lower_back")),
        (("Chest", "forearms"), ("chest", "joints", "lower_back")),
    ],
)
def test_checkin_asks_only_trained_groups_plus_joints_and_back(
    trained: tuple[str, ...], asked: tuple[str, ...]
) -> None:
    assert checkin_areas(trained) == asked
    assert nothing_sore(trained) == dict.fromkeys(asked, 0)


@pytest.mark.parametrize(
    ("area", "label"),
    [("joints", "Joints / tendons"), ("lower_back", "Lower back"), ("abs", "Abs")],
)
def test_area_labels(area: str, label: str) -> None:
    assert area_label(area) == label


@pytest.mark.parametrize(
    ("text", "trained", "levels"),
    [
        (
            "legs 3 chest 1",
            MUSCLE_GROUPS,
            {"quads": 3, "hamstrings": 3, "glutes": 3, "calves": 3, "chest": 1},
        ),
        ("legs 3", UPPER_AND_THIGHS, {"quads": 3, "hamstrings": 3}),
        ("chest:2, back 0", MUSCLE_GROUPS, {"chest": 2, "back": 0}),
        ("all 0", MUSCLE_GROUPS, EVERYTHING_ZERO),
        ("nothing", MUSCLE_GROUPS, EVERYTHING_ZERO),
        ("none", MUSCLE_GROUPS, EVERYTHING_ZERO),
        ("Nothing is sore", MUSCLE_GROUPS, EVERYTHING_ZERO),
        ("all 0 lower back 2", MUSCLE_GROUPS, {**EVERYTHING_ZERO, "lower_back": 2}),
        ("all 2", ("chest", "back"), {"chest": 2, "back": 2}),
        ("all 1 chest 3", ("chest", "back"), {"chest": 3, "back": 1}),
        ("lower back 2", MUSCLE_GROUPS, {"lower_back": 2}),
        ("lower-back 2", MUSCLE_GROUPS, {"lower_back": 2}),
        ("joints 1", MUSCLE_GROUPS, {"joints": 1}),
        ("knees 2", ("chest",), {"joints": 2}),
        ("arms mild", MUSCLE_GROUPS, {"biceps": 1, "triceps": 1}),
        ("delts very sore", MUSCLE_GROUPS, {"shoulders": 3}),
        ("lats crippling, pecs moderate", MUSCLE_GROUPS, {"back": 4, "chest": 2}),
        (
            "quadriceps 2 hams 1 butt 3 core 0",
            MUSCLE_GROUPS,
            {"quads": 2, "hamstrings": 1, "glutes": 3, "abs": 0},
        ),
        ("quads none abs 1", MUSCLE_GROUPS, {"quads": 0, "abs": 1}),
        ("chest back 2", MUSCLE_GROUPS, {"chest": 2, "back": 2}),
        ("chest2", MUSCLE_GROUPS, {"chest": 2}),
        ("chest 1 chest 3", MUSCLE_GROUPS, {"chest": 3}),
        ("/checkin legs 1", ("quads",), {"quads": 1}),
    ],
)
def test_shorthand_records_what_was_typed(
    text: str, trained: tuple[str, ...], levels: dict[str, int]
) -> None:
    result = parse_checkin_shorthand(text, trained)
    assert result.errors == ()
    assert result.levels == levels
    assert result.ok


@pytest.mark.parametrize(
    ("text", "trained", "levels", "error_words"),
    [
        ("chest 7", MUSCLE_GROUPS, {}, ["chest 7", "0 to 4"]),
        ("chest -1 back 2", MUSCLE_GROUPS, {"back": 2}, ["chest -1"]),
        ("chest 2.5", MUSCLE_GROUPS, {}, ["2.5"]),
        ("foo 2 chest 1", MUSCLE_GROUPS, {"chest": 1}, ["foo"]),
        ("calves 2", ("chest",), {}, ["calves", "train"]),
        ("legs 2", ("chest",), {}, ["legs"]),
        ("chest", MUSCLE_GROUPS, {}, ["chest", "how sore"]),
        ("3", MUSCLE_GROUPS, {}, ["which muscle"]),
        ("back 1 biceps", MUSCLE_GROUPS, {"back": 1}, ["biceps"]),
    ],
)
def test_shorthand_says_what_it_could_not_use(
    text: str, trained: tuple[str, ...], levels: dict[str, int], error_words: list[str]
) -> None:
    result = parse_checkin_shorthand(text, trained)
    assert result.levels == levels
    assert len(result.errors) == 1
    assert not result.ok
    for word in error_words:
        assert word in result.errors[0]


def test_empty_shorthand_is_neither_answer_nor_error() -> None:
    result = parse_checkin_shorthand("   ", MUSCLE_GROUPS)
    assert result.levels == {} and result.errors == ()


@pytest.mark.parametrize(
    ("levels", "must_say", "must_not_say"),
    [
        (
            {"quads": 4, "chest": 1, "joints": 3},
            ["ease off", "two reps short of failure", "quads"],
            ["deload"],
        ),
        ({"quads": 3, "joints": 2}, ["too much overall", "lighter"], ["Crippling"]),
        ({"quads": 3, "lower_back": 2}, ["cat-camel", "warm it up", "neutral"], ["Crippling"]),
        (
            {"quads": 3, "chest": 1, "lower_back": 1},
            ["Very sore quads", "one", "working set"],
            ["cat-camel"],
        ),
        ({"chest": 1, "quads": 2}, ["normal", "warm up", "train as planned"], ["Very"]),
        ({"chest": 1, "joints": 1}, ["normal", "joints"], ["deload"]),
        ({"joints": 1}, ["tender", "too much overall"], ["normal"]),
        (EVERYTHING_ZERO, ["Nothing sore", "train as planned"], ["warm up"]),
        ({}, ["Nothing sore"], []),
        ({"chest": 9}, ["Crippling"], []),
    ],
)
def test_advice_is_one_line_from_the_most_urgent_answer(
    levels: dict[str, int], must_say: list[str], must_not_say: list[str]
) -> None:
    advice = checkin_advice(levels)
    assert "\n" not in advice
    assert len(advice) <= ADVICE_LIMIT
    for words in must_say:
        assert words in advice
    for words in must_not_say:
        assert words not in advice


def test_advice_stays_short_when_every_group_is_crippling() -> None:
    advice = checkin_advice(dict.fromkeys(MUSCLE_GROUPS, 4))
    assert len(advice) <= ADVICE_LIMIT
    assert "more" in advice
