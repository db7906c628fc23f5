"""/pain: classify a description at once, ask one or two follow-ups when it's unclear, red flags
win at every step, and every verdict is stored."""

from __future__ import annotations

from collections.abc import Callable

from core.engine.coach import Coach
from tests.conftest import Chat, coach_process, stored_pain_reports


def labels(chat: Chat) -> list[str]:
    return [b.label for r in chat.last for b in r.flat_buttons]


async def test_sharp_knee_pain_says_stop_and_get_it_checked(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/pain sharp stabbing pain in my knee when squatting")
    assert "Stop that lift" in chat.text
    assert "get it checked by a doctor or physiotherapist" in chat.text
    [row] = await stored_pain_reports(coach)
    assert (row.kind, row.description) == (
        "sharp",
        "sharp stabbing pain in my knee when squatting",
    )


async def test_ordinary_soreness_is_doms_and_offers_the_ready_check(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/pain my quads are sore and stiff two days after leg day")
    assert "normal muscle soreness (DOMS)" in chat.text
    assert [b.payload for b in chat.last[-1].flat_buttons] == ["cmd:ready"]
    assert [r.kind for r in await stored_pain_reports(coach)] == ["doms"]


async def test_pain_alone_asks_for_a_description_then_classifies(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/pain")
    assert "Describe it in your own words" in chat.text
    assert await stored_pain_reports(coach) == []
    await chat.say("my lower back is sore after deadlifts")
    assert "cat-camels" in chat.text
    assert [r.kind for r in await stored_pain_reports(coach)] == ["lower-back-after-lift"]


async def test_ambiguous_description_gets_follow_up_buttons_then_a_verdict(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/pain my shoulder feels off")
    assert "What does it feel like?" in chat.text
    assert "Sharp or stabbing" in labels(chat)
    assert await stored_pain_reports(coach) == []  # no verdict yet
    await chat.press("In a joint or tendon")
    assert "tendons and joints repair much more slowly" in chat.text
    [row] = await stored_pain_reports(coach)
    assert row.kind == "joint-tendon"
    assert row.description.startswith("my shoulder feels off")


async def test_still_unclear_after_a_typed_answer_asks_one_more_then_stops_asking(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/pain my arm feels weird")
    await chat.say("hard to say")
    assert "One more: Where is it?" in chat.text
    await chat.say("not sure really")
    assert "I need a bit more detail" in chat.text  # the unclear verdict, no third question
    assert labels(chat) == []
    [row] = await stored_pain_reports(coach)
    assert row.kind == "unclear"
    assert "hard to say" in row.description


async def test_red_flag_wins_even_in_a_follow_up_answer(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/pain my leg feels off")
    assert "What does it feel like?" in chat.text
    await chat.say("dull ache, and my foot has gone numb")
    assert "red flag" in chat.text
    assert "numbness or tingling" in chat.text
    [row] = await stored_pain_reports(coach)
    assert row.kind == "red-flag"


async def test_red_flag_button_in_a_follow_up_wins(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/pain it hurts")
    await chat.press("Numb or tingling")
    assert "Stop training now" in chat.text and "red flag" in chat.text
    assert [r.kind for r in await stored_pain_reports(coach)] == ["red-flag"]


async def test_chest_pain_is_an_emergency(coach: Coach, chat_as: Callable[..., Chat]) -> None:
    chat = chat_as()
    await chat.say("/pain a bit of a pump but also chest pain and I can't catch my breath")
    assert "emergency" in chat.text
    assert [r.kind for r in await stored_pain_reports(coach)] == ["red-flag"]


async def test_long_description_is_stored_capped_and_cleaned(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/pain sharp pain in my elbow \u202e" + " and it aches" * 250)
    assert "Stop that lift" in chat.text
    [row] = await stored_pain_reports(coach)
    assert len(row.description) == 1000
    assert "\u202e" not in row.description


async def test_pain_is_private_and_nothing_is_stored_from_a_group(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as("u1", group="gym")
    await chat.say("/pain my arm is numb")
    assert "private chat" in chat.text
    assert "red flag" not in chat.text
    assert await stored_pain_reports(coach) == []


async def test_restart_mid_follow_up_continues(database_url: str) -> None:
    async with coach_process(database_url) as coach:
        chat = Chat(coach)
        await chat.say("/pain it hurts")
        pump = next(b for b in chat.last[-1].flat_buttons if b.label == "Burning during a set")
    async with coach_process(database_url) as coach:
        chat = Chat(coach)
        await chat.send_payload(pump.payload)
        assert "burn or pump during a set is normal" in chat.text
        assert [r.kind for r in await stored_pain_reports(coach)] == ["pump-burn"]
