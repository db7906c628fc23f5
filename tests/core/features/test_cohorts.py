"""Cohorts: admins start them, members join from the group, the group sees only totals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert, select

from core.delivery.outbox import decode_reply
from core.delivery.reachability import chat_unreachable
from core.engine.coach import Coach
from core.events import ChatRef
from core.rules.cohorts import MIN_SHARED, cohort_summary, summary_text
from core.storage.cohorts import remove_cohort_for_chat
from core.storage.schema import cohort_members, cohorts, outbox, readiness_checks, users, utcnow
from tests.conftest import NOON, Chat, add_past, user_id

START = "/cohort start 2026-11-23 mon,wed,fri 18:00 Europe/Berlin"


def in_group(chat_as: Callable[..., Chat], name: str, group: str, *, admin: bool = False) -> Chat:
    chat = chat_as(name, group=group)
    chat.chat = ChatRef("test", group, is_group=True, user_is_admin=admin)
    return chat


async def add_verdict(coach: Coach, name: str, verdict: str) -> None:
    uid = await user_id(coach, name)
    async with coach.db.transaction() as conn:
        await conn.execute(
            insert(readiness_checks).values(
                user_id=uid,
                day=NOON.date(),
                at=utcnow(),
                last_soreness="on-time",
                sharp_pain=verdict == "stop-sharp-pain",
                set_result=None,
                verdict=verdict,
            )
        )


async def test_a_non_admin_is_refused_and_nothing_is_started(
    chat_as: Callable[..., Chat],
) -> None:
    member = in_group(chat_as, "bob", "-100")
    await member.say(START)
    assert "Only this chat's admins can start a cohort" in member.text
    await member.say("/cohort")
    assert "no cohort in this chat" in member.text
    await member.say("/cohort stop")
    assert "Only this chat's admins can stop" in member.text


async def test_an_admin_starts_a_cohort_by_typed_arguments_or_button(
    chat_as: Callable[..., Chat],
) -> None:
    admin = in_group(chat_as, "ann", "-100", admin=True)
    await admin.say(START)
    assert "Cohort started" in admin.text
    assert "Mon, Wed, Fri" in admin.text and "18:00 (Europe/Berlin)" in admin.text
    other = in_group(chat_as, "ann", "-200", admin=True)
    await other.say("/cohort start")
    assert "YYYY-MM-DD" in other.text
    await other.press("Next Monday")
    assert "Cohort started" in other.text and "Mon 7 Dec" in other.text


async def test_bad_start_arguments_are_explained(chat_as: Callable[..., Chat]) -> None:
    admin = in_group(chat_as, "ann", "-100", admin=True)
    await admin.say("/cohort start 2026-11-23 mon,wed 18:00 Mars/Olympus")
    assert "don't know the time zone" in admin.text
    await admin.say("/cohort start 2026-11-23 18:00")
    assert "I need all four" in admin.text


async def test_commands_work_only_in_groups(chat_as: Callable[..., Chat]) -> None:
    alone = chat_as("ann")
    await alone.say("/join")
    assert "for group chats" in alone.text


async def test_joining_links_private_coaching_to_the_cohort_program(
    chat_as: Callable[..., Chat], coach: Coach
) -> None:
    await in_group(chat_as, "ann", "-100", admin=True).say(START)
    member = in_group(chat_as, "bob", "-100")
    await member.say("/join")
    public, private = member.last
    assert not public.private and "private chat" in public.text
    assert private.private and "Week 2" in private.text
    async with coach.db.transaction() as conn:
        row = (await conn.execute(select(users).where(users.c.platform_user_id == "bob"))).one()
    assert row.program_start == date(2026, 11, 23) and row.training_days == [0, 2, 4]
    await member.say("/join")
    assert "already in this cohort" in member.text
    await member.say("/leave")
    assert "left the cohort" in member.text
    await member.say("/leave")
    assert "not in this cohort" in member.text


async def test_joining_by_the_announcement_button(chat_as: Callable[..., Chat]) -> None:
    admin = in_group(chat_as, "ann", "-100", admin=True)
    await admin.say(START)
    member = in_group(chat_as, "bob", "-100")
    await member.press("Join the cohort", admin.last)
    assert "Welcome to the cohort, Bob" in member.text
    await member.say("/cohort")
    assert "1 member." in member.text


def test_summary_numbers_from_known_check_ins() -> None:
    summary = cohort_summary(
        members=5,
        checkin_levels=[
            {"chest": 2, "quads": 4, "joints": 3},
            {"chest": 1, "quads": 2},
            {"chest": 3, "quads": 0, "back": 1},
            {"chest": 0},
        ],
        verdicts=["train", "train-fix-recovery", "active-recovery", "stop-sharp-pain"],
        week=2,
    )
    assert summary.checked_in == 4
    assert summary.ready == 2 and summary.recovery == 1
    # chest (2+1+3+0)/4, quads (4+2+0)/3; back has one answer and joints is not shared.
    assert summary.soreness == {"chest": 1.5, "quads": 2.0}
    text = summary_text(summary, date(2026, 11, 30))
    assert "4 of 5 checked in" in text
    assert "2 ready to train, 1 on active recovery" in text
    assert "chest 1.5, quads 2.0" in text and "program week 2" in text
    assert "pain" not in text.lower() and "joints" not in text.lower()


@pytest.mark.parametrize("people", range(MIN_SHARED))
def test_too_few_answers_are_never_shown(people: int) -> None:
    summary = cohort_summary(
        members=5,
        checkin_levels=[{"chest": 4}] * people,
        verdicts=["active-recovery"] * people,
        week=1,
    )
    assert summary.ready is None and summary.soreness is None
    text = summary_text(summary, date(2026, 11, 30))
    assert "chest" not in text.lower() and "active recovery" not in text


async def test_the_group_summary_reveals_no_ones_answers(
    chat_as: Callable[..., Chat], coach: Coach
) -> None:
    await in_group(chat_as, "ann", "-100", admin=True).say(START)
    answers = {"bob": 4, "cat": 1, "dan": 1}
    for name in answers:
        await in_group(chat_as, name, "-100").say("/join")
    for name, level in answers.items():
        await add_past(coach, name, 0, {"chest": level, "lower_back": 4})
    await add_verdict(coach, "bob", "stop-sharp-pain")
    await add_verdict(coach, "cat", "train")
    await add_verdict(coach, "dan", "active-recovery")
    asker = in_group(chat_as, "cat", "-100")
    await asker.say("/summary")
    text = asker.text
    assert "3 of 3 checked in" in text
    assert "chest 2.0" in text  # the average, never 4 or 1
    for private in ("Bob", "Cat", "Dan", "bob", "pain", "lower back", "stop", "chest 4"):
        assert private not in text
    assert "readiness is shared once" in text  # only two non-red-flag checks today
    assert not any(r.private for r in asker.last)


async def test_one_person_in_two_cohorts(chat_as: Callable[..., Chat], coach: Coach) -> None:
    await in_group(chat_as, "ann", "-100", admin=True).say(START)
    await in_group(chat_as, "zed", "-200", admin=True).say(
        "/cohort start 2026-11-30 tue,thu 07:00 America/New_York"
    )
    first = in_group(chat_as, "bob", "-100")
    second = in_group(chat_as, "bob", "-200")
    await first.say("/join")
    await second.say("/join")
    assert "Welcome to the cohort" in second.text
    await first.say("/cohort")
    assert "1 member." in first.text and "Mon, Wed, Fri" in first.text
    await second.say("/cohort")
    assert "1 member." in second.text and "Tue, Thu" in second.text
    await second.say("/leave")
    await first.say("/cohort")
    assert "1 member." in first.text
    async with coach.db.transaction() as conn:
        memberships = (await conn.execute(select(cohort_members))).all()
    assert len(memberships) == 1


async def test_removing_the_bot_removes_the_cohort(
    chat_as: Callable[..., Chat], coach: Coach
) -> None:
    await in_group(chat_as, "ann", "-100", admin=True).say(START)
    await in_group(chat_as, "zed", "-200", admin=True).say(START)
    member = in_group(chat_as, "bob", "-100")
    await member.say("/join")
    await in_group(chat_as, "bob", "-200").say("/join")
    async with coach.db.transaction() as conn:
        assert await remove_cohort_for_chat(conn, "test", "-100")
        assert not await remove_cohort_for_chat(conn, "test", "-100")
    await member.say("/cohort")
    assert "no cohort in this chat" in member.text
    async with coach.db.transaction() as conn:
        left = (await conn.execute(select(cohorts.c.chat_id))).scalars().all()
        members = (await conn.execute(select(cohort_members))).all()
    assert left == ["-200"] and len(members) == 1
    other = in_group(chat_as, "bob", "-200")
    await other.say("/cohort")
    assert "1 member." in other.text


async def test_the_private_deep_link_completes_a_join_and_refuses_a_dead_one(
    chat_as: Callable[..., Chat], coach: Coach
) -> None:
    await in_group(chat_as, "ann", "-100", admin=True).say(START)
    member = in_group(chat_as, "bob", "-100")
    await member.say("/join")
    link = member.last[1].link
    assert link.startswith("join-")

    private = chat_as("bob")
    await private.say(f"/start {link}")
    assert "follows the cohort's plan" in private.text and "Week 2" in private.text
    for dead in ("join-999", "join-abc", "join-"):
        await private.say(f"/start {dead}")
        assert "out of date" in private.text
    await private.say("/start nothing-like-this")
    assert "/help" in private.text or "Check in" in str(private.last)


async def test_a_chat_gone_ends_its_cohort_and_pauses_only_users_with_reminders(
    chat_as: Callable[..., Chat], coach: Coach
) -> None:
    await in_group(chat_as, "ann", "-100", admin=True).say(START)
    await chat_as("bob").say("/remind checkin 07:30")
    await chat_as("cid").say("/start")
    await chat_unreachable(coach.db, ChatRef("test", "-100", is_group=True))
    await chat_unreachable(coach.db, ChatRef("test", "bob"))
    await chat_unreachable(coach.db, ChatRef("test", "cid"))
    async with coach.db.transaction() as conn:
        assert (await conn.execute(select(cohorts))).first() is None
        result = await conn.execute(select(users.c.platform_user_id, users.c.unreachable))
        flags = {row.platform_user_id: row.unreachable for row in result}
    assert flags["bob"] is True and flags["cid"] is False


async def test_an_admin_stops_the_cohort(chat_as: Callable[..., Chat]) -> None:
    admin = in_group(chat_as, "ann", "-100", admin=True)
    await admin.say(START)
    await in_group(chat_as, "bob", "-100").say("/join")
    await admin.say("/cohort stop")
    assert "Cohort ended" in admin.text
    await admin.say("/summary")
    assert "no cohort in this chat" in admin.text
    await admin.say(START)
    assert "Cohort started" in admin.text


async def group_posts(coach: Coach) -> list[tuple[str, str]]:
    async with coach.db.transaction() as conn:
        result = await conn.execute(
            select(outbox.c.chat_id, outbox.c.message, outbox.c.is_group).order_by(outbox.c.id)
        )
        return [(row.chat_id, decode_reply(row.message).text) for row in result if row.is_group]


async def test_the_group_gets_a_workout_reminder_and_an_end_of_day_summary_once(
    chat_as: Callable[..., Chat], coach: Coach
) -> None:
    # Monday 30 Nov 2026, week 2; reminders at 18:00 and the summary at 21:00 in Berlin (UTC+1).
    await in_group(chat_as, "ann", "-100", admin=True).say(START)
    for name, level in {"bob": 3, "cat": 1, "dan": 2}.items():
        await in_group(chat_as, name, "-100").say("/join")
        await add_past(coach, name, 0, {"quads": level})
    before = datetime(2026, 11, 30, 16, 59, tzinfo=UTC)
    await coach.tick(before)
    assert await group_posts(coach) == []
    for minute in (0, 5):
        await coach.tick(datetime(2026, 11, 30, 17, minute, tzinfo=UTC))
    posts = await group_posts(coach)
    assert len(posts) == 1 and posts[0][0] == "-100"
    assert "Workout day for the cohort! Week 2" in posts[0][1]
    await coach.tick(datetime(2026, 11, 30, 20, 0, tzinfo=UTC))
    await coach.tick(datetime(2026, 11, 30, 20, 1, tzinfo=UTC))
    posts = await group_posts(coach)
    assert len(posts) == 2
    summary = posts[1][1]
    assert "3 of 3 checked in" in summary and "quads 2.0" in summary
    assert "Bob" not in summary and "quads 3" not in summary and "quads 1" not in summary
    # Tuesday is not a training day: no workout post, and a summary only at day's end.
    await coach.tick(datetime(2026, 12, 1, 17, 0, tzinfo=UTC))
    assert len(await group_posts(coach)) == 2


async def test_a_removed_cohort_posts_nothing_more(
    chat_as: Callable[..., Chat], coach: Coach
) -> None:
    await in_group(chat_as, "ann", "-100", admin=True).say(START)
    await in_group(chat_as, "bob", "-100").say("/join")
    async with coach.db.transaction() as conn:
        await remove_cohort_for_chat(conn, "test", "-100")
    await coach.tick(datetime(2026, 11, 30, 17, 0, tzinfo=UTC))
    await coach.tick(datetime(2026, 11, 30, 20, 0, tzinfo=UTC))
    assert await group_posts(coach) == []


async def test_the_check_in_button_sends_people_to_a_private_chat(
    chat_as: Callable[..., Chat],
) -> None:
    member = in_group(chat_as, "bob", "-100")
    await member.send_payload("cohort:checkin")
    assert "private chat" in member.text and "/checkin" in member.text
