"""Cohorts: people starting one program together in one group chat.

A chat admin (the platform's own admin rights, looked up by the adapter into
`ChatRef.user_is_admin`) runs `/cohort start` with the program's first day, its
training days, a reminder time and the cohort's time zone; members `/join` and
`/leave`. Joining links the member's private coaching to the cohort's program: their
program start and training days become the cohort's, so workout reminders follow the
cohort's plan and week.

Privacy: group text is only ever about the cohort as a whole. `cohort_summary` works on
counts and averages, shows averages and readiness counts only when enough people
contributed that no one's answers can be read off (`MIN_SHARED`), and never mentions
sharp-pain stops or other red flags. Anything about one member goes to them privately.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.coach import Coach, Command
from core.events import Button, Reply, rows
from core.outbox import encode_reply
from core.program import format_day, program_for
from core.program_feature import DAY_NAMES, follow_training_days, parse_days
from core.readiness import VerdictKind
from core.reminders import DEFAULT_GRACE, WORKOUT, user_reminders
from core.schema import (
    checkins,
    cohort_members,
    cohorts,
    outbox,
    readiness_checks,
    utcnow,
)
from core.soreness import AREA_LABELS, MUSCLE_GROUPS
from core.sql import insert_ignoring_duplicates
from core.timezones import lookup_zone, zone_or_utc
from core.turn import Replies, Turn
from core.users import set_user_fields

# Group numbers are shown only when at least this many people are behind them.
MIN_SHARED = 3
DEFAULT_DAYS = (0, 2, 4)
DEFAULT_AT = "18:00"
# When the day's summary goes to the group, in the cohort's zone.
END_OF_DAY = time(21, 0)
READY_VERDICTS = frozenset({VerdictKind.TRAIN.value, VerdictKind.TRAIN_FIX_RECOVERY.value})
RECOVERY_VERDICTS = frozenset({VerdictKind.ACTIVE_RECOVERY.value})

USAGE = (
    "To start a cohort, an admin sends:\n"
    "/cohort start <first day YYYY-MM-DD> <training days, e.g. mon,wed,fri> "
    "<reminder time HH:MM> <time zone Area/City>\n"
    "e.g. /cohort start 2026-12-07 mon,wed,fri 18:00 Europe/Berlin\n"
    "or press the button for next Monday, Mon/Wed/Fri at 18:00 in your time zone."
)
ADMINS_ONLY = "Only this chat's admins can {what} a cohort. Ask an admin of the group to do it."
NO_COHORT = "There's no cohort in this chat yet. An admin can start one with /cohort start."


@dataclass(frozen=True, slots=True)
class Cohort:
    id: int
    platform: str
    chat_id: str
    start: date
    days: tuple[int, ...]
    at: str
    timezone: str

    def today(self, now: datetime) -> date:
        return now.astimezone(zone_or_utc(self.timezone)).date()

    def week(self, now: datetime) -> int:
        return program_for(self.start, self.today(now), self.days).week


@dataclass(frozen=True, slots=True)
class CohortSummary:
    """A day of a cohort in numbers. `ready`, `recovery` and `soreness` are None when too
    few people contributed to share them without pointing at someone."""

    members: int
    checked_in: int
    ready: int | None
    recovery: int | None
    soreness: dict[str, float] | None
    week: int


def cohort_summary(
    *,
    members: int,
    checkin_levels: Sequence[Mapping[str, int]],
    verdicts: Iterable[str],
    week: int,
) -> CohortSummary:
    """Counts and averages for one cohort day, from each member's check-in levels and each
    member's latest readiness verdict that day. Red-flag verdicts are left out entirely;
    joints and lower back are not muscle groups and stay out of group text."""
    counted = [v for v in verdicts if v in READY_VERDICTS or v in RECOVERY_VERDICTS]
    ready = sum(1 for v in counted if v in READY_VERDICTS)
    shared = len(counted) >= MIN_SHARED
    soreness: dict[str, float] | None = None
    if len(checkin_levels) >= MIN_SHARED:
        soreness = {}
        for group in MUSCLE_GROUPS:
            values = [lv[group] for lv in checkin_levels if isinstance(lv.get(group), int)]
            if len(values) >= MIN_SHARED:
                soreness[group] = round(sum(values) / len(values), 1)
    return CohortSummary(
        members=members,
        checked_in=len(checkin_levels),
        ready=ready if shared else None,
        recovery=len(counted) - ready if shared else None,
        soreness=soreness,
        week=week,
    )


def summary_text(summary: CohortSummary, day: date) -> str:
    week = f"program week {summary.week}" if summary.week >= 1 else "before the program starts"
    lines = [
        f"Cohort summary for {format_day(day)} ({week}):",
        f"• {summary.checked_in} of {summary.members} checked in",
    ]
    if summary.ready is not None and summary.recovery is not None:
        lines.append(f"• {summary.ready} ready to train, {summary.recovery} on active recovery")
    else:
        lines.append(f"• readiness is shared once at least {MIN_SHARED} people have checked")
    if summary.soreness:
        shown = ", ".join(
            f"{AREA_LABELS[g].lower()} {v:.1f}" for g, v in sorted(summary.soreness.items())
        )
        lines.append(f"• average soreness (0-4): {shown}")
    elif summary.soreness is None:
        lines.append(f"• average soreness is shared once at least {MIN_SHARED} have checked in")
    lines.append("Check in privately with me to count towards tomorrow's picture.")
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class StartArgs:
    start: date
    days: tuple[int, ...]
    at: str
    timezone: str


def parse_start(args: str) -> StartArgs | str:
    """`<YYYY-MM-DD> <days> <HH:MM> <Area/City>` in any order, or what is wrong."""
    start: date | None = None
    at: str | None = None
    zone: str | None = None
    day_words: list[str] = []
    for token in args.split():
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", token):
            try:
                start = date.fromisoformat(token)
            except ValueError:
                return f"{token} isn't a date I can read — use YYYY-MM-DD."
        elif re.fullmatch(r"\d{1,2}:\d{2}", token):
            try:
                at = time.fromisoformat(token.zfill(5)).strftime("%H:%M")
            except ValueError:
                return f"{token} isn't a time I can read — use HH:MM, e.g. 18:00."
        elif "/" in token or token.upper() == "UTC":
            found = lookup_zone(token)
            if found.zone is None:
                return (
                    f"I don't know the time zone {token[:40]} — use Area/City, e.g. Europe/Berlin."
                )
            zone = found.zone
        else:
            day_words.append(token)
    days: tuple[int, ...] | None = None
    if day_words:
        chosen, unknown = parse_days(" ".join(day_words))
        days = tuple(chosen) if chosen and not unknown else None
    if start is None or at is None or zone is None or days is None:
        return "I need all four: first day, training days, reminder time and time zone."
    return StartArgs(start, days, at, zone)


async def cohort_in_chat(conn: AsyncConnection, platform: str, chat_id: str) -> Cohort | None:
    return await _active_cohort(conn, cohorts.c.platform == platform, cohorts.c.chat_id == chat_id)


async def cohort_here(turn: Turn) -> Cohort | None:
    """The cohort of the chat this event came from."""
    chat = turn.event.chat
    return await cohort_in_chat(turn.conn, chat.platform, chat.chat_id)


async def cohort_by_id(conn: AsyncConnection, cohort_id: int) -> Cohort | None:
    return await _active_cohort(conn, cohorts.c.id == cohort_id)


async def _active_cohort(conn: AsyncConnection, *where: ColumnElement[bool]) -> Cohort | None:
    row = (await conn.execute(select(cohorts).where(*where, cohorts.c.active.is_(True)))).first()
    return None if row is None else _cohort(row)


def _cohort(row: Any) -> Cohort:
    return Cohort(
        row.id, row.platform, row.chat_id, row.start, tuple(row.days), row.at, row.timezone
    )


async def remove_cohort_for_chat(conn: AsyncConnection, platform: str, chat_id: str) -> bool:
    """The chat removed the bot (or an admin stopped the cohort): delete the cohort and its
    member list. Members' own records stay theirs. True when there was one."""
    ids = list(
        (
            await conn.execute(
                select(cohorts.c.id).where(
                    cohorts.c.platform == platform, cohorts.c.chat_id == chat_id
                )
            )
        ).scalars()
    )
    if not ids:
        return False
    await conn.execute(delete(cohort_members).where(cohort_members.c.cohort_id.in_(ids)))
    await conn.execute(
        delete(outbox).where(
            outbox.c.platform == platform,
            outbox.c.chat_id == chat_id,
            outbox.c.user_id.is_(None),
            outbox.c.sent_at.is_(None),
        )
    )
    await conn.execute(delete(cohorts).where(cohorts.c.id.in_(ids)))
    return True


