"""A social message is answered in kind: "thanks!" is not answered with "hi!"."""

from __future__ import annotations

import pytest

from core.rules.greetings import Greeting, read_greeting


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("hi", Greeting.HELLO),
        ("thanks man that helped", Greeting.THANKS),
        ("cya tomorrow", Greeting.BYE),
        ("what can u do", Greeting.HELP),
        ("ok", Greeting.OK),
    ],
)
def test_a_greeting_is_answered_in_kind(text: str, kind: Greeting) -> None:
    assert read_greeting(text) is kind
