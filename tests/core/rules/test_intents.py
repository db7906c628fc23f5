"""Free text read as what the user means: a greeting, today's soreness, a pain, a "should I
train today?", or a question — in lifters' own words, typos and slang included."""

from __future__ import annotations

import pytest

from core.rules.intents import Intent, read_intent, unanswered

GREETING, CHECKIN, PAIN, READY, QUESTION = (
    Intent.GREETING,
    Intent.CHECKIN,
    Intent.PAIN,
    Intent.READY,
    Intent.QUESTION,
)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # The issue's own examples.
        ("what can you do?", GREETING),
        # What someone does somewhere is not what the coach does.
        ("what do u actually do on a deload wk", QUESTION),
        ("what do you do exactly", GREETING),
        ("help", GREETING),
        ("hi", GREETING),
        ("thanks!", GREETING),
        ("menu", GREETING),
        ("my legs are really sore today", CHECKIN),
        ("legs are wrecked", CHECKIN),
        ("chest a bit sore, rest fine", CHECKIN),
        ("nothing sore today", CHECKIN),
        ("I have a sharp pain in my knee", PAIN),
        ("gym day but my quads are killing me, go or rest?", READY),
        ("should I skip today?", READY),
        ("can I train legs today?", READY),
        # Greetings with real content are read by the content.
        ("hey coach, my chest is sore today", CHECKIN),
        ("yo coach wassup", GREETING),
        ("ok cool thx", GREETING),
        # Soreness said, asked about in general, or asked about for today.
        ("my hammies r soar af", CHECKIN),
        ("quads 3 hams 2", CHECKIN),
        ("why are my legs so sore two days after squats", QUESTION),
        ("i never get sore anymore, am i still growing?", QUESTION),
        ("is it bad to lift while sore", QUESTION),
        ("still sore from monday, lift tonight or nah", READY),
        ("todays session: bench. chest 6/10 sore. go or no?", READY),
        ("triceps sore, train them tomorrow or rest?", READY),
        ("hams wrecked, hit hams tomorrow or rest?", READY),  # the check-in's muscle words
        ("should i train chest or back first", QUESTION),  # an order, not whether to train
        # A pain of one's own, or pain asked about in general.
        ("elbow hurts on the inside every time i curl", PAIN),
        ("lower back sore after deadlifts, deep ache by the spine", PAIN),
        ("is sharp pain while lifting normal or should i stop the set", QUESTION),
        ("back sore from rows, lats mostly", CHECKIN),  # back muscles, not the lower back
        # Off topic is a question the knowledge base refuses.
        ("whats the capital of australia", QUESTION),
        ("got a cold and a runny nose, should i still train", QUESTION),  # illness: not ours
        ("whats a good cue for keeping my elbows tucked on bench", QUESTION),  # no pain said
        ("my cat wont stop meowing at night 😩", QUESTION),  # 😩 alone is a mood
        # Thanks for the coach's help is thanks, whatever the help was about.
        ("thanks for the tips on soreness yesterday, legit helped", GREETING),
        ("thanks for asking, my legs are wrecked", CHECKIN),
        # Soreness said as a number overall, and "take today off" / "any reason not to".
        ("overall maybe a 2 out of 10, pretty good", CHECKIN),
        ("glutes on fire lol cant sit down properly", CHECKIN),  # the day after, not a burn
        ("quads burning on the last set of lunges", PAIN),
        ("whole body cooked from yesterday, should i just take today off", READY),
        ("barely sore today, any reason not to train?", READY),
        # Greetings as people type them: letters held down, "is this the bot?", "back again".
        ("helloo anyone home", GREETING),
        ("hello is this the lifting bot", GREETING),
        ("hey coach back again lol", GREETING),
        ("yo coach quick thing first, what commands do u have", GREETING),
        ("hey just started using this, what do i do", GREETING),
        # "Sore" said of something else is no check-in; a typo'd area with training is.
        ("my wallet is sore after buying these plates", QUESTION),
        ("still sore about losing my fantasy league lol", QUESTION),
        ("not sore at all tbh, kinda surprised", CHECKIN),
        ("my quotes are so soar today from squats", CHECKIN),
        # Someone else's soreness is no check-in of the user's, unless they speak of their own.
        ("my wife is sore after her first spin class", QUESTION),
        ("my dog seems sore after our hike", QUESTION),
        ("walked my dog and my legs are sore", CHECKIN),
        ("my friend is sore after leg day and i am too", CHECKIN),
        ("woke up stiff but nothing really sore", CHECKIN),
        # "should I train" closing a message about today, and going unless told otherwise.
        ("cant even sit down my hams are so sore lol should i train", READY),
        ("gonna go in today unless you say otherwise? arms still a bit sore", READY),
        ("is creatine worth it", QUESTION),  # not "worth going today?"
        ("today i can go gym or better i rest?", READY),
        # "every session, now nothing": a session then, not a session now.
        ("i was crippled every session, now nothing, did my gains stop or what", QUESTION),
        ("hit legs yesterday and today my quads are screaming", CHECKIN),
        ("morning! just back from the gym, wanted to say hi", GREETING),
        ("hello?? is this thing working", GREETING),
        ("hi coach what kind of stuff can u help with, soreness stuff too?", GREETING),
        ("thanks coach, that warm up sets tip from yesterday actually worked", GREETING),
        ("thanks coach, my quads are wrecked today", CHECKIN),
        ("gm new week lets gooo", GREETING),
        ("just got back from the gym, hi lol", GREETING),
        ("i feel tired, should i go to the gym anyway?", READY),
        ("everything is wrecked 10/10 doms, do i go in or chill", READY),
        ("how often should i train", QUESTION),
    ],
)
def test_free_text_is_read_as_what_the_user_means(text: str, intent: Intent) -> None:
    assert read_intent(text).intent is intent


