"""`classify_pain`: the cue hits that are not negated, decided by precedence."""

from __future__ import annotations

from bisect import bisect_right

from core.rules.triage.cues import CUES, Cat
from core.rules.triage.kinds import PainKind, Triage
from core.rules.triage.reading import negated_flags, read_tokens


def _find(tokens: list[str]) -> dict[Cat, list[tuple[str, str | None]]]:
    """All cue hits that are not negated, per category, as (phrase, red-flag name)."""
    text = " ".join(tokens)
    starts: list[int] = []
    offset = 0
    for token in tokens:
        starts.append(offset)
        offset += len(token) + 1
    negated = negated_flags(tokens)
    hits: dict[Cat, list[tuple[str, str | None]]] = {}
    for cue in CUES:
        for match in cue.pattern.finditer(text):
            if negated[bisect_right(starts, match.start()) - 1]:
                continue
            if cue.check_end and negated[bisect_right(starts, match.end() - 1) - 1]:
                continue
            hits.setdefault(cue.cat, []).append((match.group(0), cue.flag))
    return hits


def _phrases(hits: list[tuple[str, str | None]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(phrase for phrase, _ in hits))


def classify_pain(text: str) -> Triage:
    """Sort a free-text pain description into a `PainKind` (see the module docstring)."""
    tokens = read_tokens(text)
    if not tokens:
        return Triage(PainKind.UNCLEAR, (), ())
    hits = _find(tokens)

    red = hits.get(Cat.RED)
    if red:
        flags = tuple(dict.fromkeys(flag for _, flag in red if flag is not None))
        return Triage(PainKind.RED_FLAG, flags, _phrases(red))
    for cat, kind in (
        (Cat.SHARP, PainKind.SHARP),
        (Cat.JOINT, PainKind.JOINT_TENDON),
    ):
        found = hits.get(cat)
        if found:
            return Triage(kind, (), _phrases(found))

    lift = hits.get(Cat.LB_LIFT, [])
    chronic = hits.get(Cat.CHRONIC, [])
    back = list(hits.get(Cat.LB_PART, []))
    if not back and (lift or chronic):
        back = hits.get(Cat.BACK_BARE, [])
    if back:
        if chronic:
            return Triage(PainKind.LOWER_BACK_CHRONIC, (), _phrases(back + chronic))
        return Triage(PainKind.LOWER_BACK_AFTER_LIFT, (), _phrases(back + lift))

    for cat, kind in ((Cat.PUMP, PainKind.PUMP_BURN), (Cat.DOMS, PainKind.DOMS)):
        found = hits.get(cat)
        if found:
            return Triage(kind, (), _phrases(found))
    return Triage(PainKind.UNCLEAR, (), ())


def is_red_flag(text: str) -> bool:
    """Whether `text` names a medical red flag: it wins over anything else said with it."""
    return classify_pain(text).kind is PainKind.RED_FLAG
