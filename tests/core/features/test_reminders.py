"""Reminders arrive once, on time, in each user's zone — across restarts and schedulers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from core.delivery.outbox import Outbox, decode_reply
from core.delivery.platform import RetryLater, Unreachable
from core.engine.coach import Coach
from core.events import ChatRef, Reply
from core.storage.db import Database
from core.storage.schema import outbox, reminders, users
from tests.conftest import Chat, coach_process

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # 11:00 in Berlin


async def queued(db: Database) -> list[tuple[str, Reply]]:
    async with db.transaction() as conn:
        result = await conn.execute(select(outbox).order_by(outbox.c.id))
        return [(r.chat_id, decode_reply(r.message)) for r in result]


async def next_due_of(db: Database, user: str) -> list[datetime | None]:
    async with db.transaction() as conn:
        result = await conn.execute(
            select(reminders.c.next_due_at)
            .join(users, users.c.id == reminders.c.user_id)
            .where(users.c.platform_user_id == user)
            .order_by(reminders.c.kind)
        )
        return [r[0] for r in result]


async def berlin_user(chat_as: Callable[..., Chat], name: str, at: str = "07:30") -> Chat:
    chat = chat_as(name)
    chat.when = MONDAY
    await chat.say("/timezone Europe/Berlin")
    await chat.say(f"/remind checkin {at}")
    return chat


async def test_checkin_prompt_goes_out_once_at_local_time(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = await berlin_user(chat_as, "ana")
    assert "07:30 every day" in chat.text and "Tue 01 Dec 07:30" in chat.text
    due = datetime(2026, 12, 1, 6, 30, tzinfo=UTC)  # 07:30 Berlin
    assert (await coach.tick(due - timedelta(seconds=1))).queued == 0
    assert (await coach.tick(due + timedelta(seconds=5))).queued == 1
    assert (await coach.tick(due + timedelta(seconds=20))).queued == 0
    [(chat_id, message)] = await queued(coach.db)
    assert chat_id == "ana" and "How sore are you today?" in message.text
    assert [b.payload for b in message.flat_buttons] == ["checkin:start", "checkin:none"]
    [next_time] = await next_due_of(coach.db, "ana")
    assert next_time is not None
    assert next_time.replace(tzinfo=UTC) == datetime(2026, 12, 2, 6, 30, tzinfo=UTC)


async def test_missed_reminder_inside_grace_is_sent_and_outside_is_skipped(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    await berlin_user(chat_as, "in-grace")
    await berlin_user(chat_as, "too-late", at="05:00")
    # The bot was down from 05:00 to 08:10 Berlin: 07:30 is 40 min late, 05:00 is 3 h late.
    result = await coach.tick(datetime(2026, 12, 1, 7, 10, tzinfo=UTC))
    assert (result.claimed, result.queued, result.skipped_late) == (2, 1, 1)
    assert [c for c, _ in await queued(coach.db)] == ["in-grace"]
    # Both are rescheduled for tomorrow, and nothing is sent twice on the next tick.
    assert (await coach.tick(datetime(2026, 12, 1, 7, 11, tzinfo=UTC))).claimed == 0


async def test_restart_between_ticks_sends_nothing_twice(database_url: str) -> None:
    due = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)
    async with coach_process(database_url) as coach:
        chat = Chat(coach, "restart")
        chat.when = MONDAY
        await chat.say("/remind checkin 07:30")
        assert (await coach.tick(due)).queued == 1
    async with coach_process(database_url) as coach:
        assert (await coach.tick(due + timedelta(minutes=1))).queued == 0
        assert len(await queued(coach.db)) == 1


async def test_two_schedulers_ticking_at_once_send_each_reminder_once(
    database_url: str, coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    for n in range(60):
        await berlin_user(chat_as, f"user{n}")
    due = datetime(2026, 12, 1, 6, 31, tzinfo=UTC)
    async with coach_process(database_url) as other:
        results = await asyncio.gather(coach.tick(due), other.tick(due))
    assert sum(r.queued for r in results) == 60
    assert sorted(c for c, _ in await queued(coach.db)) == sorted(f"user{n}" for n in range(60))


async def test_changing_zone_moves_the_reminder_to_the_new_local_time(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = await berlin_user(chat_as, "mover", at="08:00")
    await chat.say("/timezone America/New_York")
    [due] = await next_due_of(coach.db, "mover")
    assert due is not None
    assert (
        due.replace(tzinfo=UTC).astimezone(ZoneInfo("America/New_York")).strftime("%H:%M")
        == "08:00"
    )


async def ticking(coach: Coach, start: datetime, end: datetime) -> list[datetime]:
    """Tick every ten minutes from `start` to `end`: the ticks that queued a message."""
    queued_at: list[datetime] = []
    now = start
    while now < end:
        if (await coach.tick(now)).queued:
            queued_at.append(now)
        now += timedelta(minutes=10)
    return queued_at


async def test_spring_forward_and_fall_back_days_send_once(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as("dst")
    chat.when = datetime(2026, 3, 27, 12, tzinfo=UTC)
    await chat.say("/timezone Europe/Berlin")
    await chat.say("/remind checkin 02:30")
    sent_at = await ticking(
        coach, datetime(2026, 3, 28, tzinfo=UTC), datetime(2026, 3, 30, tzinfo=UTC)
    )
    # Sat 02:30 CET, and on Sunday at 03:00 CEST — the first valid time after the gap.
    local = [t.astimezone(BERLIN).strftime("%a %H:%M") for t in sent_at]
    assert local == ["Sat 02:30", "Sun 03:00"]

    chat.when = datetime(2026, 10, 23, 12, tzinfo=UTC)
    await chat.say("/remind checkin 02:30")
    fall = await ticking(
        coach, datetime(2026, 10, 24, 22, tzinfo=UTC), datetime(2026, 10, 25, 6, tzinfo=UTC)
    )
    assert len(fall) == 1


async def test_away_mode_is_quiet_then_welcomes_back(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = await berlin_user(chat_as, "holiday")
    await chat.say("/pause 3d")
    assert "Thu 03 Dec" in chat.text
    await chat.say("/remind")
    assert "Away until Thu 03 Dec" in chat.text
    for day in (1, 2):
        await coach.tick(datetime(2026, 12, day, 6, 31, tzinfo=UTC))
    assert await queued(coach.db) == []
    await coach.tick(datetime(2026, 12, 3, 6, 31, tzinfo=UTC))
    [(_, message)] = await queued(coach.db)
    assert message.text.startswith("Welcome back!") and "light one" in message.text


async def test_pause_and_resume(coach: Coach, chat_as: Callable[..., Chat]) -> None:
    chat = await berlin_user(chat_as, "pauser")
    await chat.say("/pause")
    assert await next_due_of(coach.db, "pauser") == [None]
    assert (await coach.tick(datetime(2026, 12, 1, 6, 31, tzinfo=UTC))).queued == 0
    await chat.say("/resume")
    assert "back on" in chat.text
    assert (await coach.tick(datetime(2026, 12, 1, 6, 31, tzinfo=UTC))).queued == 1


async def test_no_prompt_after_the_user_already_checked_in(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    from core.storage.schema import checkins

    chat = await berlin_user(chat_as, "early")
    async with coach.db.transaction() as conn:
        uid = await conn.scalar(select(users.c.id).where(users.c.platform_user_id == "early"))
        await conn.execute(
            checkins.insert().values(
                user_id=uid,
                day=datetime(2026, 12, 1).date(),
                levels={"chest": 1},
                created_at=MONDAY,
                updated_at=MONDAY,
            )
        )
    assert chat.sender.user_id == "early"
    result = await coach.tick(datetime(2026, 12, 1, 6, 31, tzinfo=UTC))
    assert (result.claimed, result.queued) == (1, 0)


async def test_remind_forms_and_bad_input(chat_as: Callable[..., Chat]) -> None:
    chat = chat_as("forms")
    chat.when = MONDAY
    for typed, answer in (
        ("/remind workout mon wed fri 18:00", "Mon Wed Fri at 18:00"),
        ("/remind checkin 25:99", "isn't a time I can use"),
        ("/remind workout funday 18:00", "days and a time"),
        ("/pause until 1999-01-01", "after today"),
    ):
        await chat.say(typed)
        assert answer in chat.text, typed
    await chat.say("/remind")
    await chat.press("Check-in time")
    await chat.press("07:00")
    assert "07:00 every day" in chat.text
    await chat.say("/remind nudge on")
    assert "11:00" in chat.text
    # A late check-in reminder is followed by the end of the day, never before it.
    await chat.say("/remind checkin 21:00")
    await chat.say("/remind nudge on")
    assert "by 23:59" in chat.text
    await chat.say("/remind checkin 23:45")
    assert "leaves no room" in chat.text
    await chat.say("/remind off")
    await chat.say("/remind")
    assert "Morning check-in: off" in chat.text and "Workout days: off" in chat.text


class FakePlatform:
    name = "test"

    def __init__(self, script: list[Exception | None]) -> None:
        self.script = script
        self.delivered: list[tuple[str, str]] = []

    async def send(self, chat: ChatRef, reply: Reply) -> None:
        outcome = self.script.pop(0) if self.script else None
        if outcome is not None:
            raise outcome
        self.delivered.append((chat.chat_id, reply.text))


async def test_outbox_waits_out_429_and_stops_writing_to_blocked_users(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    await berlin_user(chat_as, "ok")
    await berlin_user(chat_as, "blocked")
    await coach.tick(datetime(2026, 12, 1, 6, 31, tzinfo=UTC))
    platform = FakePlatform([RetryLater(0.05), None, Unreachable()])
    gone: list[ChatRef] = []

    async def note(chat: ChatRef) -> None:
        gone.append(chat)

    box = Outbox(coach.db, {"test": platform}, on_unreachable=note, concurrency=1)
    later = datetime(2026, 12, 1, 6, 32, tzinfo=UTC)
    assert await box.deliver_once(later) == 2
    assert platform.delivered == [("ok", platform.delivered[0][1])]
    assert box.stats.retried == 1 and box.stats.unreachable == 1
    assert [c.chat_id for c in gone] == ["blocked"]
    assert await next_due_of(coach.db, "blocked") == [None]
    assert await box.deliver_once(later + timedelta(minutes=5)) == 0  # none sent twice
    async with coach.db.transaction() as conn:
        assert await conn.scalar(select(func.count()).where(outbox.c.sent_at.is_not(None))) == 1
    blocked = chat_as("blocked")
    await blocked.say("/help")
    assert "couldn't reach you" in blocked.text and "/resume" in blocked.text


async def test_changing_program_days_moves_the_workout_reminder(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as("mover2")
    chat.when = MONDAY
    await chat.say("/remind workout mon wed fri 18:00")
    await chat.say("/program days tue thu")
    await chat.say("/remind")
    assert "Workout days: Tue Thu at 18:00" in chat.text


async def test_resume_after_a_break_says_the_break_is_over_even_without_reminders(
    chat_as: Callable[..., Chat],
) -> None:
    chat = chat_as("breaker")
    await chat.say("/pause 2w")
    await chat.say("/resume")
    assert "Your break is over" in chat.text
    assert "/remind sets them up" in chat.text
