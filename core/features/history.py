"""Looking back: `/history` (the last two weeks as a table), `/chart` (a heat map of the last four
weeks) and `/export` (a CSV of everything stored about the user).

matplotlib is imported inside the chart function, only when a chart is drawn, so the coach starts
fast; the drawing runs on a worker thread so other users' messages are not held up.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.engine.coach import Coach, Command
from core.engine.turn import Replies, Turn
from core.events import Attachment, Reply
from core.rules.soreness import EXTRA_AREAS, JOINTS, LOWER_BACK, MUSCLE_GROUPS, SCALE, area_label
from core.rules.trends import CheckinDay, insights_text, trend_insights, trend_start
from core.storage.checkins import load_checkin_days
from core.storage.schema import (
    CONVERSATION_COLUMNS,
    USER_TABLES,
    checkins,
    pain_reports,
    readiness_checks,
    users,
)

HISTORY_DAYS = 14
CHART_DAYS = 28

EMPTY_HISTORY = (
    "No check-ins in the last two weeks yet. Send /checkin (or /checkin legs 3 chest 1) each "
    "morning and your history builds up here."
)
EMPTY_CHART = (
    "Nothing to chart yet — there are no check-ins in the last four weeks. Send /checkin each "
    "morning and the chart fills in."
)

ABBREVIATIONS: Mapping[str, str] = {
    "chest": "Ch",
    "back": "Bk",
    "shoulders": "Sh",
    "biceps": "Bi",
    "triceps": "Tr",
    "quads": "Qu",
    "hamstrings": "Hm",
    "glutes": "Gl",
    "calves": "Ca",
    "abs": "Ab",
    JOINTS: "Jt",
    LOWER_BACK: "LB",
}

VERDICT_WORDS: Mapping[str, str] = {
    "train": "ready: train",
    "train-fix-recovery": "ready: train, eat+sleep",
    "active-recovery": "ready: light day",
    "stop-sharp-pain": "ready: stopped, pain",
}

AREA_ORDER: tuple[str, ...] = MUSCLE_GROUPS + EXTRA_AREAS

EXPORT_NAME = "doms-coach-export.csv"
CHART_NAME = "soreness.png"

# --- queries ------------------------------------------------------------------------------------


async def load_verdicts(
    conn: AsyncConnection, user_id: int, first: date, last: date
) -> dict[date, str]:
    """The latest readiness verdict of each day from `first` to `last`."""
    query = (
        select(readiness_checks.c.day, readiness_checks.c.verdict)
        .where(
            readiness_checks.c.user_id == user_id,
            readiness_checks.c.day >= first,
            readiness_checks.c.day <= last,
        )
        .order_by(readiness_checks.c.at)
    )
    return {row.day: row.verdict for row in await conn.execute(query)}


# The user's row without the internal id, and the question they are on (also kept in
# that row), which /export lists as a record of its own.
_NOT_PROFILE = {"id", *(c.name for c in CONVERSATION_COLUMNS.values())}
PROFILE_COLUMNS = [c for c in users.c if c.name not in _NOT_PROFILE]
CONVERSATION = "conversations"


async def load_profile(conn: AsyncConnection, user_id: int) -> dict[str, Any]:
    """Every setting in the user's row: all but the internal id and the conversation."""
    row = (await conn.execute(select(*PROFILE_COLUMNS).where(users.c.id == user_id))).first()
    return {} if row is None else dict(row._mapping)


async def load_conversation(conn: AsyncConnection, user_id: int) -> list[dict[str, Any]]:
    """The question the user is on, as one record (none when there is none)."""
    query = select(*(c.label(name) for name, c in CONVERSATION_COLUMNS.items())).where(
        users.c.id == user_id, users.c.convo_flow.is_not(None)
    )
    return [dict(row._mapping) for row in await conn.execute(query)]


async def load_rows(conn: AsyncConnection, table: Table, user_id: int) -> list[dict[str, Any]]:
    """Every row of `table` belonging to the user, oldest first where the table has an id."""
    query = select(table).where(table.c.user_id == user_id)
    if "id" in table.c:
        query = query.order_by(table.c.id)
    return [dict(row._mapping) for row in await conn.execute(query)]


# --- /history -----------------------------------------------------------------------------------


def _areas_shown(days: Sequence[CheckinDay]) -> list[str]:
    seen = {area for d in days for area in d.levels}
    known = [a for a in AREA_ORDER if a in seen]
    return known + sorted(seen - set(known))


