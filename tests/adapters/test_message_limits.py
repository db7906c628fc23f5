"""Replies never exceed a platform's message limit, however long or odd: Telegram's 4,096
UTF-16 units and Discord's 2,000 characters (code points, as Discord counts them). Long
replies are split, and nothing but the whitespace at a cut is lost."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.discord_adapter import MAX_CONTENT
from adapters.discord_adapter import render as discord_render
from adapters.discord_adapter import split_text as discord_split
from adapters.telegram.rendering import MAX_TEXT as TELEGRAM_MAX
from adapters.telegram.rendering import split_text as telegram_split
from adapters.telegram.rendering import utf16_len
from core.events import Reply

HUGE = 20_000

any_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from("\n  💪🏽ש"),
    ),
    max_size=12_000,
)
LIMITS = settings(max_examples=60, deadline=None)


def _letters(text: str) -> str:
    return re.sub(r"\s", "", text)


@LIMITS
@given(any_text)
def test_telegram_parts_never_exceed_4096_utf16_units_and_lose_nothing(text: str) -> None:
    parts = telegram_split(text)
    assert all(0 < utf16_len(p) <= TELEGRAM_MAX for p in parts)
    assert _letters("".join(parts)) == _letters(text)


@LIMITS
@given(any_text)
def test_discord_parts_never_exceed_2000_characters_and_lose_nothing(text: str) -> None:
    parts = discord_split(text)
    assert all(len(p) <= MAX_CONTENT for p in parts)
    assert _letters("".join(parts)) == _letters(text)
    messages = discord_render(Reply(text or "."))
    assert all(len(m.content) <= MAX_CONTENT for m in messages)


def test_a_20000_character_reply_is_split_for_each_platform() -> None:
    reply = "Warm up first. " * 1000 + "💪" * 5000  # 20,000 characters, 25,000 UTF-16 units
    assert len(reply) == HUGE
    telegram = telegram_split(reply)
    assert len(telegram) == 7 and all(utf16_len(p) <= TELEGRAM_MAX for p in telegram)
    discord = discord_split(reply)
    assert len(discord) >= 10 and all(len(p) <= MAX_CONTENT for p in discord)
