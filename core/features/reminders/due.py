"""Due reminders: claim what is due, turn it into outbox messages, schedule the next.

Claiming and rescheduling happen in one transaction together with writing the outbox
rows, and each outbox row carries a unique key made of the reminder and its due
instant — so a due reminder becomes exactly one message, however many schedulers tick
and whenever a process dies. On PostgreSQL concurrent schedulers skip each other's rows
(`FOR UPDATE SKIP LOCKED`); on SQLite the write lock serialises them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.delivery.outbox import encode_reply
from core.engine.ticks import TickResult
from core.events import Button, Reply, rows
from core.rules.program import program_for
from core.rules.schedule import next_due
from core.rules.timezones import zone_or_utc
from core.storage.reminders import CHECKIN, NUDGE
from core.storage.schema import as_utc, checkins, outbox, reminders, users
from core.storage.sql import insert_ignoring_duplicates

log = logging.getLogger(__name__)

BATCH = 2000

WELCOME_BACK = (
    "Welcome back! Ease in: make this first week a light one — about two sets per "
    "exercise, stopping a couple of reps short of failure — then build up again."
)
CHECKIN_BUTTONS = rows(
    Button("Check in", "checkin:start"), Button("Nothing is sore", "checkin:none")
)


@dataclass(frozen=True, slots=True)
class Due:
    """A claimed reminder with what is needed to write its message."""

    id: int
    user_id: int
    kind: str
    platform: str
    chat_id: str
    at: time
    days: frozenset[int]
    due: datetime
    timezone: str | None
    away_until: date | None
    program_start: date | None
    training_days: tuple[int, ...]


def reminder_reply(item: Due, local_day: date, *, checked_in: bool, back: bool) -> Reply | None:
    """The message for one due reminder, or None when it has nothing to say today."""
    prefix = WELCOME_BACK + "\n\n" if back else ""
    week = (
        program_for(item.program_start, local_day, item.training_days)
        if item.program_start is not None
        else None
    )
    if item.kind in (CHECKIN, NUDGE):
        if checked_in:
            return None
        text = (
            "Good morning! How sore are you today? A ten-second check-in keeps your advice right."
            if item.kind == CHECKIN
            else "Still time to log today's soreness — it takes ten seconds."
        )
        if week is not None and week.deload and item.kind == CHECKIN:
            text += "\nThis is a deload week: lighter weights and fewer sets, to recover."
        return Reply(prefix + text, CHECKIN_BUTTONS)
    plan = week.describe() if week is not None else "Set up your plan with /program."
    buttons = rows(Button("Am I ready?", "cmd:ready"), Button("This week", "cmd:program"))
    return Reply(f"{prefix}Workout day! {plan}", buttons)


async def queue_reminders(conn: AsyncConnection, now: datetime, grace: timedelta) -> TickResult:
    """Claim every reminder due at `now`, queue its message, schedule its next time."""
    claimed = await _claim(conn, now)
    if not claimed:
        return TickResult(0, 0, 0)
    checked = await _checked_in(conn, claimed)
    messages: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    back_users: set[int] = set()
    encoded: dict[tuple[Any, ...], dict[str, Any] | None] = {}
    late = 0
    zones: dict[str | None, ZoneInfo] = {}
    following: dict[tuple[str | None, time, frozenset[int]], datetime | None] = {}
    for item in claimed:
        tz = zones.get(item.timezone) or zones.setdefault(item.timezone, zone_or_utc(item.timezone))
        local_day = item.due.astimezone(tz).date()
        # Everyone due with the same zone, time and days is next due at the same instant.
        slot = (item.timezone, item.at, item.days)
        if slot not in following:
            following[slot] = next_due(now, item.at, tz, item.days)
        updates.append({"rid": item.id, "nxt": following[slot], "sent": now})
        if now - item.due > grace:
            late += 1
            log.info("reminder %s due %s is past the grace period: skipped", item.id, item.due)
            continue
        if item.away_until is not None and local_day <= item.away_until:
            continue  # away: shown as away, not as missed
        back = item.away_until is not None
        if back:
            back_users.add(item.user_id)
        said = (item.kind, local_day, item.program_start, item.training_days, back)
        checked_in = (item.user_id, local_day) in checked
        if (*said, checked_in) not in encoded:  # most reminders in a tick say the same
            reply = reminder_reply(item, local_day, checked_in=checked_in, back=back)
            encoded[(*said, checked_in)] = None if reply is None else encode_reply(reply)
        message = encoded[(*said, checked_in)]
        if message is None:
            continue
        messages.append(
            {
                "dedupe_key": f"r{item.id}:{item.due.isoformat()}",
                "user_id": item.user_id,
                "platform": item.platform,
                "chat_id": item.chat_id,
                "is_group": False,
                "message": message,
                "created_at": now,
                "not_before": now,
            }
        )
    await _write(conn, updates, messages)
    if back_users:
        await conn.execute(update(users).where(users.c.id.in_(back_users)).values(away_until=None))
    return TickResult(len(claimed), len(messages), late)


async def _write(
    conn: AsyncConnection, updates: list[dict[str, Any]], messages: list[dict[str, Any]]
) -> None:
    """Store next due times and queue messages. On SQLite the rows go straight to the
    driver: SQLAlchemy's per-row parameter processing was most of a 1,000-row tick."""
    if conn.dialect.name != "sqlite":
        await conn.execute(
            update(reminders)
            .where(reminders.c.id == bindparam("rid"))
            .values(next_due_at=bindparam("nxt"), last_sent_at=bindparam("sent")),
            updates,
        )
        if messages:
            await conn.execute(insert_ignoring_duplicates(conn, outbox), messages)
        return
    stamps: dict[datetime | None, str | None] = {}
    texts: dict[int, str] = {}  # messages are shared between rows (see `tick`)

    def stamp(value: datetime | None) -> str | None:
        if value not in stamps:
            stamps[value] = _sqlite_time(value)
        return stamps[value]

    await conn.exec_driver_sql(
        "UPDATE reminders SET next_due_at = ?, last_sent_at = ? WHERE id = ?",
        [(stamp(u["nxt"]), stamp(u["sent"]), u["rid"]) for u in updates],
    )
    if messages:
        await conn.exec_driver_sql(
            "INSERT INTO outbox (dedupe_key, user_id, platform, chat_id, is_group, message,"
            " created_at, not_before, attempts) VALUES (?, ?, ?, ?, 0, ?, ?, ?, 0)"
            " ON CONFLICT (dedupe_key) DO NOTHING",
            [
                (
                    m["dedupe_key"],
                    m["user_id"],
                    m["platform"],
                    m["chat_id"],
                    texts.get(id(m["message"]))
                    or texts.setdefault(id(m["message"]), json.dumps(m["message"])),
                    stamp(m["created_at"]),
                    stamp(m["not_before"]),
                )
                for m in messages
            ],
        )


