"""The payload a question's button carries: `q:<owner>:<seq>:<value>`.

`owner` is a short tag of the user the question was asked to and `seq` numbers the
question, so a press on an old question, or on someone else's question in a group, is
recognised and answered clearly instead of acting on the wrong state. Adapters read it
too: in a group, a press on someone else's question gets a notice only the presser sees.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

# What an adapter hands the coach for a press it cannot read as one of the coach's
# buttons: a select menu or form on a message from an older version, a Telegram press
# without callback data. No button handler takes it, so it is answered like any button
# that has expired — with what the user can do now, instead of silence.
UNREADABLE = "?"


@dataclass(frozen=True, slots=True)
class QuestionPress:
    owner: str
    seq: int
    value: str


def owner_tag(platform: str, user_id: str) -> str:
    return hashlib.blake2s(f"{platform}:{user_id}".encode(), digest_size=3).hexdigest()


def question_payload(owner: str, seq: int, value: str) -> str:
    return f"q:{owner}:{seq}:{value}"


def parse_question_payload(payload: str) -> QuestionPress | None:
    parts = payload.split(":", 3)
    if len(parts) != 4 or parts[0] != "q" or not parts[2].isdigit():
        return None
    return QuestionPress(parts[1], int(parts[2]), parts[3])
