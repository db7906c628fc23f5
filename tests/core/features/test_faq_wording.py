"""FAQ: how a question is read before it is matched — typos, slang, chat filler, where it
was come across — and which subjects are outside what the coach covers."""

from __future__ import annotations

import pytest

from core.features.faq.feature import Faq
from core.features.faq.knowledge import RED_FLAGS, knowledge
from core.features.faq.matcher import Matcher

MATCHER = Matcher(knowledge())


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("how long does sorenes last", "doms-basics"),
        ("wat is doms", "doms-basics"),
        ("lift sore?", "lift-while-sore"),
        ("how shud i warmup wen im sore", "warm-up-when-sore"),
        ("when shoud i delod", "deload"),
        ("my lower bak is alwyas sore", "lower-back-always-sore"),
        ("does runing kill my gains", "cardio-interference"),
        ("isnt getting sore anymore bad", "repeated-bout-effect"),
        ("wat happens in a deload wk", "deload"),
        ("tris soar, train them tmrw or rest?", "lift-while-sore"),
        ("my mate reckons the sorer you are the more youve grown, true?", "soreness-vs-growth"),
        # misspelt filler is filler, and DOMS made a verb is soreness
        ("does a warmup basicly help when ur doms'd, or is it a placebo", "warm-up-when-sore"),
    ],
)
def test_typos_and_slang_still_find_the_topic(question: str, key: str) -> None:
    assert MATCHER.match(question).key == key


@pytest.mark.parametrize(
    ("word", "read_as"),
    [
        ("sorenes", "soreness"),  # a typo of ours is corrected
        ("stretches", "stretches"),  # ours in another form stays, and stems to ours
        ("chain", None),  # a real word we never use is not turned into one we do ("chin")
        ("loser", None),
    ],
)
def test_typos_are_corrected_but_real_words_are_not(word: str, read_as: str | None) -> None:
    assert MATCHER.correct(word) == read_as


def test_everyday_words_near_the_out_of_scope_ones_still_answer() -> None:
    assert MATCHER.match("brand new to lifting, how sore is too sore?").key == "beginners-ease-in"
    assert MATCHER.match("should i stretch pre workout when sore").key == "warm-up-when-sore"
    assert MATCHER.match("how much should I squat if im sore").key is not None
    assert MATCHER.match("im so sore and stiff my mobility is gone, how do i warm up").key == (
        "warm-up-when-sore"
    )
    assert MATCHER.match("is a cold bath good for a stiff lower back").key == "lower-back-fatigue"
    assert MATCHER.match("walking my dog on rest days, active recovery?").key == "active-recovery"
    # A menstrual period is not periodization (which "period" stems to).
    assert MATCHER.match("on my period and sore, should i train").key == "lift-while-sore"
    assert MATCHER.match("cramps during my period, can i still lift").key != "periodization"
    # Gear mentioned in passing is not a question about gear.
    assert MATCHER.match("I wear a belt and my lower back is still sore after deadlifts").key == (
        "lower-back-soreness"
    )
    assert MATCHER.match("is it ok to train legs 2 days in a row").key == "training-frequency"
    # Massage and saunas are the article's; a massage gun's price is not.
    assert MATCHER.match("massage or sauna for sore muscles, worth the money?").key == (
        "reduce-soreness"
    )
    assert MATCHER.match("is a massage gun worth the money").key is None
    # Ice baths are not in the article, but it says what does and does not help.
    assert MATCHER.match("do ice baths help with doms").key == "reduce-soreness"
    assert MATCHER.match("when should I get medical attention for soreness").key == RED_FLAGS
    # A membership just bought is not a question about memberships.
    assert MATCHER.match("signed up for a gym membership last week, how hard should i go?").key == (
        "beginners-ease-in"
    )
    # Covid as a time, not an illness.
    assert (
        MATCHER.match("let myself go during covid, how many days a week should a beginner lift").key
        == "training-frequency"
    )
    # Someone else's diagnosis mentioned in passing is not one to treat.
    dad = (
        "my dad had a herniated disc so how do i know if my sore back after deadlifts is an injury"
    )
    assert MATCHER.match(dad).key == "back-pain-vs-injury"