def _abbrev(area: str) -> str:
    return ABBREVIATIONS.get(area, area[:2].title())


def history_table(days: Sequence[CheckinDay], verdicts: Mapping[date, str], today: date) -> str:
    """One line per day with a check-in or a readiness check, newest first: the level of each
    area (· where it was not asked), then that day's readiness verdict."""
    by_day = {d.day: d.levels for d in days}
    areas = _areas_shown(days)
    header = f"{'Day':<10} " + " ".join(f"{_abbrev(a):>2}" for a in areas)
    lines = [header.rstrip()]
    for day in sorted(set(by_day) | set(verdicts), reverse=True):
        levels = by_day.get(day)
        label = "Today" if day == today else day.strftime("%a %d %b").replace(" 0", "  ")
        if levels is None:
            cells = " ".join(" -" for _ in areas)
        else:
            cells = " ".join(f"{levels[a]:>2}" if a in levels else " ·" for a in areas)
        verdict = verdicts.get(day)
        note = f"  {VERDICT_WORDS.get(verdict, verdict)}" if verdict else ""
        lines.append(f"{label:<10} {cells}{note}".rstrip())
    legend = " ".join(f"{_abbrev(a)}={area_label(a).lower()}" for a in areas)
    scale = " ".join(f"{s.value}={s.label.lower()}" for s in SCALE)
    missing = " ·=not asked" if any(a not in lv for lv in by_day.values() for a in areas) else ""
    no_checkin = " -=no check-in" if set(verdicts) - set(by_day) else ""
    return "\n".join([*lines, "", legend, scale + missing + no_checkin])


class History:
    def install(self, coach: Coach) -> None:
        coach.command(Command("history", "Your last two weeks of check-ins", self.history))
        coach.command(Command("chart", "A soreness chart of the last four weeks", self.chart))
        coach.command(Command("export", "Download everything I store about you (CSV)", self.export))

    async def history(self, turn: Turn, args: str) -> Replies:
        today = turn.today
        first = today - timedelta(days=HISTORY_DAYS - 1)
        days = await load_checkin_days(turn.conn, turn.user.id, first, today)
        verdicts = await load_verdicts(turn.conn, turn.user.id, first, today)
        if not days and not verdicts:
            return [Reply(EMPTY_HISTORY)]
        text = f"Your last {HISTORY_DAYS} days ({count(len(days), 'check-in')}):\n\n"
        text += history_table(days, verdicts, today)
        recent = await load_checkin_days(turn.conn, turn.user.id, trend_start(today), today)
        found = trend_insights(recent, _trained(turn), today)
        text += "\n\n" + (insights_text(found) if found else "No patterns to act on so far.")
        return [Reply(text)]

    async def chart(self, turn: Turn, args: str) -> Replies:
        today = turn.today
        first = today - timedelta(days=CHART_DAYS - 1)
        days = await load_checkin_days(turn.conn, turn.user.id, first, today)
        if not days:
            return [Reply(EMPTY_CHART)]
        png = await asyncio.to_thread(render_chart, days, first, today)
        return [
            Reply(
                f"Your soreness by muscle group, {_date(first)} – {_date(today)} "
                f"({count(len(days), 'check-in')}; blank = no check-in).",
                image=Attachment(CHART_NAME, png),
            )
        ]

    async def export(self, turn: Turn, args: str) -> Replies:
        data, counts = await export_csv(turn.conn, turn.user.id)
        summary = ", ".join(
            count(n, *names) for names, n in counts.items() if n or names[0] == "check-in"
        )
        return [
            Reply(
                f"Here's everything I store about you: your settings, {summary}. "
                "One row per value: section, record, field, value. /forget deletes it all.",
                file=Attachment(EXPORT_NAME, data),
            )
        ]


def count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {plural or noun + 's'}"


def _trained(turn: Turn) -> list[str]:
    return list(turn.user.trained_groups or [])


def _date(day: date) -> str:
    return f"{day.day} {day.strftime('%b')}"


# --- /chart -------------------------------------------------------------------------------------

# 0 is a clear green, so "not sore" never looks like a blank (no check-in) cell.
LEVEL_COLOURS = ("#a5d6a7", "#fff176", "#ffb74d", "#f4511e", "#8e0000")


