"""FAQ: the right topic for paraphrases, typos and slang; an honest "not sure" otherwise."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from core.engine.coach import Coach
from core.features.faq import training
from core.features.faq.feature import Faq
from core.features.faq.knowledge import RED_FLAGS, knowledge, parse_knowledge
from core.features.faq.matcher import LOWER_BACK, REASSURING, WARNING_PAIN, Matcher
from core.features.faq.reranker import Memory, Reranker, neighbours, shipped, whitening
from tests.conftest import Chat

KB = knowledge()
MATCHER = Matcher(KB)
DESIGN_KEYS = """doms-basics lift-while-sore warm-up-when-sore still-sore-after-warmup
active-recovery soreness-vs-growth eccentric-vs-concentric beginners-ease-in
repeated-bout-effect periodization
strength-vs-hypertrophy muscle-not-sore reduce-soreness joints-tendons deload lower-back-soreness
back-pain-vs-injury lower-back-always-sore lower-back-fatigue lower-back-training sharp-pain
training-frequency cardio-interference red-flags""".split()


def test_every_designed_key_exists_with_a_phone_sized_answer() -> None:
    assert set(DESIGN_KEYS) <= set(KB.entries)
    for entry in KB.entries.values():
        assert len(entry.answer.split()) < 120, entry.key
        assert len(entry.title) <= 32, entry.key


def test_broken_knowledge_files_are_rejected() -> None:
    entry = 'key = "a"\ntitle = "A"\nsection = "s"\nquestions = ["q"]\nanswer = "x"\n'
    with pytest.raises(ValueError, match="duplicate"):
        parse_knowledge(f"[[entry]]\n{entry}[[entry]]\n{entry}")
    with pytest.raises(ValueError, match="related"):
        parse_knowledge(f'[[entry]]\n{entry}related = ["missing"]\n')


@pytest.mark.parametrize("key", sorted(KB.entries))
def test_each_topic_is_reachable_by_three_phrasings_it_was_not_given(key: str) -> None:
    """Leave-one-out: each example question, removed from the index, must still find
    its topic — at least three per topic."""
    found = 0
    for question in KB[key].questions:
        if Matcher(KB, exclude=frozenset({question})).match(question).key == key:
            found += 1
            if found == 3:
                break
    assert found >= 3


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
    ("question", "key"),
    [
        # Issue 16: questions on neighbouring topics got the neighbour's answer.
        ("gym day but my quads are killing me, go or rest?", "lift-while-sore"),
        ("back from three weeks off and the first workout destroyed me", "beginners-ease-in"),
        ("I got very sore from running, will that build my legs?", "soreness-vs-growth"),
        ("how should I structure my chest training over a few weeks", "periodization"),
        (
            "legs get wrecked but shoulders never sore after full body, imbalance?",
            "muscle-not-sore",
        ),
    ],
)
def test_neighbouring_topics_get_their_own_answer(question: str, key: str) -> None:
    assert MATCHER.match(question).key == key


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("my quads are killing me, can i still lift?", "lift-while-sore"),  # soreness
        ("does running kill my gains", "cardio-interference"),  # … but this is not
        ("saw a youtube video about the repeated bout effect, what is it?", "repeated-bout-effect"),
        ("do i need rest days between sessions", "training-frequency"),
        ("got back pain after deadlifts, normal?", "lower-back-soreness"),  # the back …
        ("when should i back off and take an easy week", "deload"),  # … backing off …
        ("took a month off for exams and my first session back wrecked me", "beginners-ease-in"),
    ],
)
def test_everyday_ways_of_saying_it_are_read(question: str, key: str) -> None:
    """Slang for soreness, where someone heard of a topic, plurals, and "back" as in
    coming back to training rather than one's back."""
    assert MATCHER.match(question).key == key