async def member_count(conn: AsyncConnection, cohort_id: int) -> int:
    query = select(func.count()).where(cohort_members.c.cohort_id == cohort_id)
    return int(await conn.scalar(query) or 0)


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


def describe(cohort: Cohort, members: int, now: datetime) -> str:
    days = ", ".join(DAY_NAMES[d] for d in cohort.days)
    week = program_for(cohort.start, cohort.today(now), cohort.days)
    return (
        f"This chat's cohort: program from {format_day(cohort.start)}, training {days}, "
        f"reminders at {cohort.at} ({cohort.timezone}). {members} member"
        f"{'' if members == 1 else 's'}. "
        + (f"Now in week {week.week}." if week.started else "Not started yet.")
        + "\nJoin with /join, leave with /leave, /summary for today's picture."
    )


JOIN_BUTTON = rows(Button("Join the cohort", "cohort:join"))
CHECKIN_PRIVATELY = rows(Button("Check in privately", "cohort:checkin"))


def workout_post(cohort: Cohort, day: date) -> Reply:
    """The group's workout-day reminder: the cohort's plan, nothing about anyone."""
    week = program_for(cohort.start, day, cohort.days)
    return Reply(f"Workout day for the cohort! {week.describe()}", CHECKIN_PRIVATELY)


async def queue_cohort_posts(
    conn: AsyncConnection, now: datetime, *, grace: timedelta = DEFAULT_GRACE
) -> int:
    """Queue each cohort's workout-day reminder (at its reminder time, on training days) and
    its end-of-day summary (at END_OF_DAY) as outbox rows for the group chat. The dedupe key
    names the cohort, the kind and the local day, so every tick within the grace period
    after the due time queues it at most once; later ticks skip it, as personal reminders
    past their grace are skipped."""
    result = await conn.execute(select(cohorts).where(cohorts.c.active.is_(True)))
    found = [_cohort(row) for row in result]
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
        return 0
    added = await conn.execute(insert_ignoring_duplicates(conn, outbox), messages)
    return max(int(added.rowcount or 0), 0)


