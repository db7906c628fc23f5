"""Property-based tests: hypothesis throws random scripts of events at the real coach —
random text, every command with random arguments, real, replayed and forged button
payloads, private and group chats, admins and not, time jumping about — and checks what
a user would notice:

- every event a user is owed an answer for gets at least one message, never the
  "I tripped over that one" apology (that would be an exception caught by the coach);
- no message leaks internals (tracebacks, SQL, exception names);
- no user's stored data changes because of someone else's event;
- what is stored stays valid (foreign keys, check-in levels 0-4, known flows, real
  time zones, no control or direction-override characters in stored text).

Examples share one database per test (fresh users in each), so the schema is migrated
once; example counts are modest to keep `make test` quick.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from core.engine.coach import DB_BUSY, INTERNAL, Coach
from core.engine.payloads import owner_tag
from core.events import MAX_PAYLOAD_BYTES, ChatRef, Event, Reply, Sender
from core.rules.soreness import EXTRA_AREAS, MUSCLE_GROUPS
from core.storage.db import Database
from core.storage.schema import USER_TABLES, checkins, reminders, users
from tests.conftest import NOON, build_coach

T = TypeVar("T")

FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

NAMES = ("ann", "bob", "cyd", "dee")
GROUPS = ("-1001", "-1002")
ARGS = (
    "",
    "legs 3 chest 1",
    "quads 4",
    "back 9",
    "start",
    "stop",
    "start 2026-12-07 mon wed fri 18:00 Europe/Berlin",
    "days mon wed fri",
    "start 2026-12-07",
    "reset",
    "checkin 07:30",
    "workout mon thu 18:00",
    "nudge on",
    "off",
    "10d",
    "until 2026-12-20",
    "Europe/Berlin",
    "berlin",
    "sharp pain in my knee during squats",
    "dull ache two days after legs",
    "chest pain and I can't breathe",
    "is it ok to lift while sore?",
    "yes",
    "no",
)
ANSWERS = (
    "yes",
    "no",
    "0",
    "3",
    "4",
    "back",
    "none",
    "done",
    "start",
    "stronger",
    "weaker",
    "similar",
    "still sore",
    "sharp",
    "legs chest",
    "keep",
    "new york",
    "mon wed fri",
    "next monday",
)
PAYLOAD_PREFIXES = ("cmd", "tz", "faq", "more", "checkin", "cohort", "program", "ready", "q", "")
LEAKS = re.compile(
    r"Traceback|sqlalchemy|sqlite3|asyncpg|OperationalError|IntegrityError|"
    r"KeyError|ValueError|TypeError|AttributeError|File \"|line \d+, in"
)
STORED_CONTROL = re.compile(
    "[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)

# --- actions: what a script asks a user to do --------------------------------------------

wild_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)
odd_bits = st.sampled_from(
    (
        "\u202eevil",
        "\u200f\u05e9\u05dc\u05d5\u05dd",
        "💪🏽🔥",
        "'; DROP TABLE users; --",
        "<script>alert(1)</script>",
        "\x00\x07\x1b[31m",
        "=cmd|' /C calc'!A0",
        "ｌｅｇｓ ３",
        " ",
        "\n\n",
    )
)
any_text = st.one_of(wild_text, odd_bits, st.sampled_from(ANSWERS))


@dataclass(frozen=True)
class Who:
    user: str
    group: str | None
    admin: bool
    display_name: str


@dataclass(frozen=True)
class Say:
    who: Who
    text: str


@dataclass(frozen=True)
class Press:
    """Press a button: one the user was shown (`source="own"`), the latest one someone
    else was shown (`"foreign"`), or a forged payload."""

    who: Who
    source: str
    index: int
    forged: str = ""


@dataclass(frozen=True)
class Wait:
    hours: int


Action = Say | Press | Wait


def commands(coach: Coach) -> st.SearchStrategy[str]:
    names = st.sampled_from(sorted(coach.commands))
    unknown = st.from_regex(r"[a-z_]{1,12}", fullmatch=True)
    args = st.one_of(st.sampled_from(ARGS), any_text)
    bot = st.sampled_from(("", "@DomsCoachBot", "@OtherBot"))
    return st.builds(
        lambda name, at, arg: f"/{name}{at} {arg}".rstrip(),
        st.one_of(names, names, unknown),
        bot,
        args,
    )


def forged_payloads() -> st.SearchStrategy[str]:
    owners = st.sampled_from([owner_tag("test", n) for n in NAMES] + ["zzzzzz", ""])
    question = st.builds(
        lambda owner, seq, value: f"q:{owner}:{seq}:{value}",
        owners,
        st.one_of(st.integers(0, 12).map(str), st.sampled_from(("-1", "x", "99999999999"))),
        st.one_of(st.sampled_from(ANSWERS), st.sampled_from(("t:legs", "t:nope", "rest0"))),
    )
    prefixed = st.builds(
        lambda prefix, arg: f"{prefix}:{arg}" if prefix else arg,
        st.sampled_from(PAYLOAD_PREFIXES),
        st.one_of(st.sampled_from(ANSWERS), wild_text),
    )
    return st.one_of(question, prefixed).map(
        lambda p: p.encode()[:MAX_PAYLOAD_BYTES].decode("utf-8", "ignore")
    )


def scripts(coach: Coach, *, max_size: int = 30) -> st.SearchStrategy[list[Action]]:
    who = st.builds(
        Who,
        st.sampled_from(NAMES),
        st.one_of(st.none(), st.none(), st.none(), st.sampled_from(GROUPS)),
        st.booleans(),
        st.one_of(st.sampled_from(("", "Ann", "Bob")), any_text),
    )
    say = st.builds(Say, who, st.one_of(commands(coach), commands(coach), any_text))
    press = st.builds(
        Press,
        who,
        st.sampled_from(("own", "own", "own", "foreign", "forged")),
        st.integers(0, 30),
        forged_payloads(),
    )
    wait = st.builds(Wait, st.sampled_from((1, 5, 20, 24, 72)))
    return st.lists(st.one_of(say, say, press, press, wait), min_size=10, max_size=max_size)


# --- running a script ----------------------------------------------------------------------


@dataclass
class Run:
    coach: Coach
    prefix: str
    when: Any = NOON
    shown: dict[str, list[Reply]] = field(default_factory=dict)
    latest: list[Reply] = field(default_factory=list)
    seen_users: set[str] = field(default_factory=set)

    def uid(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def event(self, action: Say | Press) -> Event:
        who = action.who
        user = self.uid(who.user)
        group = who.group is not None
        chat = ChatRef(
            "test",
            f"{who.group}{self.prefix}" if who.group else user,
            is_group=group,
            user_is_admin=group and who.admin,
        )
        sender = Sender("test", user, who.display_name)
        if isinstance(action, Say):
            return Event(sender, chat, text=action.text, when=self.when)
        return Event(sender, chat, payload=self.payload(action, user), when=self.when)

    def payload(self, press: Press, user: str) -> str:
        if press.source == "forged":
            return press.forged
        pool = self.shown.get(user, []) if press.source == "own" else self.latest
        buttons = [b for r in pool for b in r.flat_buttons]
        if not buttons:
            return press.forged
        return buttons[press.index % len(buttons)].payload


async def snapshot(conn: AsyncConnection, names: set[str]) -> dict[str, Any]:
    """Everything stored about each named user, keyed by their platform id."""
    found = {
        row.id: row.platform_user_id
        for row in await conn.execute(
            select(users.c.id, users.c.platform_user_id).where(users.c.platform_user_id.in_(names))
        )
    }
    out: dict[str, Any] = {name: {} for name in found.values()}
    if not found:
        return out
    for row in await conn.execute(select(users).where(users.c.id.in_(found))):
        out[found[row.id]]["users"] = sorted(map(str, row._mapping.items()))
    for table in USER_TABLES:
        for row in await conn.execute(select(table).where(table.c.user_id.in_(found))):
            values = sorted(map(str, row._mapping.items()))
            out[found[row.user_id]].setdefault(table.name, []).append(values)
    for tables in out.values():
        for rows in tables.values():
            rows.sort()
    return out


def check_replies(event: Event, replies: list[Reply]) -> None:
    owed = not (
        event.chat.is_group
        and event.payload is None
        and not (event.text or "").strip().startswith("/")
    )
    if owed:
        assert replies, f"no answer to {event.text or event.payload!r}"
    for reply in replies:
        assert reply.text.strip() or reply.image or reply.file, "an empty message"
        assert reply.text != INTERNAL, f"an exception escaped a handler on {event!r}"
        assert reply.text != DB_BUSY, f"the database failed on {event!r}"
        assert not LEAKS.search(reply.text), reply.text
        # What a user typed or forged may be quoted back, but never its control or
        # direction-override characters (they could disguise the message in a group).
        assert not STORED_CONTROL.search(reply.text.replace("\n", "")), repr(reply.text)
        for button in reply.flat_buttons:
            assert button.label.strip()
            assert len(button.payload.encode()) <= MAX_PAYLOAD_BYTES


async def play(run: Run, script: list[Action]) -> None:
    names = {run.uid(n) for n in NAMES}
    for action in script:
        if isinstance(action, Wait):
            run.when += timedelta(hours=action.hours)
            continue
        event = run.event(action)
        async with run.coach.db.transaction() as conn:
            before = await snapshot(conn, names)
        replies = await run.coach.handle(event)
        check_replies(event, replies)
        async with run.coach.db.transaction() as conn:
            after = await snapshot(conn, names)
        actor = event.sender.user_id
        for name in names - {actor}:
            mine, theirs = before.get(name, {}), after.get(name, {})
            if event.chat.is_group and event.chat.user_is_admin:
                # An admin ending the group's cohort ends everyone's membership of it.
                mine = {k: v for k, v in mine.items() if k != "cohort_members"}
                theirs = {k: v for k, v in theirs.items() if k != "cohort_members"}
            assert mine == theirs, f"{name}'s data changed on {actor}'s {event!r}"
        if replies:
            run.shown[actor] = replies
            run.latest = replies
    await check_stored(run.coach, run.prefix)


async def check_stored(coach: Coach, prefix: str) -> None:
    """The rows of the users whose ids start with `prefix` are valid."""
    known_areas = set(MUSCLE_GROUPS) | set(EXTRA_AREAS)
    async with coach.db.transaction() as conn:
        if conn.dialect.name == "sqlite":
            assert (await conn.execute(text("PRAGMA integrity_check"))).scalar() == "ok"
            assert list(await conn.execute(text("PRAGMA foreign_key_check"))) == []
        mine = users.c.platform_user_id.startswith(prefix, autoescape=True)
        ids = select(users.c.id).where(mine).scalar_subquery()
        for row in await conn.execute(select(users).where(mine)):
            assert not STORED_CONTROL.search(row.display_name), repr(row.display_name)
            assert "\n" not in row.display_name
            if row.timezone is not None:
                ZoneInfo(row.timezone)
            assert all(0 <= d <= 6 for d in row.training_days or [])
        for row in await conn.execute(select(checkins).where(checkins.c.user_id.in_(ids))):
            assert isinstance(row.day, date)
            assert row.levels and set(row.levels) <= known_areas, row.levels
            assert all(isinstance(v, int) and 0 <= v <= 4 for v in row.levels.values())
        for row in await conn.execute(select(users).where(mine, users.c.convo_flow.is_not(None))):
            assert row.convo_flow in coach.flows and row.convo_seq >= 1
        for row in await conn.execute(select(reminders).where(reminders.c.user_id.in_(ids))):
            assert re.fullmatch(r"[0-2]\d:[0-5]\d", row.at)
            assert all(0 <= d <= 6 for d in row.days)
        for table in USER_TABLES:
            for row in await conn.execute(select(table).where(table.c.user_id.in_(ids))):
                for value in row:
                    if isinstance(value, str):
                        assert not STORED_CONTROL.search(value), (table.name, value)


class Loop:
    """One event loop for a whole property test: the database's connections belong to it."""

    def __init__(self) -> None:
        self.runner = asyncio.Runner()

    def __call__(self, coro: Coroutine[Any, Any, T]) -> T:
        return self.runner.run(coro)

    def close(self) -> None:
        self.runner.close()