@pytest.mark.parametrize(
    "text",
    [
        "hi coach, my foot went numb during deadlifts",
        "legs sore from leg day which is normal, but my knee gave way on the stairs",
        "gym today or rest? also my pee is dark like coke and my legs are swollen",
        "thanks! btw chest pain and short of breath on the last set",
    ],
)
def test_a_red_flag_wins_over_anything_said_with_it(text: str) -> None:
    assert read_intent(text).intent is PAIN


def test_soreness_said_with_a_question_is_asked_about_not_guessed() -> None:
    reading = read_intent("my legs are sore today, is that normal?")
    assert (reading.intent, reading.or_else) == (CHECKIN, QUESTION)


def test_back_soreness_asked_about_in_general_offers_both() -> None:
    reading = read_intent("my lower back was sore after deads for days, is that normal in general?")
    assert (reading.intent, reading.or_else) == (PAIN, QUESTION)


def test_lower_back_soreness_told_offers_triage_or_the_check_in() -> None:
    reading = read_intent("lower back sore after deadlifts yesterday, just the usual dull ache")
    assert (reading.intent, reading.or_else) == (PAIN, CHECKIN)


@pytest.mark.parametrize(
    "text",
    [
        "why is my lower back always sore even on rest days",
        "my lower back always feels tight and sore even on rest days, why would that be",
    ],
)
def test_why_a_back_never_recovers_offers_triage_or_the_answer(text: str) -> None:
    reading = read_intent(text)
    assert (reading.intent, reading.or_else) == (PAIN, QUESTION)


def test_a_sore_joint_and_should_i_train_today_offers_both() -> None:
    reading = read_intent("my knee aches, should i train legs today?")
    assert (reading.intent, reading.or_else) == (PAIN, READY)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("yo coach my dog just ate my whole sandwich lol", GREETING),  # a hello, asking nothing
        ("coach ur warm up tip saved my session, much appreciated", GREETING),
        ("hey what's the weather in paris?", QUESTION),  # asked: refused honestly
        ("hi, write my essay pls", QUESTION),  # a request is no greeting
        ("my cat keeps meowing at night", QUESTION),  # no hello at all
        ("heard a pop n now bruising, see someone?", PAIN),  # a possible injury
    ],
)
def test_what_the_knowledge_base_cannot_answer_is_by_its_hello(text: str, intent: Intent) -> None:
    assert unanswered(read_intent(text)) is intent
