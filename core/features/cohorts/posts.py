"""What a cohort's group chat gets on its own: the workout-day reminder with the day's plan,
and the end-of-day summary. Queued as outbox rows on each scheduler tick."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.delivery.outbox import encode_reply
from core.engine.ticks import TickResult
from core.events import Button, Reply, rows
from core.rules.cohorts import cohort_summary, summary_text
from core.rules.program import program_for
from core.rules.timezones import zone_or_utc
from core.storage.cohorts import Cohort, active_cohorts, member_count
from core.storage.schema import checkins, cohort_members, outbox, readiness_checks
from core.storage.sql import insert_ignoring_duplicates

# When the day's summary goes to the group, in the cohort's zone.
END_OF_DAY = time(21, 0)
CHECKIN_PRIVATELY = rows(Button("Check in privately", "cohort:checkin"))


async def day_summary(conn: AsyncConnection, cohort: Cohort, now: datetime) -> str:
    day = cohort.today(now)
    members = select(cohort_members.c.user_id).where(cohort_members.c.cohort_id == cohort.id)
    levels = [
        dict(row.levels or {})
        for row in await conn.execute(
            select(checkins.c.levels).where(checkins.c.day == day, checkins.c.user_id.in_(members))
        )
    ]
    latest: dict[int, str] = {}
    checks = (
        select(readiness_checks.c.user_id, readiness_checks.c.verdict)
        .where(readiness_checks.c.day == day, readiness_checks.c.user_id.in_(members))
        .order_by(readiness_checks.c.at, readiness_checks.c.id)
    )
    for row in await conn.execute(checks):
        latest[row.user_id] = row.verdict
    summary = cohort_summary(
        members=await member_count(conn, cohort.id),
        checkin_levels=levels,
        verdicts=latest.values(),
        week=cohort.week(now),
    )
    return summary_text(summary, day)


def workout_post(cohort: Cohort, day: date) -> Reply:
    """The group's workout-day reminder: the cohort's plan, nothing about anyone."""
    week = program_for(cohort.start, day, cohort.days)
    return Reply(f"Workout day for the cohort! {week.describe()}", CHECKIN_PRIVATELY)


async def queue_cohort_posts(conn: AsyncConnection, now: datetime, grace: timedelta) -> TickResult:
    """Queue each cohort's workout-day reminder (at its reminder time, on training days) and
    its end-of-day summary (at END_OF_DAY) as outbox rows for the group chat. The dedupe key
    names the cohort, the kind and the local day, so every tick within the grace period
    after the due time queues it at most once; later ticks skip it, as personal reminders
    past their grace are skipped."""
    found = await active_cohorts(conn)
    messages: list[dict[str, object]] = []
    for cohort in found:
        tz = zone_or_utc(cohort.timezone)
        day = now.astimezone(tz).date()
        if day < cohort.start:
            continue
        posts: list[tuple[str, Reply]] = []
        at = datetime.combine(day, time.fromisoformat(cohort.at), tz)
        if day.weekday() in cohort.days and at <= now <= at + grace:
            posts.append(("w", workout_post(cohort, day)))
        end = datetime.combine(day, END_OF_DAY, tz)
        if end <= now <= end + grace and await member_count(conn, cohort.id):
            posts.append(("s", Reply(await day_summary(conn, cohort, now))))
        for kind, reply in posts:
            messages.append(
                {
                    "dedupe_key": f"c{cohort.id}:{kind}:{day.isoformat()}",
                    "user_id": None,
                    "platform": cohort.platform,
                    "chat_id": cohort.chat_id,
                    "is_group": True,
                    "message": encode_reply(reply),
                    "created_at": now,
                    "not_before": now,
                }
            )
    if not messages:
        return TickResult(0, 0, 0)
    added = await conn.execute(insert_ignoring_duplicates(conn, outbox), messages)
    return TickResult(0, max(int(added.rowcount or 0), 0), 0)