def render_chart(days: Sequence[CheckinDay], first: date, last: date) -> bytes:
    """A heat map: one row per area, one column per day from `first` to `last`, coloured by the
    0-4 level; days without a check-in (or an area not asked) stay blank. Returns PNG bytes."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    areas = _areas_shown(days)
    span = (last - first).days + 1
    grid = np.full((len(areas), span), np.nan)
    for entry in days:
        col = (entry.day - first).days
        if not 0 <= col < span:
            continue
        for row, area in enumerate(areas):
            if area in entry.levels:
                grid[row, col] = max(0, min(4, entry.levels[area]))

    cmap = ListedColormap(list(LEVEL_COLOURS)).with_extremes(bad="white")
    norm = BoundaryNorm([-0.5, 0.5, 1.5, 2.5, 3.5, 4.5], cmap.N)

    fig = Figure(figsize=(10, 1.6 + 0.38 * len(areas)), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, norm=norm, aspect="auto")
    ax.set_yticks(range(len(areas)), [area_label(a) for a in areas], fontsize=9)
    dates = [first + timedelta(days=i) for i in range(span)]
    ax.set_xticks(
        range(span),
        [f"{d.strftime('%a')[0]}\n{d.day}" for d in dates],
        fontsize=7,
    )
    ax.set_xticks([x - 0.5 for x in range(span + 1)], minor=True)
    ax.set_yticks([y - 0.5 for y in range(len(areas) + 1)], minor=True)
    ax.grid(which="minor", color="#d0d0d0", linewidth=0.6)
    ax.tick_params(which="minor", length=0)
    ax.set_title(f"Soreness, {_date(first)} – {_date(last)} {last.year}", fontsize=11)
    handles = [
        Patch(facecolor=LEVEL_COLOURS[s.value], edgecolor="#999999", label=f"{s.value} {s.label}")
        for s in SCALE
    ]
    handles.append(Patch(facecolor="white", edgecolor="#999999", label="no check-in"))
    ax.legend(
        handles=handles,
        title="Soreness",
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=8,
        title_fontsize=9,
        frameon=False,
    )
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png", bbox_inches="tight")
    return out.getvalue()


# --- /export ------------------------------------------------------------------------------------

# How the reply counts each table's rows (singular, plural); other tables use their own name.
RECORD_NAMES: Mapping[str, tuple[str, str]] = {
    checkins.name: ("check-in", "check-ins"),
    readiness_checks.name: ("readiness check", "readiness checks"),
    pain_reports.name: ("pain report", "pain reports"),
    CONVERSATION: ("unfinished question", "unfinished questions"),
    "reminders": ("reminder", "reminders"),
    "outbox": ("message waiting to be sent", "messages waiting to be sent"),
}


def _cell(value: Any) -> str:
    """A CSV cell. Text a spreadsheet would run as a formula (=, +, -, @) gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC).isoformat()  # stored in UTC; SQLite drops the zone
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    text = str(value)
    if isinstance(value, str) and text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _record_rows(section: str, record: str, row: Mapping[str, Any]) -> list[list[str]]:
    out: list[list[str]] = []
    for field, value in row.items():
        if field in {"id", "user_id"}:
            continue
        if isinstance(value, dict) and field == "levels":
            out += [[section, record, f"{field}.{k}", _cell(v)] for k, v in value.items()]
        else:
            out.append([section, record, field, _cell(value)])
    return out


async def export_csv(
    conn: AsyncConnection, user_id: int
) -> tuple[bytes, dict[tuple[str, str], int]]:
    """Everything stored about the user as CSV (section, record, field, value), and how many
    records of each kind it holds. Every table in USER_TABLES is included, so a table added
    there later is exported too, and so is the question the user is on."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["section", "record", "field", "value"])
    profile = await load_profile(conn, user_id)
    for field, value in profile.items():
        writer.writerow(["profile", "", field, _cell(value)])
    counts: dict[tuple[str, str], int] = {}
    sections = [(t.name, await load_rows(conn, t, user_id)) for t in USER_TABLES]
    sections.append((CONVERSATION, await load_conversation(conn, user_id)))
    for section, rows in sections:
        name = section.replace("_", " ")
        counts[RECORD_NAMES.get(section, (name, name))] = len(rows)
        for n, row in enumerate(rows, 1):
            # Check-ins are one a day, so the day names them; other records are numbered.
            record = _cell(row.get("day")) if section == checkins.name else str(n)
            for line in _record_rows(section, record, row):
                writer.writerow(line)
    return buffer.getvalue().encode("utf-8"), counts
