"""Data retention: records older than RETENTION_DAYS are deleted by a daily job; recent
ones, messages still waiting to go out and the user's settings stay."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select, update

from bot.app import start_scheduler
from bot.settings import Settings
from core.delivery.outbox import encode_reply
from core.engine.coach import Coach
from core.events import Reply
from core.storage.db import Database
from core.storage.housekeeping import prune_old_records
from core.storage.schema import checkins, outbox, pain_reports, readiness_checks, users
from tests.conftest import NOON, Chat, add_past, user_id

YEAR = timedelta(days=365)


async def counts(db: Database) -> dict[str, int]:
    async with db.transaction() as conn:
        return {
            t.name: int(await conn.scalar(select(func.count()).select_from(t)) or 0)
            for t in (checkins, readiness_checks, pain_reports, outbox, users)
        }


async def test_old_records_are_pruned_and_recent_ones_kept(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    chat = chat_as()
    await chat.say("/timezone Europe/Berlin")
    await chat.say("/checkin quads 2")
    await chat.say("/pain dull ache in my quads two days after squats")
    await chat.say("/ready")
    await chat.press("Still sore")
    await chat.press("No")
    await chat.press("Stronger")
    await add_past(coach, "u1", 400, {"quads": 4})
    uid = await user_id(coach, "u1")
    old = NOON - timedelta(days=400)
    async with coach.db.transaction() as conn:
        await conn.execute(
            insert(pain_reports).values(user_id=uid, at=old, description="old knee", kind="doms")
        )
        await conn.execute(update(readiness_checks).values(at=old, day=old.date()))
        for key, sent in (("sent", old), ("waiting", None)):
            await conn.execute(
                insert(outbox).values(
                    dedupe_key=key,
                    user_id=uid,
                    platform="test",
                    chat_id="u1",
                    message=encode_reply(Reply("Leg day")),
                    created_at=old,
                    not_before=old,
                    sent_at=sent,
                )
            )
    before = await counts(coach.db)
    assert before == {
        "checkins": 2,
        "readiness_checks": 1,
        "pain_reports": 2,
        "outbox": 2,
        "users": 1,
    }

    deleted = await prune_old_records(coach.db, YEAR, now=NOON)
    assert deleted == {
        "checkins": 1,
        "readiness_checks": 1,
        "pain_reports": 1,
        "conversations": 0,
        "outbox": 1,
    }
    assert await counts(coach.db) == {
        "checkins": 1,
        "readiness_checks": 0,
        "pain_reports": 1,
        "outbox": 1,  # the one still waiting to go out
        "users": 1,  # settings stay until /forget
    }
    await chat.say("/history")
    assert "Today" in chat.text  # what is recent is untouched
    await chat.say("/timezone")
    assert "Europe/Berlin" in chat.text


async def test_the_retention_job_runs_only_when_configured(coach: Coach) -> None:
    for days, expected in ((30, True), (0, False)):
        scheduler = start_scheduler(coach, Settings(retention_days=days), paused=True)
        try:
            job = scheduler.get_job("retention")
            assert (job is not None) is expected
            if job is not None:
                assert job.args[1] == timedelta(days=30)
                assert job.next_run_time > datetime.now(UTC)
        finally:
            scheduler.shutdown(wait=False)


async def test_a_question_left_unanswered_is_cleared_and_a_recent_one_kept(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    gone, kept = chat_as("gone"), chat_as("kept")
    for chat in (gone, kept):
        await chat.say("/timezone Europe/Berlin")
        await chat.say("/ready")
    async with coach.db.transaction() as conn:
        await conn.execute(
            update(users)
            .where(users.c.platform_user_id == "gone")
            .values(convo_updated_at=NOON - timedelta(days=400))
        )

    deleted = await prune_old_records(coach.db, YEAR, now=NOON)
    assert deleted["conversations"] == 1
    await gone.press("Still sore")
    assert "earlier question" in gone.text  # the old question is gone
    await gone.say("/timezone")
    assert "Europe/Berlin" in gone.text  # and the settings stay
    await kept.press("Still sore")
    assert "sharp pain" in kept.text.lower()  # the recent one carries on