def test_where_a_question_came_from_does_not_make_it_off_topic() -> None:
    # Chat filler and gym shorthand are not words the knowledge base lacks.
    assert (
        MATCHER.match(
            "honestly tho is it bad to do rdls when my hammies are still sore from yday"
        ).key
        is not None
    )
    assert MATCHER.match("what is periodization? saw a comment about it and i'm curious").key == (
        "periodization"
    )
    assert MATCHER.match("explain the repeated bout effect in plain english").key == (
        "repeated-bout-effect"
    )
    # "MWF" is Monday, Wednesday and Friday.
    assert MATCHER.match("why do so many programs train full body mwf?").key == (
        "training-frequency"
    )


def test_working_out_still_means_training() -> None:
    assert MATCHER.match("is it ok to work out when my legs are still sore").key == (
        "lift-while-sore"
    )


def test_chat_filler_and_numbers_do_not_make_a_question_look_off_topic() -> None:
    assert MATCHER.match("when is sorenes the worst, like day 1 or day 2 after?").key == (
        "doms-basics"
    )
    assert MATCHER.match("tl;dr pls").key == "key-takeaways"


@pytest.mark.parametrize(
    "question",
    [
        "who won the world cup",
        "best protein powder brand",
        "how do I bake bread",
        "what's the weather in Paris",
        "tell me a joke",
        "",
        "🤷‍♂️🤷‍♂️",
        "asdf qwerty",
        "what does sore loser mean",
        "my cat keeps throwing up what do i do",
        "best pre workout brand",
        "how do we work out who owes what after the trip",  # figuring out, not training
        "my throat hurts and I can't stop sneezing",
        "how much does a good barbell cost",  # shopping: no prices or brands in the base
        "which brand of foam roller should I buy for sore legs",
        "what size lifting belt should i get for deadlifts",
        "how much creatine should i take a day",  # supplements and diet
        "wat shud i eat 4 doms",  # … in slang too
        "rehab plan after my acl surgery, week by week?",  # surgery rehab
        "bulging disc confirmed by my doctor, what rehab exercises get me back to squats",
        "hamstring tear last month, how should i rehab it",
        "can only squat my bodyweight after two years, am i weak?",  # strength standards
        "is it safe to run sarms for a first cycle",  # drugs, not cycling
        "do steroids make you less sore after leg day",
        "whats a good bench press for a 70kg guy",  # strength standards
        "what is a good squat max for a 40 year old woman",
        "how much should a 75kg guy bench to count as strong",
        "is pre workout safe to take every day",  # the supplement
        "best app to track my lifts",
        "is it rude to rest on a machine between sets",  # gym manners
        "someone hogs the leg press for an hour every night, should i say something",
        "a guy sits on the cable machine texting, can i ask him to share",
        "physio found a torn rotator cuff, what should i do for rehab",
        "got golfers elbow from pull ups, how long will it take to heal",  # a diagnosis
        "shin splints from running, what stretches help",
        "cancel my gym membership, how?",
        "tennis elbow from typing all day, what helps",
        "whats a good rate of weight loss per week",  # diet
        "can i keep squatting heavy now that im pregnant",  # a midwife's or doctor's question
        "how many calories does an hour of squats burn",
        "I've got a fever and sore legs, can I lift",  # illness: not the article's subject
        "should I wear knee sleeves for heavy squats",  # gear asked about
        "which wrist wraps are best for bench",
        "are lifting straps cheating for deadlifts",
        "how do i improve ankle mobility for squats",  # mobility for its own sake
        "is it better to train in the morning or evening",  # time of day
        "my cat is sore after the vet",  # an animal's soreness
        "my dog seems sore after our hike",
    ],
)
def test_off_topic_questions_are_refused_not_answered(question: str) -> None:
    assert MATCHER.match(question).key is None


@pytest.mark.parametrize(
    "question",
    ["are sarms safe for a first cycle", "rehab plan after my acl surgery, week by week?"],
)
def test_out_of_scope_questions_offer_no_neighbouring_topic(question: str) -> None:
    """A topic button under "are SARMs safe" would read as if the topic answered it."""
    reply = Faq().answer(question)[0]
    assert "outside what I cover" in reply.text
    assert [b.label for b in reply.flat_buttons] == ["All topics"]
