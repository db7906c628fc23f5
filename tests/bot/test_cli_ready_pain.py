"""The console must-shows for /pain and /ready, driven through a real `coach chat --json`."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import console


def test_sharp_knee_pain_gets_a_stop_and_get_it_checked_verdict(tmp_path: Path) -> None:
    [verdict] = console(tmp_path / "c.db", "/pain sharp stabbing pain in my knee when squatting\n")
    text = str(verdict["text"])
    assert "Stop that lift" in text
    assert "get it checked" in text


def test_ready_walked_through_with_weaker_ends_in_active_recovery(tmp_path: Path) -> None:
    out = console(tmp_path / "c.db", "/ready\nStill sore\nNo\nWeaker\n")
    assert out[0]["buttons"] == [
        ["Never got sore", "Healed a while ago"],
        ["Healed just on time", "Still sore"],
    ]
    assert "any sharp pain?" in str(out[1]["text"])
    assert out[2]["buttons"] == [["Stronger", "About the same", "Weaker"]]
    assert "active recovery" in str(out[3]["text"])

    # recorded: the next /ready, in a new process, knows last time was weaker
    [again] = console(tmp_path / "c.db", "/ready\n")
    assert "Last time you were weaker" in str(again["text"])
