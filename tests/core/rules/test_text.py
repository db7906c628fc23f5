"""Typed yes and no, as people type them."""

from __future__ import annotations

import pytest

from core.rules.text import read_yes_no


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("yes", True),
        ("Yes please!", True),
        ("yeah", True),
        ("go ahead", True),
        ("save it", True),
        ("no thanks", False),
        ("nah", False),
        ("no, don't", False),
        ("don't save", False),
        ("never mind", False),
        ("not sure", None),  # neither: the question is asked again
        ("legs 3", None),
        ("", None),
    ],
)
def test_yes_and_no_are_read_as_typed(text: str, answer: bool | None) -> None:
    assert read_yes_no(text) is answer


def test_a_questions_own_words_mean_yes_or_no_only_there() -> None:
    # "Delete everything?": "delete" is yes and "keep it" no; at "Save it?", "delete" is no.
    assert read_yes_no("delete", yes=frozenset({"delete"})) is True
    assert read_yes_no("keep it", no=frozenset({"keep"})) is False
    assert read_yes_no("delete it", no=frozenset({"delete"})) is False
    assert read_yes_no("delete") is None