def _sqlite_time(value: datetime | None) -> str | None:
    """The text form SQLAlchemy's SQLite DateTime type stores (naive UTC)."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


async def _claim(conn: AsyncConnection, now: datetime) -> list[Due]:
    if conn.dialect.name == "sqlite":
        return await _claim_sqlite(conn, now)
    query = (
        select(
            reminders,
            users.c.timezone,
            users.c.away_until,
            users.c.program_start,
            users.c.training_days,
        )
        .join(users, users.c.id == reminders.c.user_id)
        .where(reminders.c.next_due_at <= now)
        .order_by(reminders.c.next_due_at)
        .limit(BATCH)
        .with_for_update(of=reminders, skip_locked=True)
    )
    result = await conn.execute(query)
    return [
        Due(
            id=r.id,
            user_id=r.user_id,
            kind=r.kind,
            platform=r.platform,
            chat_id=r.chat_id,
            at=time.fromisoformat(r.at),
            days=frozenset(r.days),
            due=as_utc(r.next_due_at),
            timezone=r.timezone,
            away_until=r.away_until,
            program_start=r.program_start,
            training_days=tuple(r.training_days or ()),
        )
        for r in result
    ]


async def _claim_sqlite(conn: AsyncConnection, now: datetime) -> list[Due]:
    """The same query straight through the driver, parsing the stored text ourselves:
    SQLAlchemy's result processing was a third of a 1,000-row tick."""
    result = await conn.exec_driver_sql(
        "SELECT r.id, r.user_id, r.kind, r.platform, r.chat_id, r.at, r.days, r.next_due_at,"
        " u.timezone, u.away_until, u.program_start, u.training_days"
        " FROM reminders r JOIN users u ON u.id = r.user_id"
        " WHERE r.next_due_at <= ? ORDER BY r.next_due_at LIMIT ?",
        (_sqlite_time(now), BATCH),
    )
    rows: list[Any] = list(result)
    clocks: dict[str, time] = {}
    day_sets: dict[str, frozenset[int]] = {}
    return [
        Due(
            id=rid,
            user_id=uid,
            kind=kind,
            platform=platform,
            chat_id=chat_id,
            at=clocks.get(at) or clocks.setdefault(at, time.fromisoformat(at)),
            days=day_sets.get(days) or day_sets.setdefault(days, frozenset(json.loads(days))),
            due=datetime.fromisoformat(due).replace(tzinfo=UTC),
            timezone=tz,
            away_until=date.fromisoformat(away) if away else None,
            program_start=date.fromisoformat(start) if start else None,
            training_days=tuple(json.loads(training)) if training else (),
        )
        for (rid, uid, kind, platform, chat_id, at, days, due, tz, away, start, training) in rows
    ]


async def _checked_in(conn: AsyncConnection, claimed: Sequence[Due]) -> set[tuple[int, date]]:
    """Which (user, local day) pairs already have a check-in: one query per tick."""
    wanted = {i.user_id for i in claimed if i.kind in (CHECKIN, NUDGE)}
    if not wanted:
        return set()
    earliest = min(i.due for i in claimed).date() - timedelta(days=1)
    result = await conn.execute(
        select(checkins.c.user_id, checkins.c.day).where(
            and_(checkins.c.user_id.in_(wanted), checkins.c.day >= earliest)
        )
    )
    return {(r.user_id, r.day) for r in result}
