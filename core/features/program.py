"""`/program`: the periodized plan — this week and today — and setting it up.

The plan itself is `core.rules.program.program_for` (2 sets per exercise the first week, one
more each week up to 5, a deload week, then a new phase with new variations). This module stores
its two inputs on the user, `users.training_days` (weekdays, 0 = Monday) and
`users.program_start`, and shows the week.

Typed forms: `/program days mon wed fri`, `/program start 2026-12-07` (also `today`,
`tomorrow`, `next monday`), `/program reset`. Without a program, `/program` asks for the days
(flow "program", step `days`: common splits as buttons, or typed) and then the start (step
`start`: Today / Next Monday, or a typed date). The days chosen so far live in the conversation
data, so a restart continues at the start question. Stateless buttons: `program:days` and
`program:start` change one setting.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from core.engine.coach import Coach, Command
from core.engine.turn import Replies, Turn
from core.events import Button, Reply, rows
from core.rules.intents import tries_an_answer
from core.rules.program import format_day, program_for
from core.rules.schedule import days_text, next_monday, parse_days
from core.storage.reminders import follow_training_days
from core.storage.users import set_user_fields

FLOW = "program"

# Common splits offered as buttons; the value is the weekday digits.
SPLITS: tuple[tuple[str, str], ...] = (
    ("Mon Wed Fri", "024"),
    ("Tue Thu Sat", "135"),
    ("Mon Tue Thu Fri", "0134"),
)

# A start date further out than this is almost certainly a typo.
MAX_START_AHEAD = timedelta(days=365)
MAX_START_BEHIND = timedelta(days=3 * 365)

DAYS_HELP = "Name the weekdays you train, e.g. /program days mon wed fri."
START_HELP = (
    "Give the start as a date like 2026-12-07 (year-month-day), or say today or next monday, "
    "e.g. /program start 2026-12-07."
)
USAGE = (
    "/program shows this week and today. Change it with /program days mon wed fri, "
    "/program start 2026-12-07 (or today, next monday), or start over with /program reset."
)


# --- parsing ------------------------------------------------------------------------------------


def parse_start(text: str, today: date) -> date | None:
    """A start date typed as YYYY-MM-DD, or today / tomorrow / (next) monday; None otherwise."""
    said = " ".join(text.lower().strip().rstrip(".!").split())
    if said in {"today", "now"}:
        return today
    if said == "tomorrow":
        return today + timedelta(days=1)
    if said in {"next monday", "monday", "mon", "next mon", "next week"}:
        return next_monday(today)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", said):
        try:
            return date.fromisoformat(said)
        except ValueError:
            return None
    return None


def _bad_days_reply(unknown: list[str]) -> Reply:
    shown = ", ".join(f"“{w[:20]}”" for w in unknown[:4])
    problem = f"I don't know {shown} as a day of the week. " if unknown else ""
    return Reply(f"{problem}Nothing was changed. {DAYS_HELP}")


def _start_problem(start: date | None, today: date) -> str | None:
    if start is None:
        return "I couldn't read that as a date."
    if start > today + MAX_START_AHEAD:
        return "That's more than a year away."
    if start < today - MAX_START_BEHIND:
        return "That's more than three years ago."
    return None


# --- showing the week ---------------------------------------------------------------------------


def program_text(start: date, today: date, training_days: list[int]) -> str:
    week = program_for(start, today, training_days)
    title = "Your first week" if not week.started else f"This week (week {week.week})"
    lines = [week.describe(), "", f"{title}:"]
    for day in week.days:
        what = f"train, {week.sets_per_exercise} sets per exercise" if day.training else "rest"
        marker = "  ← today" if day.day == today else ""
        lines.append(f"{format_day(day.day)} — {what}{marker}")
    if week.started:
        if week.training_today:
            today_line = (
                f"Today: training day — {week.sets_per_exercise} sets per exercise. "
                f"{week.rep_guidance}"
            )
        else:
            today_line = "Today: rest day."
            if week.next_training is not None:
                today_line += f" Next workout: {format_day(week.next_training)}."
        lines += ["", today_line]
    lines += ["", f"Training days: {days_text(training_days)}. {USAGE}"]
    return "\n".join(lines)


def _change_buttons() -> tuple[tuple[Button, ...], ...]:
    return rows(Button("Change days", "program:days"), Button("Change start", "program:start"))


# --- questions ----------------------------------------------------------------------------------


def _data(turn: Turn) -> dict[str, Any]:
    if turn.convo is not None and turn.convo.flow == FLOW:
        return turn.convo.data
    return {}


def days_question(turn: Turn, *, intro: str = "") -> Reply:
    text = (
        f"{intro}Which days do you train? Pick a split, or type your days (e.g. mon wed fri)."
    ).strip()
    options = list(SPLITS)
    return turn.ask(FLOW, "days", text, options, data={}, per_row=1)


def start_question(turn: Turn, days: list[int]) -> Reply:
    monday = next_monday(turn.today)
    text = (
        "When does the program start? Week 1 is easy: 2 sets per exercise, stopping about two "
        "reps short of failure. Or type a date like "
        f"{monday.isoformat()}."
    )
    options = [("Today", "today"), (f"Next Monday ({format_day(monday)})", "monday")]
    return turn.ask(FLOW, "start", text, options, data={"days": days})


# --- the feature --------------------------------------------------------------------------------


def _days(turn: Turn) -> list[int]:
    stored = turn.user.training_days or []
    return sorted({d for d in stored if isinstance(d, int) and 0 <= d <= 6})


class Program:
    def install(self, coach: Coach) -> None:
        coach.command(Command("program", "Your training plan: this week and today", self.command))
        coach.flow(ProgramFlow())
        coach.button("program", self.press)

    async def command(self, turn: Turn, args: str) -> Replies:
        head, _, rest = args.strip().partition(" ")
        head = head.lower()
        if not head:
            return await show_or_set_up(turn)
        if head in {"days", "day"}:
            if not rest.strip():
                return [days_question(turn)]
            return await set_days_typed(turn, rest)
        if head in {"start", "starts", "begin"}:
            if not rest.strip():
                return [start_question(turn, _days(turn))]
            return await set_start_typed(turn, rest)
        if head in {"reset", "restart", "clear"}:
            await set_user_fields(turn.conn, turn.user, program_start=None, training_days=None)
            return [
                Reply("Program cleared. Let's set up a new one."),
                days_question(turn),
            ]
        return [Reply(f"I don't know /program {head[:20]}. {USAGE}")]

    async def press(self, turn: Turn, arg: str) -> Replies:
        if turn.event.chat.is_group:
            return [Reply("Your program is private — message me directly and send /program.")]
        if arg == "days":
            return [days_question(turn)]
        if arg == "start":
            return [start_question(turn, _days(turn))]
        return [Reply("That program button is out of date. Send /program.")]


async def show_or_set_up(turn: Turn) -> Replies:
    days = _days(turn)
    start = turn.user.program_start
    if not days:
        return [days_question(turn, intro="You don't have a program yet — let's set one up. ")]
    if start is None:
        return [start_question(turn, days)]
    return [Reply(program_text(start, turn.today, days), _change_buttons())]


async def save_days(turn: Turn, days: list[int]) -> Replies:
    await set_user_fields(turn.conn, turn.user, training_days=days)
    await follow_training_days(turn.conn, turn.user, days, timezone=turn.tz.key, now=turn.now)
    if turn.user.program_start is None:
        return [
            Reply(f"Training days saved: {days_text(days)}."),
            start_question(turn, days),
        ]
    _finish(turn)
    return [
        Reply(f"Training days saved: {days_text(days)}."),
        *await show_or_set_up(turn),
    ]


async def save_start(turn: Turn, start: date) -> Replies:
    days = _days(turn) or [int(d) for d in _data(turn).get("days") or []]
    fields: dict[str, Any] = {"program_start": start}
    if days and not turn.user.training_days:
        fields["training_days"] = days
    await set_user_fields(turn.conn, turn.user, **fields)
    _finish(turn)
    when = "today" if start == turn.today else format_day(start)
    saved = Reply(f"Program start saved: {when}.")
    if not days:
        return [saved, days_question(turn)]
    return [saved, *await show_or_set_up(turn)]


async def set_days_typed(turn: Turn, text: str) -> Replies:
    days, unknown = parse_days(text)
    if unknown or not days:
        return [_bad_days_reply(unknown)]
    return await save_days(turn, days)


async def set_start_typed(turn: Turn, text: str) -> Replies:
    start = parse_start(text, turn.today)
    problem = _start_problem(start, turn.today)
    if problem is not None or start is None:
        return [Reply(f"{problem} Nothing was changed. {START_HELP}")]
    return await save_start(turn, start)


def _finish(turn: Turn) -> None:
    if turn.convo is not None and turn.convo.flow == FLOW:
        turn.finish()


class ProgramFlow:
    name = FLOW

    async def on_text(self, turn: Turn, text: str) -> Replies | None:
        step = turn.convo.step if turn.convo is not None else ""
        if step == "days":
            days, unknown = parse_days(text)
            if not days and not tries_an_answer(text):
                return None  # "should I stretch when sore?": answered, then asked again
            if unknown or not days:
                return [_bad_days_reply(unknown), days_question(turn)]
            return await save_days(turn, days)
        if step == "start":
            start = parse_start(text, turn.today)
            if start is None and not tries_an_answer(text):
                return None
            problem = _start_problem(start, turn.today)
            if problem is not None or start is None:
                days = [int(d) for d in _data(turn).get("days") or []]
                return [
                    Reply(f"{problem} {START_HELP}"),
                    start_question(turn, days),
                ]
            return await save_start(turn, start)
        return None

    async def on_choice(self, turn: Turn, value: str) -> Replies | None:
        step = turn.convo.step if turn.convo is not None else ""
        if step == "days" and value in {v for _label, v in SPLITS}:
            return await save_days(turn, [int(c) for c in value])
        if step == "start" and value in {"today", "monday"}:
            start = turn.today if value == "today" else next_monday(turn.today)
            return await save_start(turn, start)
        return None

    async def resume(self, turn: Turn) -> Replies:
        data = _data(turn)
        if turn.convo is not None and turn.convo.step == "start":
            days = [int(d) for d in data.get("days") or []]
            return [start_question(turn, days)]
        return [days_question(turn)]
