"""/ready: last session's soreness, the warm-up, one working set, and the verdict; each check is
recorded so the next one knows how the last went; restarts continue mid-check."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from core.engine.coach import Coach
from core.storage.schema import pain_reports, readiness_checks, users
from tests.conftest import NOON, Chat, coach_process

TODAY = NOON.date()


async def checks(coach: Coach, name: str = "u1") -> list[Any]:
    async with coach.db.transaction() as conn:
        uid = await conn.scalar(select(users.c.id).where(users.c.platform_user_id == name))
        rows = await conn.execute(
            select(readiness_checks)
            .where(readiness_checks.c.user_id == uid)
            .order_by(readiness_checks.c.id)
        )
        return list(rows)


async def pains(coach: Coach, name: str = "u1") -> list[Any]:
    async with coach.db.transaction() as conn:
        uid = await conn.scalar(select(users.c.id).where(users.c.platform_user_id == name))
        rows = await conn.execute(select(pain_reports).where(pain_reports.c.user_id == uid))
        return list(rows)


def labels(chat: Chat) -> list[str]:
    return [b.label for r in chat.last for b in r.flat_buttons]


async def test_never_sore_and_stronger_says_train_as_planned(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/ready")
    assert "how did the soreness from their last session go?" in chat.text
    assert labels(chat) == [
        "Never got sore",
        "Healed a while ago",
        "Healed just on time",
        "Still sore",
    ]
    await chat.press("Never got sore")
    assert labels(chat) == ["Stronger", "About the same", "Weaker"]  # no warm-up step needed
    await chat.press("Stronger")
    assert "Train as planned" in chat.text
    [row] = await checks(coach)
    assert (row.day, row.last_soreness, row.sharp_pain, row.set_result, row.verdict) == (
        TODAY,
        "never",
        False,
        "stronger",
        "train",
    )


async def test_about_the_same_says_train_and_mind_calories_protein_sleep(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/ready")
    await chat.press("Healed a while ago")
    await chat.press("About the same")
    assert "train as planned" in chat.text
    assert "calories and protein" in chat.text and "sleep" in chat.text
    [row] = await checks(coach)
    assert (row.last_soreness, row.set_result, row.verdict) == (
        "healed-early",
        "same",
        "train-fix-recovery",
    )


async def test_still_sore_warms_up_first_and_weaker_means_active_recovery(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/ready")
    await chat.press("Still sore")
    assert "dynamic moves" in chat.text and "light warm-up sets" in chat.text
    assert "Warmed up — any sharp pain?" in chat.text
    assert labels(chat) == ["No", "Yes, sharp pain"]
    await chat.press("No")
    await chat.press("Weaker")
    assert "active recovery" in chat.text
    assert "count the workout as done" in chat.text
    assert "two weaker sessions" not in chat.text
    [row] = await checks(coach)
    assert (row.last_soreness, row.set_result, row.verdict) == (
        "still-sore",
        "weaker",
        "active-recovery",
    )


async def test_sharp_pain_in_the_warm_up_stops_the_lift_and_offers_pain_triage(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/ready")
    await chat.press("Healed just on time")
    assert "normal warm-up sets" in chat.text
    await chat.press("Yes, sharp pain")
    assert "Stop that lift" in chat.text
    [button] = chat.last[-1].flat_buttons
    assert button.payload == "cmd:pain"
    [row] = await checks(coach)
    assert (row.last_soreness, row.sharp_pain, row.set_result, row.verdict) == (
        "on-time",
        True,
        None,
        "stop-sharp-pain",
    )
    await chat.press("Tell me about the pain")
    assert "Describe it in your own words" in chat.text


async def test_typed_answers_work_at_every_step(coach: Coach, chat_as: Callable[..., Chat]) -> None:
    chat = chat_as()
    await chat.say("/ready")
    await chat.say("still sore")
    assert "any sharp pain?" in chat.text
    await chat.say("no")
    await chat.say("weaker")
    assert "active recovery" in chat.text
    assert len(await checks(coach)) == 1


async def test_unrecognised_answer_asks_the_same_question_again(
    chat_as: Callable[..., Chat],
) -> None:
    chat = chat_as()
    await chat.say("/ready")
    await chat.press("Never got sore")
    await chat.say("purple")
    assert "isn't one of the answers" in chat.text
    assert labels(chat) == ["Stronger", "About the same", "Weaker"]


async def test_next_ready_says_last_time_you_were_weaker_and_twice_suggests_adjusting(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/ready")
    assert "Last time" not in chat.text  # no history yet
    await chat.press("Never got sore")
    await chat.press("Weaker")
    assert "adjust" not in chat.text

    chat.when = NOON + timedelta(days=2)
    await chat.say("/ready")
    assert "Last time you were weaker" in chat.text
    await chat.press("Still sore")
    await chat.press("No")
    await chat.press("Weaker")
    assert "two weaker sessions running" in chat.text
    assert "fewer sets, more rest days, or a deload week" in chat.text
    assert [b.payload for b in chat.last[-1].flat_buttons] == ["cmd:program"]

    chat.when = NOON + timedelta(days=4)
    await chat.say("/ready")
    assert "last two sessions were both weaker" in chat.text
    rows = await checks(coach)
    assert [r.day for r in rows] == [TODAY, TODAY + timedelta(days=2)]


async def test_a_stronger_session_breaks_the_weaker_streak(
    chat_as: Callable[..., Chat],
) -> None:
    chat = chat_as()
    for day, result in enumerate(("Weaker", "Stronger", "Weaker")):
        chat.when = NOON + timedelta(days=2 * day)
        await chat.say("/ready")
        await chat.press("Never got sore")
        await chat.press(result)
    assert "active recovery" in chat.text
    assert "two weaker sessions" not in chat.text


async def test_another_users_history_does_not_count(chat_as: Callable[..., Chat]) -> None:
    alice, bob = chat_as("alice"), chat_as("bob")
    await alice.say("/ready")
    await alice.press("Never got sore")
    await alice.press("Weaker")
    await bob.say("/ready")
    assert "Last time" not in bob.text


async def test_sharp_pain_typed_at_the_working_set_stops_and_is_noted(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/ready")
    await chat.press("Never got sore")
    await chat.say("got a sharp stabbing pain in my shoulder on the first rep")
    assert "Stop that lift" in chat.text
    [row] = await checks(coach)
    assert (row.sharp_pain, row.verdict) == (True, "stop-sharp-pain")
    [pain] = await pains(coach)
    assert pain.kind == "sharp"


async def test_red_flag_during_ready_wins_and_ends_the_check(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/ready")
    await chat.press("Still sore")
    await chat.say("my left arm is numb and tingling")
    assert "red flag" in chat.text
    assert "doctor" in chat.text
    [pain] = await pains(coach)
    assert pain.kind == "red-flag"
    assert await checks(coach) == []
    await chat.say("/cancel")
    assert "Nothing to cancel" in chat.text  # the check ended


async def test_restart_mid_check_continues_at_the_working_set(database_url: str) -> None:
    async with coach_process(database_url) as coach:
        chat = Chat(coach)
        await chat.say("/ready")
        await chat.press("Still sore")
        await chat.press("No")
        assert "Compared with last time" in chat.text
    async with coach_process(database_url) as coach:
        chat = Chat(coach)
        await chat.say("weaker")
        assert "active recovery" in chat.text
        [row] = await checks(coach)
        assert (row.last_soreness, row.set_result) == ("still-sore", "weaker")  # kept


async def test_ready_is_private(chat_as: Callable[..., Chat]) -> None:
    chat = chat_as("u1", group="gym")
    await chat.say("/ready")
    assert "private chat" in chat.text


async def test_no_pain_said_in_words_goes_on_to_the_working_set(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    for said in ("no pain at all", "yeah all good", "quads are fine now", "nope"):
        chat = chat_as()
        await chat.say("/ready")
        await chat.press("Still sore")
        await chat.say(said)
        assert labels(chat) == ["Stronger", "About the same", "Weaker"], said
        assert "check-in" not in chat.text, said  # not taken for a soreness report


async def test_stop_typed_mid_check_ends_it(chat_as: Callable[..., Chat]) -> None:
    chat = chat_as()
    await chat.say("/ready")
    await chat.say("stop")
    assert "Okay, stopped there" in chat.text
    await chat.say("hi")
    assert "how did the soreness" not in chat.text  # the check is not asked again
    await chat.say("never mind")  # with nothing asked, said so plainly
    assert "Nothing to cancel" in chat.text
