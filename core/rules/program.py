"""The periodized program: which week of which phase a user is in, and what that week asks for.

Why this shape: an easy first week (2 sets per exercise, stopping about two reps short of
failure) keeps muscle damage low while the lifts are new; adding one set a week keeps the work
ahead of the toughness the body builds; and once the top volume stops working, a lighter week
followed by a new exercise variation makes the muscles sensitive to the work again.

Phase logic (exact): a phase is `deload_every` weeks long (clamped to 4-10, the range in which a
lighter week is usually due). Its last week is the deload week; every week before it is a build
week with `min(week_in_phase + 1, 5)` sets per exercise, so 2, 3, 4, 5 and then 5 held for any
remaining build weeks. With the default of 6: 2, 3, 4, 5, 5, deload; with 5: 2, 3, 4, 5, deload;
with 4: 2, 3, 4, deload. The week after a deload starts the next phase with a new variation of
each lift, back at 2 sets. Weeks run from `start` (not from Monday), seven days each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from core.rules.schedule import DAY_NAMES

DELOAD_EVERY_MIN = 4
DELOAD_EVERY_MAX = 10
FIRST_WEEK_SETS = 2
MAX_SETS = 5
DELOAD_SETS = 2
DESCRIBE_LIMIT = 400

# Spelled out rather than with strftime, whose names follow the process locale.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_day(day: date) -> str:
    """'Mon 3 Jun': short enough for a reminder, unambiguous across date-order conventions."""
    return f"{DAY_NAMES[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"


@dataclass(frozen=True)
class ProgramDay:
    """One calendar day of the current program week, so a reminder or /program can list them."""

    day: date
    training: bool


@dataclass(frozen=True)
class ProgramWeek:
    """Where `today` falls in the program. Before `start`, `week`, `phase` and `week_in_phase`
    are 0 and the remaining fields describe the first week that is coming, so the same
    reminder code can announce it."""

    start: date
    today: date
    week: int
    phase: int
    week_in_phase: int
    phase_length: int
    sets_per_exercise: int
    deload: bool
    new_phase: bool
    new_variation: bool
    rep_guidance: str
    training_today: bool
    next_training: date | None
    training_days: tuple[int, ...]
    days: tuple[ProgramDay, ...]

    @property
    def started(self) -> bool:
        return self.week >= 1

    def describe(self) -> str:
        """Plain text for /program and workout reminders; the same words on every platform."""
        sets = f"{self.sets_per_exercise} sets per exercise"
        if not self.started:
            head = (
                f"Your program starts on {format_day(self.start)}. Week 1: {sets}, "
                "stopping about two reps short of failure."
            )
        elif self.deload:
            head = (
                f"Week {self.week}: deload week. {sets}, lighter weights, well short of failure, "
                "so joints and tendons catch up. Next week a new phase starts with new variations."
            )
        elif self.new_variation:
            head = (
                f"Week {self.week}: phase {self.phase} starts. Switch to a new variation of each "
                f"lift (say, dumbbell to barbell bench). {sets}. {self.rep_guidance}"
            )
        else:
            head = (
                f"Week {self.week} (phase {self.phase}, week {self.week_in_phase} of "
                f"{self.phase_length}): {sets}. {self.rep_guidance}"
            )
        return _fit(f"{head} {self._schedule()}")

    def _schedule(self) -> str:
        if not self.training_days:
            return "No training days set yet: choose them with /remind."
        today = "Today is a training day. " if self.training_today else ""
        if self.next_training is None:  # unreachable with training days, kept for the type
            return today.strip()
        label = "First workout" if not self.started else "Next workout"
        return f"{today}{label}: {format_day(self.next_training)}."


def _fit(text: str) -> str:
    return text if len(text) <= DESCRIBE_LIMIT else text[: DESCRIBE_LIMIT - 1].rstrip() + "…"


def clamp_deload_every(deload_every: int) -> int:
    """Deloads are due every 4-10 weeks; outside that a setting is treated as the nearest end."""
    return max(DELOAD_EVERY_MIN, min(DELOAD_EVERY_MAX, deload_every))


def _rep_guidance(week_in_phase: int, deload: bool) -> str:
    if deload:
        return "Use lighter weights and stop well short of failure."
    if week_in_phase <= 1:
        return "Stop each set about two reps short of failure while the lifts are new."
    return "Take sets a little closer to failure than last week, with clean technique."


def _next_training(after: date, training_days: frozenset[int]) -> date | None:
    for offset in range(1, 8):
        candidate = after + timedelta(days=offset)
        if candidate.weekday() in training_days:
            return candidate
    return None


def program_for(
    start: date, today: date, training_days: Sequence[int], deload_every: int = 6
) -> ProgramWeek:
    """The program week containing `today` (see the module docstring for the phase logic).

    `training_days` are weekdays, 0 = Monday .. 6 = Sunday; anything else raises ValueError, as
    it can only be a bug in the caller. `next_training` is the first training day strictly after
    `today` (on or after `start` when the program has not begun), None without training days.
    """
    bad = [d for d in training_days if not 0 <= d <= 6]
    if bad:
        raise ValueError(f"training days must be 0 (Mon) to 6 (Sun), got {bad}")
    days_set = frozenset(training_days)
    length = clamp_deload_every(deload_every)

    if today < start:
        week = phase = week_in_phase = 0
        week_start = start
        sets, deload, new_phase, new_variation = FIRST_WEEK_SETS, False, False, False
        guidance = _rep_guidance(1, False)
        training_today = False
        next_training = _next_training(start - timedelta(days=1), days_set)
    else:
        week = (today - start).days // 7 + 1
        phase = (week - 1) // length + 1
        week_in_phase = (week - 1) % length + 1
        week_start = start + timedelta(days=7 * (week - 1))
        deload = week_in_phase == length
        sets = DELOAD_SETS if deload else min(week_in_phase + 1, MAX_SETS)
        new_phase = week_in_phase == 1
        new_variation = new_phase and phase > 1
        guidance = _rep_guidance(week_in_phase, deload)
        training_today = today.weekday() in days_set
        next_training = _next_training(today, days_set)

    return ProgramWeek(
        start=start,
        today=today,
        week=week,
        phase=phase,
        week_in_phase=week_in_phase,
        phase_length=length,
        sets_per_exercise=sets,
        deload=deload,
        new_phase=new_phase,
        new_variation=new_variation,
        rep_guidance=guidance,
        training_today=training_today,
        next_training=next_training,
        training_days=tuple(sorted(days_set)),
        days=tuple(
            ProgramDay(day, day.weekday() in days_set)
            for day in (week_start + timedelta(days=i) for i in range(7))
        ),
    )
