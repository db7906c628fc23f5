"""/program: set-up by buttons and by typed forms, this week and today, later weeks adding sets,
and clear replies to days or dates it can't use."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import select

from core.engine.coach import Coach
from core.storage.schema import users
from tests.conftest import NOON, Chat, coach_process

TODAY = NOON.date()  # Monday 30 Nov 2026


async def program(coach: Coach, name: str = "u1") -> tuple[date | None, list[int] | None]:
    async with coach.db.transaction() as conn:
        row = (
            await conn.execute(
                select(users.c.program_start, users.c.training_days).where(
                    users.c.platform_user_id == name
                )
            )
        ).one()
    return row.program_start, row.training_days


def labels(chat: Chat) -> list[str]:
    return [b.label for r in chat.last for b in r.flat_buttons]


async def test_set_up_by_buttons_then_week_one_shows_two_sets(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/program")
    assert "You don't have a program yet" in chat.text
    assert labels(chat) == ["Mon Wed Fri", "Tue Thu Sat", "Mon Tue Thu Fri"]
    await chat.press("Mon Wed Fri")
    assert "Training days saved: Mon Wed Fri" in chat.text
    assert "When does the program start?" in chat.text
    await chat.press("Today")
    assert "Program start saved: today" in chat.text
    assert "Week 1" in chat.text and "2 sets per exercise" in chat.text
    assert "two reps short of failure" in chat.text
    assert "Mon 30 Nov — train, 2 sets per exercise  ← today" in chat.text
    assert "Tue 1 Dec — rest" in chat.text
    assert "Today: training day" in chat.text
    assert await program(coach) == (TODAY, [0, 2, 4])


async def test_a_question_asked_at_the_days_question_is_answered_then_it_is_asked_again(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/program")
    await chat.say("should I stretch when sore?")
    assert "as a day of the week" not in chat.text
    assert "Which days do you train?" in chat.text  # asked again after the answer
    await chat.say("funday")  # a short word is still taken as an attempt, and helped
    assert "Which days do you train?" in chat.text
    await chat.say("mon wed fri")
    assert "Training days saved: Mon Wed Fri" in chat.text


async def test_next_monday_button_starts_next_week(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/program")
    await chat.press("Tue Thu Sat")
    await chat.press("Next Monday")
    assert "Your program starts on Mon 7 Dec" in chat.text
    assert await program(coach) == (TODAY + timedelta(days=7), [1, 3, 5])


async def test_typed_forms_set_days_and_start(coach: Coach, chat_as: Callable[..., Chat]) -> None:
    chat = chat_as()
    await chat.say("/program days tue, thu & sat")
    assert "Training days saved: Tue Thu Sat" in chat.text
    assert "When does the program start?" in chat.text
    await chat.say("/program start 2026-12-07")
    assert "Program start saved: Mon 7 Dec" in chat.text
    assert "Your program starts on Mon 7 Dec" in chat.text
    assert await program(coach) == (date(2026, 12, 7), [1, 3, 5])

    await chat.say("/program days mon-thu")
    assert "Training days saved: Mon Tue Wed Thu" in chat.text
    assert "Your program starts on Mon 7 Dec" in chat.text  # start kept
    assert await program(coach) == (date(2026, 12, 7), [0, 1, 2, 3])

    await chat.say("/program days weekends")
    assert "Training days saved: Sat Sun" in chat.text


async def test_custom_days_and_a_date_typed_into_the_questions(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/program")
    await chat.say("mon thu")
    assert "Training days saved: Mon Thu" in chat.text
    await chat.say("2026-11-23")
    assert "Week 2" in chat.text and "3 sets per exercise" in chat.text
    assert await program(coach) == (date(2026, 11, 23), [0, 3])


async def test_later_weeks_add_sets_up_to_five_then_deload(
    chat_as: Callable[..., Chat],
) -> None:
    chat = chat_as()
    await chat.say("/program days mon wed fri")
    await chat.say("/program start today")
    assert "2 sets per exercise" in chat.text

    chat.when = NOON + timedelta(weeks=2, days=1)  # Tuesday of week 3: a rest day
    await chat.say("/program")
    assert "Week 3" in chat.text and "4 sets per exercise" in chat.text
    assert "Today: rest day. Next workout: Wed 16 Dec." in chat.text
    assert "Tue 15 Dec — rest  ← today" in chat.text

    chat.when = NOON + timedelta(weeks=4)
    await chat.say("/program")
    assert "Week 5" in chat.text and "5 sets per exercise" in chat.text

    chat.when = NOON + timedelta(weeks=5)
    await chat.say("/program")
    assert "deload week" in chat.text

    chat.when = NOON + timedelta(weeks=6)
    await chat.say("/program")
    assert "phase 2 starts" in chat.text and "new variation" in chat.text
    assert "2 sets per exercise" in chat.text


async def test_invalid_days_and_dates_get_a_clear_reply_and_change_nothing(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/program days mon funday")
    assert "I don't know “funday” as a day of the week" in chat.text
    assert "Nothing was changed" in chat.text
    await chat.say("/program start 2026-02-30")
    assert "couldn't read that as a date" in chat.text
    await chat.say("/program start next year")
    assert "couldn't read that as a date" in chat.text
    await chat.say("/program start 2030-01-01")
    assert "more than a year away" in chat.text
    await chat.say("/program frobnicate")
    assert "I don't know /program frobnicate" in chat.text
    assert "/program days mon wed fri" in chat.text
    assert await program(coach) == (None, None)


async def test_bad_answer_in_the_set_up_asks_again(chat_as: Callable[..., Chat]) -> None:
    chat = chat_as()
    await chat.say("/program")
    await chat.say("whenever")
    assert "I don't know “whenever” as a day of the week" in chat.text
    assert "Mon Wed Fri" in labels(chat)
    await chat.press("Mon Wed Fri")
    await chat.say("31/12/2026")
    assert "couldn't read that as a date" in chat.text
    assert "Today" in labels(chat)


async def test_reset_clears_the_program_and_starts_the_set_up(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/program days mon wed fri")
    await chat.say("/program start today")
    await chat.say("/program reset")
    assert "Program cleared" in chat.text
    assert "Which days do you train?" in chat.text
    assert await program(coach) == (None, None)


async def test_change_buttons_under_the_week(coach: Coach, chat_as: Callable[..., Chat]) -> None:
    chat = chat_as()
    await chat.say("/program days mon wed fri")
    await chat.say("/program start today")
    await chat.press("Change days")
    await chat.press("Mon Tue Thu Fri")
    assert "Week 1" in chat.text
    assert await program(coach) == (TODAY, [0, 1, 3, 4])


async def test_restart_mid_set_up_continues_at_the_start_question(database_url: str) -> None:
    async with coach_process(database_url) as coach:
        chat = Chat(coach)
        await chat.say("/program")
        await chat.press("Mon Wed Fri")
    async with coach_process(database_url) as coach:
        chat = Chat(coach)
        await chat.say("today")
        assert "Program start saved: today" in chat.text
        assert await program(coach) == (TODAY, [0, 2, 4])
