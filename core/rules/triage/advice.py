"""What to say about a triage, and the follow-up questions that settle an unclear one."""

from __future__ import annotations

from typing import NamedTuple

from core.rules.text import join_words
from core.rules.triage.kinds import EMERGENCY_FLAGS, SAME_DAY_FLAGS, PainKind, Triage

_ADVICE: dict[PainKind, str] = {
    PainKind.SHARP: (
        "That sounds like warning pain, not soreness. Sharp, stabbing or shooting pain, "
        "especially one that hits suddenly during a lift, often comes before an injury. "
        "Stop that lift now and don't grind through it. Rest it, and when you go back, "
        "go lighter and check your technique. If it lingers or keeps coming back, get it "
        "checked by a doctor or physiotherapist."
    ),
    PainKind.JOINT_TENDON: (
        "Sore joints or tendons aren't the useful kind of soreness. Muscles bounce back in "
        "a couple of days, but tendons and joints repair much more slowly, so this usually "
        "means your total training stress has crept too high. Cut back on intensity and "
        "volume: a deload week (two sets per exercise, stopping a couple of reps short of "
        "failure) is a good reset. If it still hurts after easing off, see a physiotherapist."
    ),
    PainKind.LOWER_BACK_AFTER_LIFT: (
        "A tired, sore lower back after deadlifts, squats or rows is normal. Your spinal "
        "erectors are muscles and get sore like any other, usually a day or two later. Keep "
        "it moving: a few slow cat-camels when you wake up and before training bring blood "
        "flow and ease the stiffness. Keep your back neutral under load. If the pain turns "
        "sharp or shoots down a leg, stop and get it checked."
    ),
    PainKind.LOWER_BACK_CHRONIC: (
        "A lower back that never seems to recover is usually not training soreness. Often "
        "it's posture: hips tipped forward (anterior pelvic tilt) or long hours sitting keep "
        "those muscles working all day, so they never get to rest. Build stronger abs and "
        "glutes to hold your hips in a better position, give the back some rest and break "
        "up long sitting. If it hasn't improved in a few weeks, see a physiotherapist or "
        "doctor."
    ),
    PainKind.PUMP_BURN: (
        "A burn or pump during a set is normal: it's your muscles working hard, and it fades "
        "within minutes of racking the weight. It isn't an injury signal and it isn't "
        "soreness. Rest between sets so you start the next one fresh. If the feeling is "
        "still there long after training, or turns sharp, tell me more."
    ),
    PainKind.DOMS: (
        "That sounds like normal muscle soreness (DOMS): a dull, tender, stiff ache that "
        "peaks about 24–72 hours after training. Training sore is fine and can even ease it: "
        "do a dynamic warm-up and light warm-up sets, then try a working set. Stronger or "
        "about the same? Carry on. Weaker? Make it a light active-recovery day. Skip "
        "anti-inflammatories; blood flow helps more. If it's crippling, ease in more gently "
        "next time."
    ),
    PainKind.UNCLEAR: (
        "I need a bit more detail to tell what this is. What does it feel like (a dull ache, "
        "sharp, burning, numb or tingling)? Where is it (a muscle, a joint or tendon, your "
        "lower back)? And when did it start (during a set, a day or two after training, or "
        "weeks ago)?"
    ),
}


def triage_advice(triage: Triage) -> str:
    """The verdict for a triage result: what it likely is and what to do, plain text."""
    if triage.kind is not PainKind.RED_FLAG:
        return _ADVICE[triage.kind]
    flags = triage.red_flags
    found = join_words(flags) if flags else "a warning sign"
    if EMERGENCY_FLAGS.intersection(flags):
        action = (
            "This is an emergency: call your local emergency number or go to the emergency "
            "department now."
        )
    elif SAME_DAY_FLAGS.intersection(flags):
        action = (
            "Get urgent medical care today: after a hard session this can mean serious "
            "muscle breakdown, which needs a doctor quickly."
        )
    else:
        action = "See a doctor urgently, and don't lift again until you've been checked."
    return (
        f"Stop training now. You mentioned {found}: that is a red flag, not ordinary "
        f"soreness. {action}"
    )


class FollowUp(NamedTuple):
    """One clarifying question; unpacks as (question, options)."""

    question: str
    options: tuple[tuple[str, str], ...]  # (button label, phrase appended to the text)


FOLLOW_UPS: tuple[FollowUp, ...] = (
    FollowUp(
        "What does it feel like?",
        (
            ("Dull ache / tender", "dull ache"),
            ("Sharp or stabbing", "sharp stabbing pain"),
            ("Burning during a set", "burn during the set"),
            ("In a joint or tendon", "joint pain"),
            ("Numb or tingling", "numbness tingling"),
        ),
    ),
    FollowUp(
        "When did it start?",
        (
            ("During a set, gone after", "burn during the set that fades after"),
            ("A day or two after training", "sore a day or two after training"),
            ("Suddenly, mid-lift", "sudden pain mid lift"),
            ("Weeks ago, most days since", "aching joints every day for weeks"),
        ),
    ),
    FollowUp(
        "Where is it?",
        (
            ("A muscle I trained", "sore muscles"),
            ("Knee, elbow, wrist or a tendon", "joint pain"),
            ("Lower back, after lifting", "lower back sore after deadlifts"),
            ("Lower back, most days", "lower back sore every day for weeks"),
            ("Chest, or short of breath", "chest pain short of breath"),
        ),
    ),
)


def append_answer(description: str, phrase: str) -> str:
    """Add a follow-up answer to a description as its own clause, so a negation at the end
    of the description ("...but not sharp") cannot reach into the answer."""
    description = description.strip()
    return f"{description}. {phrase}" if description else phrase
