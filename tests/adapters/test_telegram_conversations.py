"""Conversations through the Telegram adapter, as users see them: menus, guided check-ins
by buttons in place, photos and documents, groups (commands for this bot only, cohorts
whose answers stay private) and how replies are split, routed and answered. The real
python-telegram-bot Application polls a wire-level fake Bot API on 127.0.0.1; no network
and no token needed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from adapters.telegram.rendering import split_text
from core.engine.coach import Coach
from core.engine.payloads import owner_tag
from core.events import Button, ChatRef, Event, Reply, rows
from core.storage.schema import cohort_members, cohorts

# The fixtures: pytest finds them among this module's names.
from tests.adapters.telegram_fixtures import bot_fixture as bot_fixture
from tests.adapters.telegram_fixtures import real_coach_fixture as real_coach_fixture
from tests.adapters.telegram_fixtures import tg_fixture as tg_fixture
from tests.adapters.telegram_harness import (
    ALICE,
    BOB,
    CAROL,
    GROUP,
    Collected,
    Harness,
    Scripted,
    running,
)
from tests.fakes.telegram_api import BOT_USERNAME, FakeTelegram

# --- through the whole product ------------------------------------------------------------


async def test_menus_are_registered_and_start_answers_with_buttons(bot: Harness) -> None:
    menus = {c.params["scope"]["type"]: c.params["commands"] for c in bot.tg.sent("setMyCommands")}
    private = {c["command"] for c in menus["all_private_chats"]}
    groups = {c["command"] for c in menus["all_group_chats"]}
    assert {"start", "checkin", "timezone"} <= private
    assert "start" in groups and "timezone" not in groups

    welcome = await bot.say(ALICE, "/start", first_name="<b>Al & Bo</b>")
    assert "<b>Al & Bo</b>" in welcome.text  # shown as typed: plain text, no parse mode
    assert "parse_mode" not in welcome.params
    assert welcome.labels[:1] == ["Check in"]
    assert all(len(data.encode()) <= 64 for row in welcome.buttons for _, data in row)


async def test_a_full_check_in_by_buttons_stays_one_tidy_message(bot: Harness) -> None:
    intro = await bot.say(ALICE, "/checkin")
    assert "Start check-in" in intro.labels
    mark = bot.tg.mark()

    first = await bot.press(ALICE, intro, "Start check-in")
    assert first.method == "editMessageText"
    assert first.params["message_id"] == str(intro.result["message_id"])
    assert "(1 of" in first.text
    second = await bot.press(ALICE, first, "3 Very sore")
    assert "(2 of" in second.text
    third = await bot.press(ALICE, second, "1 Mild")
    assert "(3 of" in third.text
    done = await bot.press(ALICE, third, "The rest: none")

    assert done.text.startswith("Saved today's check-in:")
    assert "reply_markup" not in bot.tg.message_of(done)  # answered: no buttons left
    assert bot.tg.sent("sendMessage", since=mark) == []  # every step was an edit
    assert len(bot.tg.sent("answerCallbackQuery", since=mark)) == 4


async def test_an_expired_button_stops_its_spinner_with_a_notice_and_offers_what_next(
    bot: Harness,
) -> None:
    welcome = await bot.say(ALICE, "/start")
    for data in ("streak:show", "cmd:streak"):  # an older version's feature, and command
        mark = bot.tg.mark()
        bot.tg.push(bot.tg.press_data(ALICE, welcome.result, data))
        [answered] = await bot.tg.wait_for("answerCallbackQuery", since=mark)
        [offered] = await bot.tg.wait_for("sendMessage", since=mark)
        assert answered.params["text"] == "This button has expired."
        assert answered.params.get("show_alert") != "true"  # a passing notice, not a box
        assert answered.at <= offered.at
        assert offered.text.startswith("This button has expired — it's from an older message.")
        assert offered.labels == ["Check in", "Am I ready?", "Describe a pain", "Ask a question"]
    started = await bot.press(ALICE, offered, "Check in")  # and what it offers works
    assert "Start check-in" in started.labels


async def test_ready_walks_to_a_verdict(bot: Harness) -> None:
    question = await bot.say(ALICE, "/ready")
    assert "Still sore" in question.labels
    warmup = await bot.press(ALICE, question, "Still sore")
    assert "any sharp pain?" in warmup.text
    working_set = await bot.press(ALICE, warmup, "No")
    verdict = await bot.press(ALICE, working_set, "Stronger")
    assert "Stronger than last time" in verdict.text and "Train as planned" in verdict.text


async def test_pain_with_a_red_flag_says_stop_and_get_help(bot: Harness) -> None:
    answer = await bot.say(ALICE, "/pain a bit of a pump but also chest pain and I can't breathe")
    assert "red flag" in answer.text
    assert "emergency" in answer.text


async def test_ask_answers_from_the_knowledge_base(bot: Harness) -> None:
    answer = await bot.say(ALICE, "/ask is it ok to lift while I'm still sore?")
    assert answer.text.startswith("Lifting while sore")


async def test_chart_arrives_as_a_photo_and_export_as_a_document(bot: Harness) -> None:
    saved = await bot.say(ALICE, "/checkin legs 3 chest 1")
    assert saved.text.startswith("Saved today's check-in")

    mark = bot.tg.mark()
    bot.tg.push(bot.tg.text(ALICE, "/chart"))
    [photo] = await bot.tg.wait_for("sendPhoto", since=mark, within=20)
    assert photo.files["photo"].data.startswith(b"\x89PNG")
    assert photo.text.startswith("Your soreness by muscle group")

    mark = bot.tg.mark()
    bot.tg.push(bot.tg.text(ALICE, "/export"))
    [document] = await bot.tg.wait_for("sendDocument", since=mark)
    assert document.files["document"].filename == "doms-coach-export.csv"
    assert b"quads" in document.files["document"].data


async def test_group_commands_need_this_bot_and_chatter_is_ignored(
    tg: FakeTelegram, real_coach: Coach
) -> None:
    seen = Collected()

    async def handle(event: Event) -> list[Reply]:
        seen.append(event)
        return await real_coach.handle(event)

    async with running(tg, handle, real_coach.commands.values()) as bot:
        command = tg.text(ALICE, f"/help@{BOT_USERNAME}", group=GROUP)
        mark = tg.mark()
        tg.push(
            tg.text(BOB, "morning all, legs day!", group=GROUP),
            tg.text(BOB, "/help@SomeOtherBot", group=GROUP),
            command,
        )
        [help_reply] = await tg.wait_for("sendMessage", since=mark)
        assert help_reply.chat_id == GROUP
        assert "/start" in help_reply.text and "/timezone" not in help_reply.text
        reply_params = help_reply.params["reply_parameters"]
        assert reply_params["message_id"] == command["message"]["message_id"]

        await bot.say(BOB, "/start", group=GROUP, reply_to=help_reply.result)
        tg.push(tg.text(BOB, "thanks!", group=GROUP, reply_to=help_reply.result))
        await seen.until(3)

    assert [e.text for e in seen] == [f"/help@{BOT_USERNAME}", "/start", "thanks!"]
    assert all(e.chat == ChatRef("telegram", str(GROUP), is_group=True) for e in seen)
    assert seen[0].update_id is not None and seen[0].sender.user_id == str(ALICE)


async def test_a_cohort_in_a_group_keeps_everyones_answers_private(
    tg: FakeTelegram, real_coach: Coach
) -> None:
    db = real_coach.db

    async def count(table: Any) -> int:
        async with db.transaction() as conn:
            return int(await conn.scalar(select(func.count()).select_from(table)) or 0)

    tg.admins.add((GROUP, ALICE))
    start = "/cohort start 2026-11-23 mon,wed,fri 18:00 UTC"
    async with running(tg, real_coach.handle, real_coach.commands.values(), gone=db) as bot:
        refused = await bot.say(BOB, start, group=GROUP)
        assert "Only this chat's admins" in refused.text and await count(cohorts) == 0
        started = await bot.say(ALICE, start, group=GROUP)
        assert "Cohort started" in started.text and started.chat_id == GROUP

        # Bob has a private chat with the bot: his details arrive there, not in the group.
        await bot.say(BOB, "/start")
        mark = tg.mark()
        tg.push(tg.text(BOB, "/join", group=GROUP))
        said = await tg.wait_for("sendMessage", since=mark, count=2)
        assert {c.chat_id for c in said} == {GROUP, BOB}
        assert "your plan" not in next(c for c in said if c.chat_id == GROUP).text.lower()

        # Carol never opened one: the group gets a deep link that completes the join.
        tg.fail("sendMessage", 403, "Forbidden: bot can't initiate conversation", chat_id=CAROL)
        mark = tg.mark()
        tg.push(tg.text(CAROL, "/join", group=GROUP))
        [_, note] = await tg.wait_for("sendMessage", since=mark, count=2)
        assert note.chat_id == GROUP
        link = f"https://t.me/{BOT_USERNAME}?start=join-"
        assert link in note.text
        param = note.text.split("?start=")[1].split()[0]
        joined = await bot.say(CAROL, f"/start {param}")
        assert joined.chat_id == CAROL and "follows the cohort's plan" in joined.text
        await bot.say(ALICE, "/join", group=GROUP)
        assert await count(cohort_members) == 3

        for user, levels in ((ALICE, "chest 1"), (BOB, "chest 3"), (CAROL, "chest 2")):
            await bot.say(user, f"/checkin {levels}")
        summary = await bot.say(BOB, "/summary", group=GROUP)
        assert "3 of 3 checked in" in summary.text and "chest 2.0" in summary.text
        for private in ("User4242", "User5151", "User6363", "chest 1", "chest 3 "):
            assert private not in summary.text

        # Removed from the group: the cohort and its member list go.
        mark = tg.mark()
        tg.push(
            {
                "my_chat_member": {
                    "chat": tg.group_chat(GROUP),
                    "from": tg.user(ALICE),
                    "date": 1_700_000_000,
                    "old_chat_member": {"status": "member", "user": tg.bot_user()},
                    "new_chat_member": {"status": "left", "user": tg.bot_user()},
                }
            }
        )
        await bot.unreachable.until(2)  # Carol's failed DM, then the group
        assert bot.unreachable[-1] == ChatRef("telegram", str(GROUP), is_group=True)
    assert await count(cohorts) == 0 and await count(cohort_members) == 0


# --- rendering and routing, with a stand-in for the coach ---------------------------------


async def test_long_text_is_split_and_buttons_go_on_the_last_part(tg: FakeTelegram) -> None:
    text = "\n".join(f"line {n} " + "x" * 60 for n in range(100))
    reply = Reply(text, rows(Button("OK", "cmd:help")))
    async with running(tg, Scripted(reply)) as bot:
        mark = tg.mark()
        tg.push(tg.text(ALICE, "hello"))
        first, second = await tg.wait_for("sendMessage", since=mark, count=2)
    assert first.text + "\n" + second.text == text
    assert first.buttons == [] and second.labels == ["OK"]
    assert bot.adapter.bot_username == BOT_USERNAME


async def test_a_private_reply_in_a_group_goes_to_the_users_private_chat(
    tg: FakeTelegram,
) -> None:
    secret = Reply("Your pain notes: sharp, left knee.", private=True)
    async with running(tg, Scripted(secret)) as bot:
        direct = await bot.say(ALICE, "/pain", group=GROUP)
        assert direct.chat_id == ALICE and direct.text == secret.text

        tg.fail("sendMessage", 403, "Forbidden: bot can't initiate conversation", chat_id=ALICE)
        note = await bot.say(ALICE, "/pain", group=GROUP)
    assert note.chat_id == GROUP
    assert f"@{BOT_USERNAME}" in note.text and "knee" not in note.text


async def test_admin_rights_are_checked_only_for_cohort_commands(tg: FakeTelegram) -> None:
    coach = Scripted(Reply("ok"))
    tg.admins.add((GROUP, ALICE))
    async with running(tg, coach) as bot:
        await bot.say(ALICE, "/help", group=GROUP)
        assert tg.sent("getChatMember") == []
        await bot.say(ALICE, f"/cohort@{BOT_USERNAME} start", group=GROUP)
        await bot.say(BOB, "/cohort start", group=GROUP)
    assert [e.chat.user_is_admin for e in coach.events] == [False, True, False]
    assert len(tg.sent("getChatMember")) == 2


async def test_pressing_someone_elses_question_only_tells_the_presser(tg: FakeTelegram) -> None:
    question = Reply(
        "Alice, ready?", rows(Button("Yes", f"q:{owner_tag('telegram', str(ALICE))}:1:y"))
    )
    coach = Scripted(question)
    async with running(tg, coach) as bot:
        asked = await bot.say(ALICE, "/ready", group=GROUP)
        coach.replies = [Reply("That button belongs to someone else's question.")]
        mark = tg.mark()
        tg.push(tg.press(BOB, asked.result, "Yes"))
        [answer] = await tg.wait_for("answerCallbackQuery", since=mark)
        await bot.say(BOB, "/help", group=GROUP)  # everything before it is done
    assert answer.params["show_alert"] == "true"
    assert "someone else's" in answer.params["text"]
    assert [c.method for c in tg.sent(since=mark)].count("editMessageText") == 0


def test_split_text_counts_utf16_units_and_keeps_everything() -> None:
    text = "💪" * 3000  # 6,000 UTF-16 units
    parts = split_text(text)
    assert len(parts) == 2 and "".join(parts) == text
    assert all(len(p.encode("utf-16-le")) // 2 <= 4096 for p in parts)
    assert split_text("   ") == []