def with_coach(database_url: str, body: Callable[[Loop, Coach], None]) -> None:
    loop = Loop()
    try:
        db = Database(database_url)
        loop(db.migrate())
        try:
            body(loop, build_coach(db))
        finally:
            loop(db.close())
    finally:
        loop.close()


def test_random_scripts_keep_every_invariant(database_url: str) -> None:
    def body(loop: Loop, coach: Coach) -> None:
        examples = itertools.count()

        @FUZZ
        @given(script=scripts(coach))
        def prop(script: list[Action]) -> None:
            loop(play(Run(coach, f"x{next(examples)}-"), script))

        prop()

    with_coach(database_url, body)


def test_many_users_at_once_in_random_order(database_url: str) -> None:
    """Users' scripts run concurrently, interleaved as the event loop pleases: each still
    gets every answer, and the database never gives up (one transaction per event)."""

    def body(loop: Loop, coach: Coach) -> None:
        examples = itertools.count()

        @settings(FUZZ, max_examples=20)
        @given(st.lists(scripts(coach, max_size=12), min_size=2, max_size=8))
        def prop(per_user: list[list[Action]]) -> None:
            n = next(examples)

            async def one(k: int, script: list[Action]) -> None:
                run = Run(coach, f"c{n}-{k}-")
                for action in script:
                    if isinstance(action, Wait):
                        continue
                    event = run.event(action)
                    replies = await coach.handle(event)
                    check_replies(event, replies)
                    if replies:
                        run.shown[event.sender.user_id] = replies
                        run.latest = replies

            async def everyone() -> None:
                await asyncio.gather(*(one(k, s) for k, s in enumerate(per_user)))
                await check_stored(coach, f"c{n}-")

            loop(everyone())

        prop()

    with_coach(database_url, body)
