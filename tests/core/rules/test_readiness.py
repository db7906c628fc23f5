"""The in-gym verdict a user gets after warming up and trying one working set."""

from __future__ import annotations

import pytest

from core.rules.readiness import (
    LastSoreness,
    SetResult,
    VerdictKind,
    last_time_note,
    readiness_verdict,
    warmup_advice,
)

S, W, X = SetResult.STRONGER, SetResult.SAME, SetResult.WEAKER


@pytest.mark.parametrize(
    ("result", "sharp_pain", "previous", "kind", "adjust", "must_say"),
    [
        (S, False, [], VerdictKind.TRAIN, False, ["train as planned"]),
        (S, False, [X, X], VerdictKind.TRAIN, False, ["Stronger"]),
        (W, False, [], VerdictKind.TRAIN_FIX_RECOVERY, False, ["calories", "protein", "sleep"]),
        (W, False, [X], VerdictKind.TRAIN_FIX_RECOVERY, False, ["train as planned"]),
        (
            X,
            False,
            [],
            VerdictKind.ACTIVE_RECOVERY,
            False,
            ["light sets", "every exercise", "active recovery", "count the workout as done"],
        ),
        (X, False, [S, X], VerdictKind.ACTIVE_RECOVERY, False, ["stay on the program"]),
        (X, False, [W], VerdictKind.ACTIVE_RECOVERY, False, ["light sets"]),
        (
            X,
            False,
            [X],
            VerdictKind.ACTIVE_RECOVERY,
            True,
            ["two weaker sessions", "fewer sets", "more rest days", "deload"],
        ),
        (X, False, [X, X, X], VerdictKind.ACTIVE_RECOVERY, True, ["two weaker sessions"]),
        (S, True, [], VerdictKind.STOP_SHARP_PAIN, False, ["Stop that lift", "/pain", "physio"]),
        (X, True, [X], VerdictKind.STOP_SHARP_PAIN, False, ["Stop that lift"]),
        (W, True, [S], VerdictKind.STOP_SHARP_PAIN, False, ["don't grind"]),
    ],
)
def test_verdict(
    result: SetResult,
    sharp_pain: bool,
    previous: list[SetResult],
    kind: VerdictKind,
    adjust: bool,
    must_say: list[str],
) -> None:
    verdict = readiness_verdict(result, sharp_pain=sharp_pain, previous=previous)
    assert verdict.kind is kind
    assert verdict.adjust_program is adjust
    for words in must_say:
        assert words.lower() in verdict.text.lower()
    if not adjust:
        assert "two weaker sessions" not in verdict.text


@pytest.mark.parametrize(
    ("last", "must_say"),
    [
        (LastSoreness.STILL_SORE, ["dynamic", "light warm-up sets"]),
        (LastSoreness.ON_TIME, ["warm-up"]),
        (LastSoreness.HEALED_EARLY, None),
        (LastSoreness.NEVER, None),
    ],
)
def test_warmup_advice_only_when_it_matters(last: LastSoreness, must_say: list[str] | None) -> None:
    advice = warmup_advice(last)
    if must_say is None:
        assert advice is None
        return
    assert advice is not None
    for words in must_say:
        assert words in advice


def test_still_sore_gets_the_fuller_warm_up() -> None:
    full = warmup_advice(LastSoreness.STILL_SORE)
    short = warmup_advice(LastSoreness.ON_TIME)
    assert full is not None and short is not None
    assert len(full) > len(short)


@pytest.mark.parametrize(
    ("previous", "expected"),
    [
        ([], None),
        ([X], "weaker than the session before"),
        ([X, S], "weaker than the session before"),
        ([X, X], "last two sessions were both weaker"),
        ([W, X], "about as strong"),
        ([S], "stronger than the session before"),
    ],
)
def test_last_time_note(previous: list[SetResult], expected: str | None) -> None:
    note = last_time_note(previous)
    if expected is None:
        assert note is None
    else:
        assert note is not None and expected in note


@pytest.mark.parametrize(
    ("member", "label"),
    [
        (LastSoreness.NEVER, "Never got sore"),
        (LastSoreness.HEALED_EARLY, "Healed a while ago"),
        (LastSoreness.ON_TIME, "Healed just on time"),
        (LastSoreness.STILL_SORE, "Still sore"),
        (SetResult.SAME, "About the same"),
    ],
)
def test_button_labels_and_short_payloads(member: LastSoreness | SetResult, label: str) -> None:
    assert member.label == label
    assert len(str(member).encode()) <= 16
