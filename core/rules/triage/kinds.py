"""What a triage finds: the kinds of pain, and the red flags by the name the advice uses."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PainKind(StrEnum):
    RED_FLAG = "red-flag"
    SHARP = "sharp"
    JOINT_TENDON = "joint-tendon"
    LOWER_BACK_AFTER_LIFT = "lower-back-after-lift"
    LOWER_BACK_CHRONIC = "lower-back-chronic"
    PUMP_BURN = "pump-burn"
    DOMS = "doms"
    UNCLEAR = "unclear"


@dataclass(frozen=True)
class Triage:
    kind: PainKind
    red_flags: tuple[str, ...]  # human-readable names of the red flags found
    matched: tuple[str, ...]  # the cue phrases that decided the kind


class RedFlag(StrEnum):
    """A medical red flag, by the human-readable name the advice text uses."""

    NUMBNESS = "numbness or tingling"
    RADIATING = "pain shooting or spreading down a limb"
    DARK_URINE = "dark or cola-coloured urine"
    SWELLING = "extreme swelling or a limb that won't straighten"
    CHEST = "chest pain or breathlessness"
    BLADDER_BOWEL = "loss of bladder or bowel control"
    JOINT_GIVES_WAY = "a joint that locks or gives way"


RED_FLAG_NAMES: tuple[str, ...] = tuple(RedFlag)
EMERGENCY_FLAGS = frozenset({RedFlag.CHEST, RedFlag.BLADDER_BOWEL})
SAME_DAY_FLAGS = frozenset({RedFlag.DARK_URINE, RedFlag.SWELLING})
