"""Free text reaches the right feature: a conversation, not a command line. Greetings get
the main actions, soreness told in words is offered as a check-in (saved only on a tap),
a pain gets /pain's triage, "go or rest?" gets the readiness check, questions the FAQ."""

from __future__ import annotations

from collections.abc import Callable

from core.engine.coach import Coach
from tests.conftest import NOON, Chat, coach_process, stored_checkins, stored_pain_reports

TODAY = NOON.date()
MAIN_ACTIONS = ["Check in", "Am I ready?", "Describe a pain", "Ask a question"]
NOT_SURE = "I'm not sure"


def labels(chat: Chat) -> list[str]:
    return [b.label for r in chat.last for b in r.flat_buttons]


async def test_greetings_thanks_and_help_get_a_reply_and_the_main_actions(
    chat_as: Callable[..., Chat],
) -> None:
    chat = chat_as()
    for said, expected in (
        ("hi", "Hi, U1!"),
        ("thanks!", "You're welcome"),
        ("what can you do?", "I can log how sore you are"),
        ("help", "I can log how sore you are"),
        ("menu", "I can log how sore you are"),
    ):
        await chat.say(said)
        assert expected in chat.text, said
        assert NOT_SURE not in chat.text, said
        assert labels(chat) == MAIN_ACTIONS, said
    await chat.press("Am I ready?")
    assert "how did the soreness from their last session go?" in chat.text


async def test_a_hello_the_knowledge_base_cannot_place_is_greeted_not_refused(
    chat_as: Callable[..., Chat],
) -> None:
    chat = chat_as()
    await chat.say("yo coach my dog just ate my whole sandwich lol")
    assert "Hi, U1!" in chat.text
    assert NOT_SURE not in chat.text
    assert labels(chat) == MAIN_ACTIONS
    # Asked, an off-topic question is still refused honestly, hello or not.
    await chat.say("hey, what's the weather in paris?")
    assert NOT_SURE in chat.text