def test_the_shipped_reranker_knows_every_topic_and_reads_back_from_its_file(
    tmp_path: Path,
) -> None:
    model = shipped()
    assert sorted(model.keys) == sorted(KB.entries)
    path = tmp_path / "reranker.txt"
    model.dump(path, header=("written by a test",))
    parsed = Reranker.parse(path.read_text(encoding="utf-8"))
    assert parsed.tokens == model.tokens
    assert parsed.questions == model.questions
    assert parsed.owners.tolist() == model.owners.tolist()
    again = Matcher(KB, reranker=parsed)
    questions = [q for e in list(KB.entries.values())[::3] for q in e.questions[:4]]
    questions += ["sore 3 days after 20 squats, train?", "day 2 of 5x5 and my legs are cooked"]
    assert [again.match(q).key for q in questions] == [MATCHER.match(q).key for q in questions]


def test_a_reranker_for_other_topics_or_a_broken_file_is_refused() -> None:
    other = shipped()
    renamed = Reranker(
        keys=(*other.keys[:-1], "a-new-topic"),
        weights=other.weights,
        tokens=other.tokens,
        token_weights=other.token_weights,
        vector_weights=other.vector_weights,
        questions=other.questions,
        owners=other.owners,
    )
    with pytest.raises(ValueError, match="retrain"):
        Matcher(KB, reranker=renamed)
    with pytest.raises(ValueError, match="not a re-ranker file"):
        Reranker.parse("entry = 1\n")


def test_a_retrained_reranker_answers_from_what_it_learnt(monkeypatch: pytest.MonkeyPatch) -> None:
    """`bench/faq.py --retrain` in small: the knowledge base's example questions plus one
    labelled question (few steps, to keep the test quick)."""
    monkeypatch.setattr(training, "CLASSIFIER_STEPS", 40)
    monkeypatch.setattr(training, "RERANKER_STEPS", 100)
    labelled = [training.Labelled("legs are toast, skip today or lift?", "lift-while-sore", 0)]
    matcher = Matcher(KB, reranker=training.train(KB, labelled))
    assert matcher.match("when should I deload?").key == "deload"
    assert matcher.match("should I skip the gym if my legs still hurt").key == "lift-while-sore"
    assert matcher.match("who won the world cup").key is None


def test_the_closest_remembered_questions_vote_for_their_topics() -> None:
    """Topic 0 owns the closest question; topic 2 owns three of the five closest, so it
    gets the most votes; topic 3 owns none of the five and gets no vote."""
    similarity = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.1, 0.75], dtype=np.float32)
    owners = np.array([0, 2, 2, 1, 3, 3, 2])
    nearest, votes = neighbours(similarity, owners, 4)
    assert nearest.tolist() == pytest.approx([0.9, 0.6, 0.8, 0.5])
    assert votes.tolist() == pytest.approx([0.9, 0.6, 0.8 + 0.7 + 0.75, 0.0])
    # Fewer remembered questions than voters: each votes.
    nearest, votes = neighbours(similarity[:2], owners[:2], 4)
    assert votes.tolist() == pytest.approx([0.9, 0.0, 0.8, 0.0])


def test_whitening_finds_the_neighbour_of_the_same_topic_not_of_the_same_style() -> None:
    """Topic 0's questions differ widely along the first axis (how they are worded), topic
    1's barely; the second axis tells the topics apart. The question leans to topic 1 on
    the second axis but is worded like topic 0's first question: by plain cosine that one
    is closest, after whitening topic 1's."""
    memory = np.array([[1.0, 0.3], [-1.0, 0.3], [0.2, -0.3], [-0.2, -0.3]], dtype=np.float32)
    memory /= np.linalg.norm(memory, axis=1, keepdims=True)
    owners = np.array([0, 0, 1, 1])
    question = np.array([[1.0, -0.2]], dtype=np.float32)
    question /= np.linalg.norm(question)

    plain, whitened = (found[0] for found in Memory(memory, owners).similarity(question))
    assert int(owners[plain.argmax()]) == 0
    assert int(owners[whitened.argmax()]) == 1
    # The one pass gives the cosine after the map, as mapping both sides would.
    transform = whitening(memory, owners)
    mapped, asked = memory @ transform, question[0] @ transform
    cosine = mapped @ asked / np.linalg.norm(mapped, axis=1) / np.linalg.norm(asked)
    assert whitened.tolist() == pytest.approx(cosine.tolist(), abs=1e-5)
    # Training reads many questions at a time, the matcher one: both ways agree.
    batch = Memory(memory, owners).similarity(np.concatenate([question, memory[:1]]))
    assert batch[0][0].tolist() == pytest.approx(plain.tolist(), abs=1e-5)
    assert batch[1][0].tolist() == pytest.approx(whitened.tolist(), abs=1e-5)
    nearest, _ = neighbours(whitened, owners, 2)
    assert nearest[1] > nearest[0]


