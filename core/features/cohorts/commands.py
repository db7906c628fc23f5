"""Cohorts: people starting one program together in one group chat.

A chat admin (the platform's own admin rights, looked up by the adapter into
`ChatRef.user_is_admin`) runs `/cohort start` with the program's first day, its
training days, a reminder time and the cohort's time zone; members `/join` and
`/leave`. Joining links the member's private coaching to the cohort's program: their
program start and training days become the cohort's, so workout reminders follow the
cohort's plan and week.

Privacy: group text is only ever about the cohort as a whole (`core.rules.cohorts`).
Anything about one member goes to them privately.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import delete

from core.engine.coach import Coach, Command
from core.engine.turn import Replies, Turn
from core.events import Button, Reply, rows
from core.features.cohorts.posts import day_summary, queue_cohort_posts
from core.rules.cohorts import StartArgs, parse_start
from core.rules.program import format_day, program_for
from core.rules.schedule import DAY_NAMES, next_monday
from core.storage.cohorts import (
    Cohort,
    cohort_by_id,
    cohort_in_chat,
    member_count,
    remove_cohort_for_chat,
)
from core.storage.reminders import WORKOUT, follow_training_days, user_reminders
from core.storage.schema import cohort_members, cohorts, utcnow
from core.storage.sql import insert_ignoring_duplicates
from core.storage.users import set_user_fields

DEFAULT_DAYS = (0, 2, 4)
DEFAULT_AT = "18:00"

USAGE = (
    "To start a cohort, an admin sends:\n"
    "/cohort start <first day YYYY-MM-DD> <training days, e.g. mon,wed,fri> "
    "<reminder time HH:MM> <time zone Area/City>\n"
    "e.g. /cohort start 2026-12-07 mon,wed,fri 18:00 Europe/Berlin\n"
    "or press the button for next Monday, Mon/Wed/Fri at 18:00 in your time zone."
)
ADMINS_ONLY = "Only this chat's admins can {what} a cohort. Ask an admin of the group to do it."
NO_COHORT = "There's no cohort in this chat yet. An admin can start one with /cohort start."


async def cohort_here(turn: Turn) -> Cohort | None:
    """The cohort of the chat this event came from."""
    chat = turn.event.chat
    return await cohort_in_chat(turn.conn, chat.platform, chat.chat_id)


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
        coach.due_work(queue_cohort_posts)
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
        await follow_training_days(turn.conn, turn.user, days, timezone=turn.tz.key, now=turn.now)
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
            monday = next_monday(turn.today)
            return await self._create(
                turn, StartArgs(monday, DEFAULT_DAYS, DEFAULT_AT, turn.tz.key)
            )
        return [Reply("That cohort button is out of date. Send /cohort.")]