async def test_soreness_told_in_words_is_shown_back_and_saved_only_on_a_tap(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("my legs are really sore today")
    assert "Sounds like today's check-in: quads 3, hamstrings 3, glutes 3, calves 3" in chat.text
    assert labels(chat) == ["Save it", "Change it", "Don't save"]
    assert await stored_checkins(coach) == {}  # nothing stored without the tap
    await chat.press("Save it")
    assert "Saved today's check-in: quads 3, hamstrings 3, glutes 3, calves 3" in chat.text
    assert (await stored_checkins(coach))[TODAY]["quads"] == 3


async def test_a_told_check_in_can_be_changed_or_dropped(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("chest a bit sore, rest fine")
    assert "chest 1; nothing else sore" in chat.text
    assert "counted as none" not in chat.text  # "rest fine" said it
    await chat.press("Change it")
    assert "area by area" in chat.text
    await chat.say("chest 2 back 1")
    assert "chest 2, back 1" in chat.text
    await chat.press("Don't save")
    assert "nothing saved" in chat.text
    assert await stored_checkins(coach) == {}


async def test_a_told_check_in_is_answered_by_typed_yes_or_no(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("legs a bit sore today")
    await chat.say("no thanks")
    assert "nothing saved" in chat.text
    assert "You're welcome" not in chat.text
    assert await stored_checkins(coach) == {}
    await chat.say("legs a bit sore today")
    await chat.say("yes please")
    assert "Saved today's check-in" in chat.text


async def test_a_level_off_every_scale_is_said_so_and_nothing_is_offered(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    for said, shown in (
        ("biceps 11", "“11” is off the scale"),
        ("legs -1", "“-1” is off the scale"),
        ("legs 12/10", "“12/10” is off the scale"),
        ("/checkin legs 0.5", "off the scale"),
    ):
        await chat.say(said)
        assert shown in chat.text, said
        assert "Save it" not in labels(chat), said
    assert await stored_checkins(coach) == {}


async def test_checkin_with_words_the_shorthand_does_not_know_offers_what_it_read(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/checkin legs sore, rest 1")
    assert "Sounds like today's check-in: quads 2, hamstrings 2, glutes 2, calves 2" in chat.text
    assert labels(chat) == ["Save it", "Change it", "Don't save"]
    assert await stored_checkins(coach) == {}  # shown first, saved on the tap
    await chat.say("/checkin 🦵 3")
    assert "Sounds like today's check-in: quads 3, hamstrings 3, glutes 3, calves 3" in chat.text


async def test_a_told_check_in_on_a_day_already_checked_in_asks_before_updating(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/checkin chest 1")
    await chat.say("nothing sore today")
    await chat.press("Save it")
    assert "already checked in today (chest 1" in chat.text
    await chat.press("Yes, update it")
    assert (await stored_checkins(coach))[TODAY]["chest"] == 0


async def test_a_pain_in_words_gets_exactly_what_pain_gives(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    described = "I have a sharp pain in my knee"
    typed, asked = chat_as("typed"), chat_as("asked")
    await typed.say(described)
    await asked.say(f"/pain {described}")
    assert typed.text == asked.text
    assert "warning pain" in typed.text
    assert [r.kind for r in await stored_pain_reports(coach, "typed")] == ["sharp"]


async def test_a_red_flag_in_words_is_triaged_first_whatever_else_is_said(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("hey coach! legs wrecked, go or rest? also my foot went numb")
    assert "that is a red flag" in chat.text
    assert [r.kind for r in await stored_pain_reports(coach)] == ["red-flag"]
    assert await stored_checkins(coach) == {}


async def test_go_or_rest_gets_a_short_answer_and_the_readiness_check(
    chat_as: Callable[..., Chat],
) -> None:
    chat = chat_as()
    await chat.say("gym day but my quads are killing me, go or rest?")
    assert "Soreness alone doesn't decide it" in chat.text
    assert labels(chat) == ["Am I ready? Check now"]
    await chat.press("Am I ready?")
    assert "how did the soreness from their last session go?" in chat.text


async def test_questions_still_go_to_the_faq_and_off_topic_is_refused(
    chat_as: Callable[..., Chat],
) -> None:
    chat = chat_as()
    await chat.say("why am i so sore two days after leg day")
    assert "Delayed-onset muscle soreness" in chat.text or "DOMS" in chat.text
    await chat.say("whats the capital of australia")
    assert NOT_SURE in chat.text


async def test_a_possible_injury_the_faq_cannot_place_gets_triage_not_a_refusal(
    chat_as: Callable[..., Chat],
) -> None:
    """No "my" or "I" to say whose pain it is, and too few words the knowledge base
    knows: still a sharp pain described, so triage's warning, never "I'm not sure"."""
    chat = chat_as()
    await chat.say("heard a pop n now bruising, see someone?")
    assert NOT_SURE not in chat.text
    assert "warning pain, not soreness" in chat.text
    await chat.say("is a sharp pain during bench normal?")  # asked in general: the topic
    assert "Sharp pain while lifting" in chat.text


async def test_two_close_readings_are_asked_about_and_the_choice_is_followed(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("my legs are sore today, is that normal?")
    assert "two ways" in chat.text
    assert labels(chat) == ["Log it as today's check-in", "Tell me what it means"]
    await chat.press("Tell me what it means")
    assert NOT_SURE not in chat.text and len(chat.text) > 100  # an FAQ answer
    await chat.say("my legs are sore today, is that normal?")
    await chat.press("Log it as today's check-in")
    assert "Sounds like today's check-in: quads 2" in chat.text
    assert await stored_checkins(coach) == {}


async def test_the_which_question_survives_a_restart(database_url: str) -> None:
    async with coach_process(database_url) as coach:
        chat = Chat(coach)
        await chat.say("chest is sore today, should i worry?")
        button = next(b for b in chat.last[0].flat_buttons if b.label.startswith("Log it"))
    async with coach_process(database_url) as coach:
        chat = Chat(coach)
        await chat.send_payload(button.payload)
        assert "Sounds like today's check-in: chest 2" in chat.text


async def test_mid_question_a_red_flag_is_triaged_then_the_question_asked_again(
    chat_as: Callable[..., Chat],
) -> None:
    chat = chat_as()
    await chat.say("/checkin")
    await chat.press("Start check-in")
    await chat.press("2 Moderate")
    await chat.say("wait my arm is going numb")
    assert "that is a red flag" in chat.text
    assert "Back (2 of 12): how sore?" in chat.text  # nothing answered so far is lost
    await chat.say("1")
    assert "Shoulders (3 of 12)" in chat.text


async def test_mid_question_a_possible_injury_gets_triage_then_the_question_again(
    chat_as: Callable[..., Chat],
) -> None:
    """The same reading as outside a question: a sharp pain the knowledge base cannot
    place is triaged, not met with "I'm not sure"."""
    chat = chat_as()
    await chat.say("/checkin")
    await chat.press("Start check-in")
    await chat.say("heard a pop n now bruising, see someone?")
    assert NOT_SURE not in chat.text
    assert "warning pain, not soreness" in chat.text
    assert "Chest (1 of 12)" in chat.text


async def test_mid_question_other_text_is_answered_then_the_question_asked_again(
    chat_as: Callable[..., Chat],
) -> None:
    chat = chat_as()
    await chat.say("/checkin")
    await chat.press("Start check-in")
    await chat.say("what's a deload?")
    assert "deload" in chat.text.lower() and "Chest (1 of 12)" in chat.text
    await chat.say("asdfgh")
    assert "isn't one of the answers" in chat.text and "Chest (1 of 12)" in chat.text


async def test_free_text_in_a_group_is_left_to_the_group(chat_as: Callable[..., Chat]) -> None:
    chat = chat_as(group="g1")
    assert await chat.say("my legs are wrecked lol") == []
