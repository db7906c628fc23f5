"""Pain triage: tell ordinary soreness from warning pain and medical red flags.

A user describes a pain in their own words; `classify_pain` sorts it into one of a
few kinds and `triage_advice` says what that kind likely is and what to do. Pure
functions, standard library only, no I/O.

How it reads a description:

* The text is lower-cased, emoji and symbols are dropped, and punctuation becomes a
  clause break. Common misspellings and slang are mapped to a canonical word through a
  small alias table, then a cheap edit-distance match against the cue vocabulary.
* Cues are regular expressions over the cleaned words. A cue is ignored when a negation
  ("no", "not", "doesn't", "without", ...) comes up to four words before its first or
  last word in the same clause; a clause ends at punctuation or a word such as "but",
  "just", "and". A body part followed by "is fine" / "doesn't hurt" is not a complaint.
* Precedence: red flag > sharp > joint/tendon > chronic lower back > lower back after
  lifting > pump/burn > ordinary soreness (DOMS) > unclear. A red flag always wins.
"""

from core.rules.triage.advice import FOLLOW_UPS, FollowUp, append_answer, triage_advice
from core.rules.triage.classify import classify_pain, is_red_flag
from core.rules.triage.kinds import (
    RED_FLAG_NAMES,
    PainKind,
    RedFlag,
    Triage,
)
from core.rules.triage.reading import read_tokens

__all__ = [
    "FOLLOW_UPS",
    "RED_FLAG_NAMES",
    "FollowUp",
    "PainKind",
    "RedFlag",
    "Triage",
    "append_answer",
    "classify_pain",
    "is_red_flag",
    "read_tokens",
    "triage_advice",
]
