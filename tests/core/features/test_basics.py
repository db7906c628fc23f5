"""What a new user meets: help, unknown input, time zones, forgetting, stale buttons."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from core.engine.coach import Coach
from core.engine.payloads import UNREADABLE, owner_tag
from core.events import ChatRef, Event, Sender
from core.rules.text import MAX_TEXT
from core.storage.schema import USER_TABLES, metadata, users
from tests.conftest import Chat, coach_process


async def test_help_lists_the_commands(chat_as: Callable[..., Chat]) -> None:
    chat = chat_as()
    await chat.say("/help")
    for command in ("/start", "/timezone", "/forget"):
        assert command in chat.text


async def test_unknown_command_gets_a_helpful_reply_with_a_suggestion(
    chat_as: Callable[..., Chat],
) -> None:
    chat = chat_as()
    await chat.say("/timezon")
    assert "don't know the command /timezon" in chat.text
    assert "Did you mean /timezone?" in chat.text


async def test_empty_and_oversized_messages_get_a_clear_reply(chat_as: Callable[..., Chat]) -> None:
    chat = chat_as()
    await chat.say("   ")
    assert "didn't catch any text" in chat.text
    await chat.say("x" * 20_000)
    assert f"{MAX_TEXT:,} characters" in chat.text


async def test_timezone_is_validated_and_suggests_close_names(chat_as: Callable[..., Chat]) -> None:
    chat = chat_as()
    await chat.say("/timezone Mars/Olympus")
    assert "don't know the time zone" in chat.text
    await chat.say("/timezone Europe/Berln")
    await chat.press("Europe/Berlin")
    assert "Time zone set to Europe/Berlin" in chat.text
    await chat.say("/timezone")
    assert "Your time zone is Europe/Berlin" in chat.text


async def test_timezone_guided_step_accepts_a_typed_city(chat_as: Callable[..., Chat]) -> None:
    chat = chat_as()
    await chat.say("/timezone")
    await chat.say("new york")
    assert "Time zone set to America/New_York" in chat.text


async def stored_zone(chat: Chat) -> str | None:
    async with chat.coach.db.transaction() as conn:
        found = await conn.scalar(
            select(users.c.timezone).where(users.c.platform_user_id == chat.sender.user_id)
        )
    return None if found is None else str(found)


@pytest.mark.parametrize(
    ("typed", "stored", "said", "local"),
    [
        ("GMT-5", "Etc/GMT+5", "UTC-5", "07:00"),  # not Etc/GMT-5, which is UTC+5
        ("utc +2", "Etc/GMT-2", "UTC+2", "14:00"),
        ("+02:00", "Etc/GMT-2", "UTC+2", "14:00"),
        ("GMT+5:30", "Asia/Kolkata", "Asia/Kolkata (UTC+5:30)", "17:30"),
        ("EST", "America/New_York", "America/New_York", "07:00"),
        ("san francisco", "America/Los_Angeles", "America/Los_Angeles", "04:00"),
    ],
)
async def test_timezone_takes_offsets_and_abbreviations_as_the_user_means_them(
    chat_as: Callable[..., Chat], typed: str, stored: str, said: str, local: str
) -> None:
    chat = chat_as()
    await chat.say(f"/timezone {typed}")
    assert f"Time zone set to {said} — it's {local} there" in chat.text
    assert await stored_zone(chat) == stored
    await chat.say("/timezone")
    assert f"Your time zone is {said.split(' ')[0]} (it's {local} there)" in chat.text


async def test_timezone_offsets_out_of_range_or_shared_get_a_clear_reply(
    chat_as: Callable[..., Chat],
) -> None:
    chat = chat_as()
    await chat.say("/timezone UTC+15")
    assert "UTC-12 to UTC+14" in chat.text
    await chat.say("/timezone UTC+9:30")  # Darwin all year, Adelaide only in winter
    assert "UTC+9:30" in chat.text
    await chat.press("Australia/Darwin")
    assert "Time zone set to Australia/Darwin" in chat.text
    assert await stored_zone(chat) == "Australia/Darwin"


@pytest.mark.parametrize(
    "text",
    [
        "hi",
        "how long does doms last?",
        "legs 3",
        "I live somewhere near the coast",
        "good morning",
    ],
)
async def test_timezone_question_lets_other_messages_through(
    chat_as: Callable[..., Chat], text: str
) -> None:
    chat = chat_as()
    await chat.say("/timezone")
    await chat.say(text)
    assert "know the time zone" not in chat.text
    assert await stored_zone(chat) in (None, "UTC")


async def test_timezone_question_is_asked_again_after_an_aside(
    chat_as: Callable[..., Chat],
) -> None:
    chat = chat_as()
    await chat.say("/timezone")
    await chat.say("hi")
    assert "Type your city" in chat.text
    await chat.say("how long does doms last?")
    assert "Type your city" in chat.text
    await chat.say("Mars")  # a short unknown name is still read as a zone
    assert "I don't know the time zone “Mars”" in chat.text
    await chat.say("berln")
    assert "I don't know the time zone" in chat.text
    await chat.press("Europe/Berlin")
    assert "Time zone set to Europe/Berlin" in chat.text


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("/timezone Asia/Tokyo", "/timezone", "Asia/Tokyo"),  # a setting is kept
        ("/forget", "yes", "everything I stored about you is deleted"),  # the same step goes on
    ],
)
async def test_a_restart_keeps_settings_and_the_question_in_progress(
    database_url: str, before: str, after: str, expected: str
) -> None:
    async with coach_process(database_url) as coach:
        await Chat(coach).say(before)
    async with coach_process(database_url) as coach:
        chat = Chat(coach)
        await chat.say(after)
        assert expected in chat.text


async def test_stale_button_is_explained_and_the_current_question_asked_again(
    chat_as: Callable[..., Chat],
) -> None:
    chat = chat_as()
    old = await chat.say("/forget")
    await chat.say("/timezone")
    await chat.press("Yes, delete everything", old)
    assert "earlier question" in chat.text
    assert "type your city" in chat.text.lower()


async def test_forged_and_foreign_buttons_never_act(chat_as: Callable[..., Chat]) -> None:
    alice, mallory = chat_as("alice"), chat_as("mallory")
    asked = await alice.say("/forget")
    yes = next(b for b in asked[0].flat_buttons if b.label.startswith("Yes"))
    await mallory.say("/forget")
    await mallory.send_payload(yes.payload)
    assert "someone else's question" in mallory.text
    await mallory.send_payload("q:zz:999:yes")
    assert "someone else's" in mallory.text
    await mallory.send_payload("nonsense:\u0000payload")
    assert "This button has expired" in mallory.text
    await alice.say("/timezone")
    assert "Your time zone is UTC" in alice.text  # alice still exists, nothing deleted


@pytest.mark.parametrize(
    "payload",
    [
        "streak:show",  # a feature an older version had
        "cmd:streak",  # a command this version no longer has
        UNREADABLE,  # a select menu on an old Discord message
        "q:{me}:7:yes",  # a question of theirs that is long gone: nothing to resume
    ],
)
async def test_a_button_that_leads_nowhere_says_so_and_offers_what_to_do_now(
    chat_as: Callable[..., Chat], payload: str
) -> None:
    chat = chat_as()
    [reply] = await chat.send_payload(payload.format(me=owner_tag("test", "u1")))
    assert reply.notice  # said right where it was pressed, too (Telegram's answer)
    assert reply.text.endswith("Here's what you can do now:")
    labels = [b.label for b in reply.flat_buttons]
    assert labels == ["Check in", "Am I ready?", "Describe a pain", "Ask a question"]
    assert all(len(b.payload.encode()) <= 64 for b in reply.flat_buttons)
    await chat.press("Check in", [reply])  # and they work
    assert "Start check-in" in str(chat.last)


async def test_an_expired_press_and_a_stale_one_are_told_apart(
    chat_as: Callable[..., Chat],
) -> None:
    chat = chat_as()
    [expired] = await chat.send_payload("streak:show")
    assert expired.text.startswith("This button has expired — it's from an older message.")
    assert expired.notice == "This button has expired."
    old = await chat.say("/forget")
    await chat.say("/timezone")
    stale, question = await chat.press("No, keep it", old)
    assert stale.notice == "That button is from an earlier question."
    assert stale.buttons == ()  # the question asked again is what to do now
    assert "Type your city" in question.text


async def test_an_expired_press_in_a_group_offers_what_works_there(coach: Coach) -> None:
    sender = Sender("test", "ann", "Ann")
    group = ChatRef("test", "-100", is_group=True)
    [reply] = await coach.handle(Event(sender, group, payload="streak:show"))
    assert "This button has expired" in reply.text
    assert [b.label for b in reply.flat_buttons] == ["What I can do"]
    [menu] = await coach.handle(Event(sender, group, payload=reply.flat_buttons[0].payload))
    assert menu.text.startswith("Here's what I can do")


async def test_forget_deletes_every_row_of_the_user_and_no_one_elses(
    coach: Coach, chat_as: Callable[..., Chat]
) -> None:
    keep, leave = chat_as("keep"), chat_as("leave")
    for chat in (keep, leave):
        await chat.say("/timezone Europe/Berlin")
        await chat.say("/forget")
    await leave.press("Yes")
    assert "deleted" in leave.text
    async with coach.db.transaction() as conn:
        names = [r.platform_user_id for r in await conn.execute(select(users))]
        assert names == ["keep"]
        for table in USER_TABLES:
            count = await conn.scalar(select(func.count()).select_from(table))
            assert count == 0, table.name
    await keep.press("No")  # keep's own question is still open
    assert keep.text == "Kept. Nothing was deleted."


def test_every_table_with_a_user_id_is_covered_by_forget() -> None:
    with_user = {t.name for t in metadata.tables.values() if "user_id" in t.c}
    assert with_user == {t.name for t in USER_TABLES}


async def test_a_duplicated_update_is_handled_once(coach: Coach) -> None:
    event = Event(Sender("test", "dup"), ChatRef("test", "dup"), text="/forget", update_id="77")
    first = await coach.handle(event)
    again = await coach.handle(event)
    assert first and "Delete it all?" in first[0].text
    assert again == []


async def test_groups_ignore_plain_chatter_but_answer_commands(
    chat_as: Callable[..., Chat],
) -> None:
    chat = chat_as("g1", group="-100")
    assert await chat.say("lol nice session everyone") == []
    await chat.say("/help@DomsCoachBot")
    assert "/start" in chat.text
    await chat.say("/forget")
    assert "private chat" in chat.text