class Cohorts:
    def install(self, coach: Coach) -> None:
        for command in (
            Command("cohort", "Show, start or stop this chat's cohort", self.cohort),
            Command("join", "Join this chat's cohort", self.join),
            Command("leave", "Leave this chat's cohort", self.leave),
            Command("summary", "Today's cohort summary", self.summary),
        ):
            coach.command(
                Command(
                    command.name, command.summary, command.handler, in_groups=True, in_private=False
                )
            )
        coach.button("cohort", self.press)
        coach.link("join", self.join_by_link)

    async def cohort(self, turn: Turn, args: str) -> Replies:
        verb, _, rest = args.strip().partition(" ")
        verb = verb.lower()
        if verb == "start":
            return await self.start(turn, rest.strip())
        if verb == "stop":
            return await self.stop(turn)
        found = await cohort_here(turn)
        if found is None:
            return [Reply(NO_COHORT)]
        count = await member_count(turn.conn, found.id)
        return [Reply(describe(found, count, turn.now), JOIN_BUTTON)]

    async def start(self, turn: Turn, args: str) -> Replies:
        if not turn.event.chat.user_is_admin:
            return [Reply(ADMINS_ONLY.format(what="start"))]
        if await cohort_here(turn) is not None:
            return [
                Reply("This chat already has a cohort — /cohort shows it, /cohort stop ends it.")
            ]
        if not args:
            return [Reply(USAGE, rows(Button("Next Monday, Mon/Wed/Fri 18:00", "cohort:quick")))]
        parsed = parse_start(args)
        if isinstance(parsed, str):
            return [Reply(f"{parsed}\n\n{USAGE}")]
        return await self._create(turn, parsed)

    async def _create(self, turn: Turn, parsed: StartArgs) -> Replies:
        chat = turn.event.chat
        await turn.conn.execute(
            cohorts.insert().values(
                platform=chat.platform,
                chat_id=chat.chat_id,
                start=parsed.start,
                days=list(parsed.days),
                at=parsed.at,
                timezone=parsed.timezone,
                active=True,
                created_at=utcnow(),
            )
        )
        found = await cohort_here(turn)
        assert found is not None
        return [Reply("Cohort started!\n" + describe(found, 0, turn.now), JOIN_BUTTON)]

    async def stop(self, turn: Turn) -> Replies:
        chat = turn.event.chat
        if not chat.user_is_admin:
            return [Reply(ADMINS_ONLY.format(what="stop"))]
        if not await remove_cohort_for_chat(turn.conn, chat.platform, chat.chat_id):
            return [Reply(NO_COHORT)]
        return [
            Reply(
                "Cohort ended. Everyone keeps their own plan and records with me in private chat."
            )
        ]

    async def join(self, turn: Turn, args: str) -> Replies:
        found = await cohort_here(turn)
        if found is None:
            return [Reply(NO_COHORT)]
        name = turn.user.display_name or "there"
        if not await self._enrol(turn, found):
            return [Reply(f"You're already in this cohort, {name}. /leave to leave it.")]
        details = await self._your_plan(turn, found)
        return [
            Reply(
                f"Welcome to the cohort, {name}! I've sent your details privately — check "
                "in with me in a private chat to count towards the group's picture."
            ),
            replace(details, private=True, link=f"join-{found.id}"),
        ]

    async def join_by_link(self, turn: Turn, arg: str) -> Replies:
        """`/start join-<id>` in the private chat: the deep link a group `/join` offers to
        someone the bot could not message yet (Telegram). Joining twice is harmless."""
        found = await cohort_by_id(turn.conn, int(arg)) if arg.isdigit() else None
        if found is None or found.platform != turn.event.chat.platform:
            return [Reply("That cohort has ended or the link is out of date. Ask in the group.")]
        await self._enrol(turn, found)
        return [await self._your_plan(turn, found)]

    async def _enrol(self, turn: Turn, found: Cohort) -> bool:
        """Add the user to the cohort and move their program and workout reminders onto
        the cohort's. False if they were in already."""
        added = await turn.conn.execute(
            insert_ignoring_duplicates(turn.conn, cohort_members).values(
                cohort_id=found.id, user_id=turn.user.id, joined_at=utcnow()
            )
        )
        if added.rowcount == 0:
            return False
        days = list(found.days)
        await set_user_fields(turn.conn, turn.user, program_start=found.start, training_days=days)
        await follow_training_days(turn, days)
        return True

    async def _your_plan(self, turn: Turn, found: Cohort) -> Reply:
        """What joining means for this member: for their eyes only."""
        week = program_for(found.start, found.today(turn.now), found.days)
        reminder_note = (
            "Your workout reminders follow the cohort's training days."
            if WORKOUT in await user_reminders(turn.conn, turn.user.id)
            else "Turn on workout reminders with /remind here; they'll follow the cohort's days."
        )
        return Reply(
            "You joined the cohort. Your program now follows the cohort's plan: "
            f"{week.describe()}\n{reminder_note}\n"
            "Your check-ins and readiness stay private; the group only sees totals "
            "and averages."
        )

    async def leave(self, turn: Turn, args: str) -> Replies:
        found = await cohort_here(turn)
        if found is None:
            return [Reply(NO_COHORT)]
        gone = await turn.conn.execute(
            delete(cohort_members).where(
                cohort_members.c.cohort_id == found.id, cohort_members.c.user_id == turn.user.id
            )
        )
        if gone.rowcount == 0:
            return [Reply("You're not in this cohort. /join to join it.")]
        return [Reply("You've left the cohort. Your own plan and records stay with you.")]

    async def summary(self, turn: Turn, args: str) -> Replies:
        found = await cohort_here(turn)
        if found is None:
            return [Reply(NO_COHORT)]
        return [Reply(await day_summary(turn.conn, found, turn.now))]

    async def press(self, turn: Turn, arg: str) -> Replies:
        if not turn.event.chat.is_group:
            return [Reply("Cohort buttons work in the cohort's group chat.")]
        if arg == "join":
            return await self.join(turn, "")
        if arg == "checkin":
            return [
                Reply(
                    "Check in with me in a private chat: open it and send /checkin. "
                    "Your answers stay between us; the group only sees totals."
                )
            ]
        if arg == "quick":
            if not turn.event.chat.user_is_admin:
                return [Reply(ADMINS_ONLY.format(what="start"))]
            if await cohort_here(turn) is not None:
                return [Reply("This chat already has a cohort — /cohort shows it.")]
            today = turn.today
            monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
            return await self._create(
                turn, StartArgs(monday, DEFAULT_DAYS, DEFAULT_AT, turn.tz.key)
            )
        return [Reply("That cohort button is out of date. Send /cohort.")]
