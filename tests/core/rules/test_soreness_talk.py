"""Soreness told in a sentence, read area by area with the check-in's own words."""

from __future__ import annotations

import pytest

from core.rules.soreness import MUSCLE_GROUPS
from core.rules.soreness_talk import read_soreness

LEGS = ("quads", "hamstrings", "glutes", "calves")


@pytest.mark.parametrize(
    ("text", "levels", "rest"),
    [
        ("legs are wrecked", {"quads": 3, "hamstrings": 3, "glutes": 3, "calves": 3}, None),
        ("chest a bit sore, rest fine", {"chest": 1}, 0),
        ("nothing sore today", {}, 0),
        ("quads killing me, hammies kinda sore", {"quads": 4, "hamstrings": 1}, None),
        ("doms update: quads 7, hams 4, rest is fine", {"quads": 3, "hamstrings": 2}, 0),
        ("glutes 8/10 sore", {"glutes": 3}, None),
        ("really sore chest and back", {"chest": 3, "back": 3}, None),
        ("sholders a little sore, nothing crazy", {"shoulders": 1}, None),
        # The scale said after a level is not a level ("2 out of 10" is not a 10).
        ("overall maybe a 2 out of 10", dict.fromkeys(MUSCLE_GROUPS, 1), None),
        ("legs 7 outta 10", {"quads": 3, "hamstrings": 3, "glutes": 3, "calves": 3}, None),
        ("chest 3 out of 4, rest fine", {"chest": 3}, 0),
        ("calves 1/4", {"calves": 1}, None),  # the coach's own scale, written as a fraction
        ("quads 5/5", {"quads": 4}, None),
        ("legs 3 out of 5", dict.fromkeys(LEGS, 2), None),
        # Numbers that count something else are no levels.
        ("I squatted 100 kg for 5 reps, quads 2", {"quads": 2}, None),
        ("did legs 3 days ago, quads still a 2", {"quads": 2}, None),
        ("trained back 4 days ago and it is still sore", {"back": 2}, None),
        # Said not to be sore, or corrected in the next breath.
        ("my chest isn't sore at all", {"chest": 0}, None),
        ("calves are not crippled, more like a 2", {"calves": 2}, None),
        ("my legs were a 4 yesterday, today they're a 1", dict.fromkeys(LEGS, 1), None),
        ("legs sore, nothing else", dict.fromkeys(LEGS, 2), 0),
    ],
)
def test_soreness_in_a_sentence_is_read_area_by_area(
    text: str, levels: dict[str, int], rest: int | None
) -> None:
    talk = read_soreness(text, MUSCLE_GROUPS)
    assert (talk.levels, talk.rest) == (levels, rest)


def test_only_the_groups_a_user_trains_are_read() -> None:
    talk = read_soreness("legs wrecked, chest sore", ["chest", "back"])
    assert talk.levels == {"chest": 2}


@pytest.mark.parametrize(
    ("text", "off"),
    [
        ("biceps 11", ("11",)),
        ("legs 12/10", ("12/10",)),
        ("legs -1", ("-1",)),
        ("legs 0.5", ("0.5",)),
        ("squatted 102.5 kg, quads 2", ()),  # a weight, not a level
        ("legs 3", ()),
    ],
)
def test_numbers_no_scale_has_are_named(text: str, off: tuple[str, ...]) -> None:
    assert read_soreness(text, MUSCLE_GROUPS).off_scale == off