def test_slang_close_to_a_remembered_question_is_answered_not_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Half its words are unknown to the knowledge base, so the lexical gate alone refuses
    it; a labelled question phrased almost alike makes it ours. An unrelated question is
    still refused."""
    monkeypatch.setattr(training, "CLASSIFIER_STEPS", 40)
    monkeypatch.setattr(training, "RERANKER_STEPS", 100)
    slang = "bro wat even is DOMS, lads at my gym keep saying it and i just nod"
    assert Matcher(KB, reranker=None).match(slang).key is None
    remembered = "bro wat even is DOMS, lads at my gym keep saying it"
    labelled = [training.Labelled(remembered, "doms-basics", 0)]
    matcher = Matcher(KB, reranker=training.train(KB, labelled))
    assert matcher.match(slang).key == "doms-basics"
    assert matcher.match("bro wat even is a good laptop, lads keep saying mac").key is None


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("why do my muscles ache two days after the gym", "doms-basics"),
        ("should I skip the gym if my legs still hurt", "lift-while-sore"),
        ("how can I make the ache go away faster", "reduce-soreness"),
    ],
)
def test_sentence_vectors_load_offline_and_know_paraphrases(question: str, key: str) -> None:
    """The model's files come with the package: no download, no network."""
    close = MATCHER.similar(question)
    assert max(close, key=lambda k: close[k]) == key


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
    assert MATCHER.match(
        "let myself go during covid, how many days a week should a beginner lift"
    ).key == ("training-frequency")
    # Someone else's diagnosis mentioned in passing is not one to treat.
    assert MATCHER.match(
        "my dad had a herniated disc so how do i know if my sore back after deadlifts is an injury"
    ).key == ("back-pain-vs-injury")


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
    [
        "how do I warm up when sore? also my pee is dark brown and my arms are swollen",
        "should I deload? my left arm has been numb and tingling since yesterday",
        "is lifting sore ok, I had chest pain during my last set",
    ],
)
def test_red_flag_wording_wins_over_any_other_topic(question: str) -> None:
    assert MATCHER.match(question).key == RED_FLAGS


async def test_plain_text_in_a_private_chat_is_answered(chat_as: Callable[..., Chat]) -> None:
    chat = chat_as()
    await chat.say("when should I deload?")
    assert KB["deload"].answer in chat.text
    await chat.press(KB[KB["deload"].related[0]].title)
    assert KB[KB["deload"].related[0]].answer in chat.text


def test_the_other_likely_topic_leads_the_related_buttons() -> None:
    """The article puts a new program's lighter first week under the deload week and under
    easing in: the answer is the deload's, and easing in is the first button (the
    deload's own related topics put it third)."""
    question = "should the first week of a new program be lighter?"
    assert MATCHER.match(question).candidates[:2] == ("deload", "beginners-ease-in")
    reply = Faq().answer(question)[0]
    assert reply.text.startswith(KB["deload"].title)
    topics = [b.label for b in reply.flat_buttons if b.label != "Tell me more"]
    assert topics[0] == KB["beginners-ease-in"].title
    assert KB["deload"].related.index("beginners-ease-in") == 2
    assert len(topics) == 3


