"""/remind, /pause and /resume: when the coach nudges a user, in their own time zone."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from core.engine.coach import Coach, Command
from core.engine.turn import Replies, Turn
from core.events import Reply
from core.features.reminders.due import queue_reminders
from core.rules.schedule import EVERY_DAY, describe_days, parse_clock, parse_weekdays
from core.storage.reminders import (
    CHECKIN,
    NUDGE,
    WORKOUT,
    Setting,
    delete_reminder,
    reschedule,
    save_reminder,
    user_reminders,
)
from core.storage.users import set_user_fields

MAX_AWAY_DAYS = 365
DEFAULT_CHECKIN_AT = time(8, 0)
# The optional follow-up nudge comes this long after the morning prompt.
NUDGE_AFTER = timedelta(hours=4)
USAGE = (
    "Examples: /remind checkin 07:30 · /remind workout mon wed fri 18:00 · "
    "/remind nudge on · /remind off"
)
CHECKIN_TIMES = ("06:30", "07:00", "08:00", "09:00")
WORKOUT_PRESETS = (
    ("Mon Wed Fri 18:00", "mon wed fri 18:00"),
    ("Tue Thu Sat 18:00", "tue thu sat 18:00"),
)


# The nudge comes the same day, and at least this long after the check-in reminder.
NUDGE_GAP = timedelta(minutes=30)
LAST_NUDGE = time(23, 59)


def _nudge_time(at: time) -> time | None:
    """When the nudge follows a check-in reminder at `at`: four hours later, or by the end
    of the day; None when the reminder is too late in the day to be followed."""
    day = date(2000, 1, 1)
    moment = datetime.combine(day, at) + NUDGE_AFTER
    nudge = moment.time() if moment.date() == day else LAST_NUDGE
    if datetime.combine(day, nudge) - datetime.combine(day, at) < NUDGE_GAP:
        return None
    return nudge


def _no_room(at: time) -> str:
    return (
        f"The nudge follows the check-in reminder the same day, and {at:%H:%M} leaves no room "
        "for it: set the check-in reminder before 23:30 to have one."
    )


class Remind:
    def install(self, coach: Coach) -> None:
        coach.command(Command("remind", "Reminder times and days", self.remind))
        coach.command(Command("pause", "Pause reminders (e.g. /pause 10d)", self.pause))
        coach.command(Command("resume", "Turn reminders back on", self.resume))
        coach.flow(RemindFlow(self))
        coach.due_work(queue_reminders)

    # -- commands -------------------------------------------------------------------

    async def remind(self, turn: Turn, args: str) -> Replies:
        if args:
            return await self.apply(turn, args)
        return [await self.menu(turn)]

    async def menu(self, turn: Turn) -> Reply:
        status = await self.status(turn)
        nudge = "Nudge: turn off" if turn.user.nudge else "Nudge: turn on"
        return turn.ask(
            "remind",
            "menu",
            status,
            [
                ("Check-in time", "checkin"),
                ("Workout days & time", "workout"),
                (nudge, "nudge"),
                ("All off", "off"),
            ],
            data={},
        )

    async def status(self, turn: Turn) -> str:
        settings = await user_reminders(turn.conn, turn.user.id)
        lines = ["Your reminders:"]
        checkin, workout = settings.get(CHECKIN), settings.get(WORKOUT)
        lines.append(
            f"• Morning check-in: {checkin.at:%H:%M} {describe_days(checkin.days)}"
            if checkin
            else "• Morning check-in: off"
        )
        lines.append(
            f"• Workout days: {describe_days(workout.days)} at {workout.at:%H:%M}"
            if workout
            else "• Workout days: off"
        )
        lines.append(
            f"• Follow-up nudge if you haven't checked in: {'on' if turn.user.nudge else 'off'}"
        )
        lines.append(f"Times are in {turn.tz.key}. {self.state(turn)}")
        return "\n".join(lines)

    def state(self, turn: Turn) -> str:
        user = turn.user
        if user.paused:
            return "Paused — send /resume to turn them back on."
        if user.unreachable:
            return "Paused because my messages weren't reaching you — /resume turns them back on."
        if user.away_until is not None and user.away_until >= turn.today:
            back = user.away_until + timedelta(days=1)
            return f"Away until {back:%a %d %b} — reminders restart by themselves."
        return "Active."

    async def apply(self, turn: Turn, args: str) -> Replies:
        """Typed forms: `checkin 07:30`, `checkin off`, `workout mon wed fri 18:00`,
        `workout off`, `nudge on|off`, `off`."""
        words = args.lower().replace(",", " ").split()
        kind, rest = words[0], words[1:]
        if kind == "off" and not rest:
            for k in (CHECKIN, WORKOUT, NUDGE):
                await delete_reminder(turn.conn, turn.user.id, k)
            await set_user_fields(turn.conn, turn.user, nudge=False)
            return [Reply("All reminders are off. /remind sets them up again.")]
        if kind in {"checkin", "check-in", "morning"}:
            return await self.set_checkin(turn, " ".join(rest))
        if kind in {"workout", "workouts", "training", "train"}:
            return await self.set_workout(turn, rest)
        if kind == "nudge" and rest in (["on"], ["off"]):
            return await self.set_nudge(turn, rest == ["on"])
        return [Reply(f"I didn't understand that reminder. {USAGE}")]

    async def set_checkin(self, turn: Turn, text: str) -> Replies:
        if text.strip() == "off":
            await delete_reminder(turn.conn, turn.user.id, CHECKIN)
            await delete_reminder(turn.conn, turn.user.id, NUDGE)
            return [Reply("Morning check-in reminder is off.")]
        at = parse_clock(text) if text.strip() else DEFAULT_CHECKIN_AT
        if at is None:
            return [Reply(f"“{text[:20]}” isn't a time I can use — try 07:30 or 7am.")]
        due = await self._save(turn, Setting(CHECKIN, at, EVERY_DAY))
        replies = [
            Reply(f"Morning check-in reminder set for {at:%H:%M} every day. {_next(turn, due)}")
        ]
        if turn.user.nudge:
            nudge = _nudge_time(at)
            if nudge is None:
                await delete_reminder(turn.conn, turn.user.id, NUDGE)
                replies.append(Reply(_no_room(at)))
            else:
                await self._save(turn, Setting(NUDGE, nudge, EVERY_DAY))
        return replies

    async def set_workout(self, turn: Turn, words: list[str]) -> Replies:
        if words == ["off"]:
            await delete_reminder(turn.conn, turn.user.id, WORKOUT)
            return [Reply("Workout-day reminders are off.")]
        clock_words = [w for w in words if parse_clock(w) is not None and not w.isalpha()]
        at = parse_clock(clock_words[-1]) if clock_words else time(18, 0)
        day_words = [w for w in words if w not in clock_words]
        days = parse_weekdays(day_words) if day_words else frozenset(turn.user.training_days or ())
        if not days or at is None:
            return [Reply("Tell me the days and a time, e.g. /remind workout mon wed fri 18:00.")]
        due = await self._save(turn, Setting(WORKOUT, at, days))
        await set_user_fields(turn.conn, turn.user, training_days=sorted(days))
        return [
            Reply(
                f"Workout reminders set: {describe_days(days)} at {at:%H:%M}, with that day's "
                f"plan. {_next(turn, due)}"
            )
        ]

    async def set_nudge(self, turn: Turn, on: bool) -> Replies:
        await set_user_fields(turn.conn, turn.user, nudge=on)
        checkin = (await user_reminders(turn.conn, turn.user.id)).get(CHECKIN)
        if not on:
            await delete_reminder(turn.conn, turn.user.id, NUDGE)
            return [Reply("Follow-up nudge is off.")]
        if checkin is None:
            return [Reply("Nudge on. It follows the morning check-in: /remind checkin 08:00.")]
        at = _nudge_time(checkin.at)
        if at is None:
            await set_user_fields(turn.conn, turn.user, nudge=False)
            return [Reply(_no_room(checkin.at))]
        await self._save(turn, Setting(NUDGE, at, checkin.days))
        return [
            Reply(f"Nudge on: if you haven't checked in by {at:%H:%M}, I'll remind you once more.")
        ]

    async def _save(self, turn: Turn, setting: Setting) -> datetime | None:
        if turn.user.timezone is None:
            # Pin the zone the user sees now, so reminders don't move if the default does.
            await set_user_fields(turn.conn, turn.user, timezone=turn.tz.key)
        chat = turn.event.chat
        return await save_reminder(
            turn.conn,
            user_id=turn.user.id,
            platform=chat.platform,
            chat_id=turn.event.sender.user_id if chat.is_group else chat.chat_id,
            setting=setting,
            timezone=turn.tz.key,
            active=not (turn.user.paused or turn.user.unreachable),
            now=turn.now,
        )

    async def pause(self, turn: Turn, args: str) -> Replies:
        if not args.strip():
            await set_user_fields(turn.conn, turn.user, paused=True)
            await reschedule(turn.conn, turn.user.id, turn.tz.key, active=False, now=turn.now)
            return [Reply("Reminders paused. Send /resume whenever you want them back.")]
        back = _parse_away(args, turn.today)
        if back is None:
            return [Reply("Try /pause 10d, /pause 2w or /pause until 2026-12-20 (or just /pause).")]
        if not turn.today < back <= turn.today + timedelta(days=MAX_AWAY_DAYS):
            return [Reply("Pick a return date after today and within a year.")]
        await set_user_fields(turn.conn, turn.user, away_until=back - timedelta(days=1))
        return [
            Reply(
                f"Enjoy the break! I'll stay quiet until {back:%a %d %b} and then help you ease "
                "back in — the first week back is a light one."
            )
        ]

    async def resume(self, turn: Turn, args: str) -> Replies:
        was_away = turn.user.paused or turn.user.away_until is not None
        await set_user_fields(
            turn.conn, turn.user, paused=False, unreachable=False, away_until=None
        )
        await reschedule(turn.conn, turn.user.id, turn.tz.key, active=True, now=turn.now)
        settings = await user_reminders(turn.conn, turn.user.id)
        if not settings:
            ended = "Your break is over. " if was_away else ""
            return [Reply(f"{ended}You have no reminders yet — /remind sets them up.")]
        return [Reply("Reminders are back on. " + await self.status(turn))]


def _next(turn: Turn, due: datetime | None) -> str:
    if due is None:
        return "(Reminders are paused — /resume to turn them on.)"
    return f"Next one: {due.astimezone(turn.tz):%a %d %b %H:%M}."


_AWAY = re.compile(r"^(\d{1,3})\s*(d|day|days|w|wk|week|weeks)$")


def _parse_away(text: str, today: date) -> date | None:
    """The day the user is back: "10d" → today + 10, "until 2026-12-20" → that day."""
    cleaned = text.strip().lower()
    if match := _AWAY.match(cleaned):
        n = int(match.group(1)) * (7 if match.group(2).startswith("w") else 1)
        return today + timedelta(days=n)
    cleaned = cleaned.removeprefix("until").strip()
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        return None


class RemindFlow:
    name = "remind"

    def __init__(self, feature: Remind) -> None:
        self.feature = feature

    async def on_text(self, turn: Turn, text: str) -> Replies | None:
        assert turn.convo is not None
        step = turn.convo.step
        if step == "checkin-time":
            turn.finish()
            return await self.feature.set_checkin(turn, text)
        if step == "workout":
            turn.finish()
            return await self.feature.set_workout(turn, text.lower().replace(",", " ").split())
        return None

    async def on_choice(self, turn: Turn, value: str) -> Replies | None:
        assert turn.convo is not None
        step = turn.convo.step
        if step == "menu":
            if value == "checkin":
                options = [(t, t) for t in CHECKIN_TIMES] + [("Off", "off")]
                return [
                    turn.ask(
                        "remind",
                        "checkin-time",
                        "What time? Tap one or type it, e.g. 07:45.",
                        options,
                    )
                ]
            if value == "workout":
                options = [*WORKOUT_PRESETS, ("Off", "off")]
                text = "Which days and time? Tap one or type e.g. mon thu 19:30."
                return [turn.ask("remind", "workout", text, options, per_row=1)]
            if value == "nudge":
                turn.finish()
                return await self.feature.set_nudge(turn, not turn.user.nudge)
            if value == "off":
                turn.finish()
                return await self.feature.apply(turn, "off")
            return None
        return await self.on_text(turn, value)

    async def resume(self, turn: Turn) -> Replies:
        return [await self.feature.menu(turn)]
