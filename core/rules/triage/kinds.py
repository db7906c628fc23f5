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


# Human-readable red-flag names (these appear in the advice text).
RF_NUMBNESS = "numbness or tingling"
RF_RADIATING = "pain shooting or spreading down a limb"
RF_DARK_URINE = "dark or cola-coloured urine"
RF_SWELLING = "extreme swelling or a limb that won't straighten"
RF_CHEST = "chest pain or breathlessness"
RF_BLADDER_BOWEL = "loss of bladder or bowel control"
RF_JOINT_GIVES_WAY = "a joint that locks or gives way"
RED_FLAG_NAMES: tuple[str, ...] = (
    RF_NUMBNESS,
    RF_RADIATING,
    RF_DARK_URINE,
    RF_SWELLING,
    RF_CHEST,
    RF_BLADDER_BOWEL,
    RF_JOINT_GIVES_WAY,
)
EMERGENCY_FLAGS = frozenset({RF_CHEST, RF_BLADDER_BOWEL})
SAME_DAY_FLAGS = frozenset({RF_DARK_URINE, RF_SWELLING})
