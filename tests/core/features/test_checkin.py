"""/checkin: guided questions, typed answers, one-tap "nothing is sore", shorthand, one check-in
a day, restarts mid-check-in, trained groups, and the trends shown after a check-in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func, select

from core.engine.coach import Coach
from core.storage.schema import checkins, users
from tests.conftest import NOON, Chat, add_past, coach_process, stored_checkins

TODAY = NOON.date()  # the test chat's local day (UTC)


async def test_guided_checkin_by_buttons_to_the_end(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/checkin")
    assert "12 quick questions" in chat.text
    labels = [b.label for b in chat.last[0].flat_buttons]
    assert labels == ["Nothing is sore", "Start check-in", "Set my muscle groups"]

    await chat.press("Start check-in")
    assert "Chest (1 of 12): how sore?" in chat.text
    assert "Mild — Tender only when pressed" in chat.text  # the scale is explained
    answers = ["1 Mild", "0 None", "0 None", "0 None", "0 None", "3 Very sore"]
    answers += ["2 Moderate", "0 None", "0 None", "0 None", "0 None", "0 None"]
    for n, label in enumerate(answers):
        if n == 2:  # one step back and answer Back again
            await chat.press("Back")
            assert "Back (2 of 12)" in chat.text
            await chat.press("0 None")
        await chat.press(label)

    assert "Saved today's check-in: quads 3, hamstrings 2, chest 1; nothing else sore." in (
        chat.text
    )
    assert "Very sore quads" in chat.text  # one line of advice from the answers
    levels = (await stored_checkins(coach))[TODAY]
    assert levels["quads"] == 3 and levels["chest"] == 1 and levels["lower_back"] == 0
    assert len(levels) == 12
    await chat.say("2")  # the check-in is over: a digit is no longer an answer
    assert "Saved" not in chat.text


async def test_typed_answers_and_the_rest_none(coach: Coach, chat_as: Callable[..., Chat]) -> None:
    chat = chat_as()
    await chat.say("/checkin")
    await chat.say("start")
    await chat.say("2")
    assert "Back (2 of 12)" in chat.text
    await chat.say("Very sore")
    await chat.say("mild")
    await chat.say("banana")
    assert "isn't one of the answers" in chat.text
    assert "Biceps (4 of 12)" in chat.text  # asked again, same question
    await chat.say("crippling")
    await chat.press("The rest: none")
    assert "Crippling soreness (biceps)" in chat.text
    assert "ease off" in chat.text
    levels = (await stored_checkins(coach))[TODAY]
    assert (levels["chest"], levels["back"], levels["shoulders"], levels["biceps"]) == (2, 3, 1, 4)
    assert levels["calves"] == 0 and levels["joints"] == 0


async def test_nothing_is_sore_in_one_tap(coach: Coach, chat_as: Callable[..., Chat]) -> None:
    chat = chat_as()
    await chat.say("/checkin")
    await chat.press("Nothing is sore")
    assert "Saved today's check-in: nothing sore." in chat.text
    assert "you're recovered" in chat.text
    levels = (await stored_checkins(coach))[TODAY]
    assert set(levels.values()) == {0} and len(levels) == 12


async def test_reminder_buttons_start_the_checkin_or_record_nothing_sore(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.send_payload("checkin:start")
    assert "Chest (1 of 12)" in chat.text
    other = chat_as("u2")
    await other.send_payload("checkin:none")
    assert "nothing sore" in other.text
    assert set((await stored_checkins(coach, "u2"))[TODAY].values()) == {0}
    await other.send_payload("checkin:whatever")
    assert "out of date" in other.text


async def test_shorthand_stores_at_once_and_says_what_counted_as_none(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/checkin legs 3 chest 1")
    assert "Saved today's check-in: quads 3, hamstrings 3, glutes 3, calves 3, chest 1" in (
        chat.text
    )
    assert "Not mentioned, so counted as none: back, shoulders" in chat.text
    levels = (await stored_checkins(coach))[TODAY]
    assert levels["glutes"] == 3 and levels["back"] == 0 and levels["joints"] == 0


async def test_shorthand_with_errors_stores_nothing_and_shows_an_example(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/checkin legs 9 wings 2")
    assert "nothing was saved" in chat.text
    assert "off the scale" in chat.text
    assert "“wings” isn't a muscle group" in chat.text
    assert "/checkin legs 3 chest 1" in chat.text
    assert await stored_checkins(coach) == {}


async def test_second_checkin_the_same_day_asks_before_updating(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/checkin chest 2")
    await chat.say("/checkin chest 4")
    assert "already checked in today (chest 2; nothing else sore). Update" in chat.text
    await chat.press("No")
    assert "Kept today's check-in" in chat.text
    assert (await stored_checkins(coach))[TODAY]["chest"] == 2

    await chat.say("/checkin")
    await chat.press("Start check-in")
    assert "Update today's check-in?" in chat.text
    await chat.press("Yes")
    assert "Chest (1 of 12)" in chat.text
    await chat.press("4 Crippling")
    await chat.press("The rest: none")
    assert "Updated today's check-in: chest 4" in chat.text
    assert (await stored_checkins(coach))[TODAY]["chest"] == 4
    assert len(await stored_checkins(coach)) == 1

    chat.when = NOON + timedelta(days=1)  # a new local day: no question asked
    await chat.say("/checkin chest 1")
    assert "Saved today's check-in" in chat.text
    assert len(await stored_checkins(coach)) == 2


async def test_restart_mid_checkin_continues_at_the_same_area(database_url: str) -> None:
    async with coach_process(database_url) as coach:
        chat = Chat(coach)
        await chat.say("/checkin")
        await chat.press("Start check-in")
        await chat.press("2 Moderate")
        await chat.say("1")
        assert "Shoulders (3 of 12)" in chat.text
    async with coach_process(database_url) as coach:
        chat = Chat(coach)
        await chat.say("very sore")
        assert "Biceps (4 of 12)" in chat.text
        await chat.press("The rest: none")
        levels = (await stored_checkins(coach))[TODAY]
        assert [levels[a] for a in ("chest", "back", "shoulders", "biceps")] == [2, 1, 3, 0]


async def test_trend_insight_appears_after_enough_checkins(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/checkin quads 4")
    assert "Patterns" not in chat.text  # one crippling day is not a pattern
    await add_past(coach, "u1", 3, {"quads": 4, "joints": 1})
    await add_past(coach, "u1", 6, {"chest": 4, "joints": 2})
    await chat.say("/checkin quads 4 joints 1")
    await chat.press("Yes")
    assert "Crippling soreness on 3 of the last 14 days" in chat.text
    assert "Ease in" in chat.text
    assert "Joints or tendons were sore on 3 of the last 10 days" in chat.text
    assert "deload week" in chat.text


async def test_trained_groups_by_command_narrow_the_questions(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/checkin groups chest back legs")
    assert "Saved: you train chest, back, quads, hamstrings, glutes and calves." in chat.text
    await chat.say("/checkin")
    assert "8 quick questions" in chat.text
    await chat.press("Start check-in")
    assert "Chest (1 of 8)" in chat.text
    await chat.say("/checkin biceps 2")
    assert "“biceps” isn't one of the muscle groups you train" in chat.text
    await chat.say("/checkin groups wings")
    assert "don't know “wings”" in chat.text and "Nothing was changed" in chat.text


async def test_trained_groups_by_buttons_then_back_to_the_checkin(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/checkin")
    await chat.press("Set my muscle groups")
    for group in ("Chest", "Back", "Shoulders", "Biceps", "Triceps", "Abs"):
        await chat.press(f"✅ {group}")
    assert "⬜ Chest" in [b.label for b in chat.last[0].flat_buttons]
    await chat.press("Done")
    assert "Saved: you train quads, hamstrings, glutes and calves." in chat.text
    assert "6 quick questions" in chat.text  # back at the start of the check-in
    await chat.press("Start check-in")
    assert "Quads (1 of 6)" in chat.text

    async with coach.db.transaction() as conn:
        saved = await conn.scalar(select(users.c.trained_groups))
    assert saved == ["quads", "hamstrings", "glutes", "calves"]


async def test_groups_need_at_least_one(chat_as: Callable[..., Chat]) -> None:
    chat = chat_as()
    await chat.say("/checkin groups")
    await chat.say("chest")
    assert "Saved: you train chest." in chat.text
    await chat.say("/checkin groups")
    await chat.press("✅ Chest")
    await chat.press("Done")
    assert "Pick at least one muscle group" in chat.text


async def test_checkin_is_private_in_groups(coach: Coach, chat_as: Callable[..., Chat]) -> None:
    chat = chat_as("g1", group="-100")
    await chat.say("/checkin legs 3")
    assert "private chat" in chat.text
    await chat.send_payload("checkin:none")
    assert "private" in chat.text
    async with coach.db.transaction() as conn:
        assert await conn.scalar(select(func.count()).select_from(checkins)) == 0
