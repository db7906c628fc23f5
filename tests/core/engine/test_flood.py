"""Flood control: someone sending hundreds of messages a minute is slowed with one polite
notice, and everyone else is still answered."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.app import flood_control
from bot.settings import Settings
from core.engine.coach import Coach
from core.engine.flood import GROUP_NOTICE, SENDER_NOTICE, FloodControl, FloodLimits
from core.events import ChatRef, Event, Reply, Sender
from core.storage.db import Database
from tests.conftest import NOON, build_coach


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def coach(sqlite_url: str, clock: Clock) -> AsyncIterator[Coach]:
    db = Database(sqlite_url)
    await db.migrate()
    coach = build_coach(db)
    coach.flood = FloodControl(
        FloodLimits(per_minute=30, burst=20, group_per_minute=20, group_burst=10), clock=clock
    )
    yield coach
    await db.close()


def said(user: str, text: str, *, group: str | None = None) -> Event:
    chat = ChatRef("test", group or user, is_group=group is not None)
    return Event(Sender("test", user, user.title()), chat, text=text, when=NOON)


def texts(replies: list[list[Reply]]) -> list[str]:
    return [r.text for batch in replies for r in batch]


async def test_a_flood_gets_one_notice_and_the_rest_is_skipped(coach: Coach) -> None:
    answers = [await coach.handle(said("flood", "/help")) for _ in range(300)]
    answered = [a for a in answers if a and a[0].text.startswith("Here's what I can do")]
    notices = [a for a in answers if a and a[0].text == SENDER_NOTICE]
    assert len(answered) == 20  # the burst
    assert len(notices) == 1 and answers[20] == notices[0]
    assert all(a == [] for a in answers[21:])


async def test_a_flood_never_starves_other_users(coach: Coach) -> None:
    flood = [coach.handle(said("flood", "what is doms?")) for _ in range(400)]
    others = [coach.handle(said(f"user{n}", "/help")) for n in range(30)]
    results = await asyncio.gather(*flood, *others)
    for answer in results[400:]:
        assert answer and answer[0].text.startswith("Here's what I can do")
    assert texts(list(results[:400])).count(SENDER_NOTICE) == 1


async def test_the_flooder_is_served_again_after_slowing_down(coach: Coach, clock: Clock) -> None:
    for _ in range(50):
        await coach.handle(said("flood", "/help"))
    clock.now += 10  # 30 a minute: five messages' worth
    back = [await coach.handle(said("flood", "/help")) for _ in range(6)]
    assert [bool(a) for a in back] == [True] * 5 + [False]  # no second notice in one flood
    clock.now += 120  # calmed down completely
    again = [await coach.handle(said("flood", "/help")) for _ in range(22)]
    assert texts(again).count(SENDER_NOTICE) == 1  # a new flood: a new notice


async def test_a_flooding_group_is_slowed_but_not_its_members_elsewhere(coach: Coach) -> None:
    noisy = [await coach.handle(said(f"member{n % 8}", "/help", group="-100")) for n in range(60)]
    assert texts(noisy).count(GROUP_NOTICE) == 1
    assert sum(1 for a in noisy if a and a[0].text.startswith("Here's")) == 10
    private = await coach.handle(said("member1", "/help"))
    assert private[0].text.startswith("Here's what I can do")
    other_group = await coach.handle(said("member1", "/help", group="-200"))
    assert other_group[0].text.startswith("Here's what I can do")


async def test_idle_senders_are_forgotten(clock: Clock) -> None:
    flood = FloodControl(FloodLimits(per_minute=30, burst=20), clock=clock)
    for n in range(5000):
        assert flood.check(said(f"once{n}", "hi")) is None
    clock.now += 60
    for _ in range(1024):
        flood.check(said("busy", "hi"))
    assert flood.tracked < 100


def test_limits_come_from_settings_and_zero_turns_them_off() -> None:
    flood = flood_control(Settings(flood_per_minute=0, flood_group_per_minute=0))
    assert all(flood.check(said("x", "hi", group="-1")) is None for _ in range(500))
    strict = flood_control(Settings(flood_per_minute=1, flood_burst=2))
    assert [strict.check(said("x", "hi")) is None for _ in range(3)] == [True, True, False]