async def test_ask_with_and_without_arguments(chat_as: Callable[..., Chat]) -> None:
    chat = chat_as()
    await chat.say("/ask does cardio interfere with muscle growth")
    assert KB["cardio-interference"].answer in chat.text
    await chat.say("/ask")
    assert "Type your question" in chat.text
    await chat.say("is soreness a sign of growth")
    assert KB["soreness-vs-growth"].answer in chat.text


async def test_unsure_answer_offers_topics_as_buttons(chat_as: Callable[..., Chat]) -> None:
    chat = chat_as()
    await chat.say("who won the world cup")
    assert "not sure" in chat.text
    await chat.press("All topics")
    assert "Pick a topic" in chat.text
    await chat.press(KB["sharp-pain"].title)
    assert KB["sharp-pain"].answer in chat.text


@pytest.mark.parametrize(
    "question",
    [
        "sharp pain in my lower back every time i bend since yesterdays deadlifts, "
        "normal soreness?",
        "got a stabbing pain low in my back when I straighten up after rows, just doms right?",
        # Nor that a muscle that never gets sore is fine.
        "my chest never gets sore but bench gives me a shooting pain in it, what's up",
    ],
)
def test_a_sharp_pain_is_never_told_it_is_normal_soreness(question: str) -> None:
    assert MATCHER.match(question).key in WARNING_PAIN


def test_the_sharp_pain_rule_names_topics_the_knowledge_base_has() -> None:
    """A renamed key would quietly switch the rule off."""
    assert set(KB.entries) >= REASSURING | WARNING_PAIN | LOWER_BACK


@pytest.mark.parametrize(
    "question",
    [
        "this ache in my calf feels nothing like normal soreness, get it checked?",
        "how can i tell my pain is not just regular doms",
        "pain in my forearm is a weird burning kind, unlike any doms i've had",
    ],
)
def test_a_question_that_never_names_the_back_gets_no_lower_back_topic(question: str) -> None:
    assert MATCHER.match(question).key not in LOWER_BACK


@pytest.mark.parametrize(
    "question",
    ["are sarms safe for a first cycle", "rehab plan after my acl surgery, week by week?"],
)
def test_out_of_scope_questions_offer_no_neighbouring_topic(question: str) -> None:
    """A topic button under "are SARMs safe" would read as if the topic answered it."""
    reply = Faq().answer(question)[0]
    assert "outside what I cover" in reply.text
    assert [b.label for b in reply.flat_buttons] == ["All topics"]


async def test_faq_buttons_for_unknown_topics_are_explained(chat_as: Callable[..., Chat]) -> None:
    chat = chat_as()
    await chat.send_payload("faq:not-a-topic")
    assert "isn't one I have" in chat.text
    await chat.send_payload("more:../../etc/passwd")
    assert "isn't one I have" in chat.text


def test_answering_is_fast() -> None:
    """Under the 5 ms budget in the best of ten batches, so that another process busy on
    the machine does not decide it (`bench/faq.py` measures the median properly)."""
    import time

    MATCHER.match("warm up")
    batches: list[float] = []
    for _ in range(10):
        started = time.perf_counter()
        for _ in range(20):
            MATCHER.match("should i train if my legs are still sore from squats")
        batches.append((time.perf_counter() - started) / 20)
    assert min(batches) < 0.005


def test_a_running_coach_builds_the_matcher_before_the_first_question(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`coach run` warms up before it connects: the first person to ask doesn't wait
    about a second for the matcher to be built."""
    faq = Faq()
    coach = Coach(None).install([faq])  # type: ignore[arg-type]  # no database needed
    coach.warm_up()
    built: list[object] = []
    monkeypatch.setattr(Matcher, "__init__", lambda *args, **kw: built.append(args))
    replies = faq.answer("how long does soreness last after a workout")
    assert "24" in replies[0].text and built == []
