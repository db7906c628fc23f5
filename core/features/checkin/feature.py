"""The daily soreness check-in: `/checkin`, its guided questions, typed shorthand, the trained
muscle groups, and the `checkin:` buttons the morning reminder offers.

One row per user per local day in `checkins` (a second check-in the same day updates it, after
asking). Partial answers live in the conversation data, so a restart mid-check-in continues at
the same question. The decisions themselves (scale, advice, trends) are the pure functions in
`core.rules.soreness` and `core.rules.trends`.

Buttons outside the guided flow (stateless, for reminders): `checkin:start` starts the guided
questions, `checkin:none` records "nothing is sore" for today.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from core.engine.coach import Coach, Command
from core.engine.turn import Replies, Turn
from core.events import Reply
from core.features.checkin.questions import (
    BACK_WORDS,
    EXAMPLE,
    FLOW,
    GROUP_WORDS,
    NOTHING_PHRASES,
    REST_WORDS,
    SCALE_SHORT,
    START_WORDS,
    area_question,
    checkin_data,
    confirm_question,
    groups_question,
    in_checkin,
    offer_question,
    trained_by,
    trained_or_all,
)
from core.rules.checkin_words import parse_checkin_shorthand, parse_groups, parse_level
from core.rules.intents import Intent, read_intent
from core.rules.soreness import (
    MUSCLE_GROUPS,
    area_label,
    checkin_advice,
    checkin_areas,
    levels_summary,
    nothing_sore,
    trained_groups,
)
from core.rules.soreness_talk import read_soreness
from core.rules.text import join_words, read_yes_no
from core.rules.trends import CheckinDay, insights_text, trend_insights, trend_start
from core.storage.checkins import load_checkin, load_checkin_days, save_checkin, stored_levels
from core.storage.users import set_user_fields


def off_scale(said: Sequence[str]) -> str:
    numbers = join_words([f"“{n}”" for n in said])
    return (
        f"{numbers} {'is' if len(said) == 1 else 'are'} off the scale, so nothing was saved: "
        f"use a whole number from 0 to 4 ({SCALE_SHORT}), or out of 10, e.g. {EXAMPLE}."
    )


# Plain-word soreness with no area the check-in asks about ("so sore today").
UNPLACED = "Sounds like you're sore today — want to log it? I'll ask area by area."
CHANGE = (
    "Tell me again, area by area — e.g. “quads 2, hamstrings 3, rest fine” — or tap Start "
    "and I'll ask about each one."
)


class Checkin:
    def install(self, coach: Coach) -> None:
        coach.command(
            Command("checkin", "Log today's soreness (e.g. /checkin legs 3)", self.command)
        )
        coach.flow(CheckinFlow(self))
        coach.button("checkin", self.press)
        coach.on_free_text(Intent.CHECKIN, self.offer)

    async def command(self, turn: Turn, args: str) -> Replies:
        head, _, rest = args.strip().partition(" ")
        if head.lower() in {"groups", "group"}:
            if rest.strip():
                return await self.set_groups_typed(turn, rest)
            return [groups_question(turn, trained_or_all(turn), origin="cmd", fresh=True)]
        if args.strip():
            return await self.shorthand(turn, args)
        return [self.intro(turn)]

    async def press(self, turn: Turn, arg: str) -> Replies:
        """Stateless buttons, e.g. on the morning reminder."""
        if turn.event.chat.is_group:
            return [Reply("Check-ins are private — message me directly and send /checkin.")]
        if arg == "start":
            return await self.start_guided(turn, fresh=True)
        if arg == "none":
            return await self.record(turn, nothing_sore(trained_by(turn)), fresh=True)
        return [Reply("That check-in button is out of date. Send /checkin to check in.")]

    # -- steps -----------------------------------------------------------------------------------

    def intro(self, turn: Turn, *, fresh: bool = True) -> Reply:
        groups = trained_groups(trained_by(turn))
        names = join_words([area_label(g).lower() for g in groups])
        text = (
            f"Soreness check-in: I'll ask about your {names}, then joints/tendons and lower back "
            f"({len(groups) + 2} quick questions).\n"
            f"Scale: {SCALE_SHORT}.\n"
            f"Tip: next time you can type it in one go, e.g. {EXAMPLE}."
        )
        options = [
            ("Nothing is sore", "none"),
            ("Start check-in", "start"),
            ("Set my muscle groups", "groups"),
        ]
        return turn.ask(FLOW, "intro", text, options, data={} if fresh else None, per_row=1)

    async def start_guided(self, turn: Turn, *, fresh: bool = False) -> Replies:
        existing = await load_checkin(turn.conn, turn.user.id, turn.today)
        confirmed = None if fresh else checkin_data(turn).get("confirmed")
        if existing is not None and confirmed != turn.today.isoformat():
            return [confirm_question(turn, existing, then="guided")]
        areas = list(checkin_areas(trained_by(turn)))
        data: dict[str, Any] = {"areas": areas, "i": 0, "levels": {}, "confirmed": confirmed}
        return [area_question(turn, data)]

    async def answer(self, turn: Turn, level: int) -> Replies:
        data = dict(checkin_data(turn))
        areas: list[str] = list(data.get("areas") or checkin_areas(trained_by(turn)))
        i = int(data.get("i", 0))
        if not 0 <= i < len(areas):
            return await self.finish_guided(turn, data)
        levels = dict(data.get("levels") or {})
        levels[areas[i]] = level
        data.update(areas=areas, i=i + 1, levels=levels)
        if i + 1 >= len(areas):
            return await self.finish_guided(turn, data)
        return [area_question(turn, data)]

    async def rest_none(self, turn: Turn) -> Replies:
        data = dict(checkin_data(turn))
        areas: list[str] = list(data.get("areas") or checkin_areas(trained_by(turn)))
        levels = dict(data.get("levels") or {})
        for area in areas:
            levels.setdefault(area, 0)
        data.update(areas=areas, i=len(areas), levels=levels)
        return await self.finish_guided(turn, data)

    async def go_back(self, turn: Turn) -> Replies:
        data = dict(checkin_data(turn))
        data["i"] = max(0, int(data.get("i", 0)) - 1)
        return [area_question(turn, data)]

    async def finish_guided(self, turn: Turn, data: dict[str, Any]) -> Replies:
        areas = list(data.get("areas") or [])
        answered = stored_levels(data.get("levels"))
        levels = {a: answered.get(a, 0) for a in areas} | answered
        if turn.convo is not None:  # kept for a possible "update today's check-in?" step
            turn.convo.data = data
        return await self.record(turn, levels)

    async def offer(self, turn: Turn, text: str) -> Replies:
        """Soreness told in plain words ("legs are wrecked, rest fine"): read with the
        check-in's own words, shown back, and saved only when the user taps Save."""
        trained = trained_by(turn)
        talk = read_soreness(text, trained)
        if talk.off_scale:
            return [Reply(off_scale(talk.off_scale))]
        if not talk.levels and talk.rest is None:
            return [Reply(UNPLACED), self.intro(turn)]
        levels = talk.filled(trained)
        assumed = [] if talk.rest is not None else [a for a in levels if a not in talk.levels]
        return [offer_question(turn, levels, assumed)]

    async def offer_answered(self, turn: Turn, value: str) -> Replies | None:
        data = checkin_data(turn)
        if value == "save":
            assumed = list(data.get("assumed") or [])
            return await self.record(turn, stored_levels(data.get("levels")), assumed=assumed)
        if value == "change":
            options = [("Start check-in", "start"), ("Don't save", "no")]
            return [turn.ask(FLOW, "offer", CHANGE, options, data=None, per_row=2)]
        if value == "start":
            return await self.start_guided(turn, fresh=True)
        if value == "no":
            turn.finish()
            return [Reply("Okay — nothing saved. Check in whenever you like with /checkin.")]
        return None

    async def shorthand(self, turn: Turn, args: str) -> Replies:
        trained = trained_by(turn)
        parsed = parse_checkin_shorthand(args, trained)
        if not parsed.ok:
            # Words the shorthand doesn't take but a sentence does ("everything 4", "legs
            # sore, rest 1", "calves 1/4") are read as one and shown back; a number off the
            # 0-4 scale without its own scale ("legs 9") stays the shorthand's error.
            talk = read_soreness(args, trained)
            if (talk.levels or talk.rest is not None) and not talk.ten_guessed:
                return await self.offer(turn, args)
            problems = "\n".join(f"• {e}" for e in parsed.errors) or "• I found no soreness in it."
            return [
                Reply(
                    f"I couldn't read that check-in, so nothing was saved:\n{problems}\n"
                    f"Write each area with a level from 0 to 4, e.g. {EXAMPLE} "
                    f"({SCALE_SHORT}), or send /checkin for the questions one by one."
                )
            ]
        everything = nothing_sore(trained)
        assumed = [a for a in everything if a not in parsed.levels]
        levels = everything | parsed.levels
        return await self.record(turn, levels, assumed=assumed, fresh=True)

    async def record(
        self,
        turn: Turn,
        levels: Mapping[str, int],
        *,
        assumed: Sequence[str] = (),
        fresh: bool = False,
    ) -> Replies:
        """Store `levels` as today's check-in, asking first if one exists already."""
        today = turn.today
        confirmed = None if fresh else checkin_data(turn).get("confirmed")
        # One read serves both the "already checked in?" question and the trends.
        recent = await load_checkin_days(turn.conn, turn.user.id, trend_start(today), today)
        existing = recent[-1].levels if recent and recent[-1].day == today else None
        if existing is not None and confirmed != today.isoformat():
            return [
                confirm_question(
                    turn, existing, then="store", levels=dict(levels), assumed=list(assumed)
                )
            ]
        await save_checkin(turn.conn, turn.user.id, today, levels)
        if turn.convo is not None and turn.convo.flow == FLOW:
            turn.finish()
        verb = "Updated" if existing is not None else "Saved"
        lines = [f"{verb} today's check-in: {levels_summary(levels)}."]
        if assumed and len(assumed) < len(levels):
            names = join_words([area_label(a).lower() for a in assumed])
            lines.append(f"Not mentioned, so counted as none: {names}.")
        lines.append("")
        lines.append(checkin_advice(levels))
        stored = stored_levels(dict(levels))  # as it reads back from the database
        days = [d for d in recent if d.day != today] + [CheckinDay(today, stored)]
        found = trend_insights(days, trained_by(turn), today)
        if found:
            lines += ["", insights_text(found)]
        lines += ["", "See the last two weeks with /history, or a chart with /chart."]
        return [Reply("\n".join(lines))]

    async def confirmed(self, turn: Turn) -> Replies:
        data = dict(checkin_data(turn))
        data["confirmed"] = turn.today.isoformat()
        if turn.convo is not None:
            turn.convo.data = data
        if data.get("then") == "store":
            return await self.record(
                turn, stored_levels(data.get("levels")), assumed=list(data.get("assumed") or [])
            )
        return await self.start_guided(turn)

    # -- trained groups ---------------------------------------------------------------------

    async def set_groups_typed(self, turn: Turn, text: str) -> Replies:
        groups, unknown = parse_groups(text)
        if unknown or not groups:
            said = join_words([f"“{w}”" for w in unknown[:5]])
            problem = f"I don't know {said} as a muscle group. " if unknown else ""
            return [
                Reply(
                    f"{problem}Nothing was changed. Name the groups you train from: "
                    f"{', '.join(MUSCLE_GROUPS)} (or legs, arms, all) — e.g. "
                    "/checkin groups chest back quads."
                )
            ]
        return await self.save_groups(turn, groups)

    async def save_groups(self, turn: Turn, groups: Sequence[str]) -> Replies:
        in_step = in_checkin(turn) and turn.convo is not None and turn.convo.step == "groups"
        origin = checkin_data(turn).get("origin") if in_step else None
        await set_user_fields(turn.conn, turn.user, trained_groups=list(groups))
        names = join_words([area_label(g).lower() for g in groups])
        saved = Reply(
            f"Saved: you train {names}. Check-ins ask about these, plus joints/tendons and "
            "lower back. Change them any time with /checkin groups."
        )
        if origin == "checkin":
            return [saved, self.intro(turn)]
        if in_step:
            turn.finish()
        return [saved]


class CheckinFlow:
    name = FLOW

    def __init__(self, feature: Checkin) -> None:
        self.feature = feature

    async def on_text(self, turn: Turn, text: str) -> Replies | None:
        step = turn.convo.step if turn.convo else ""
        word = " ".join(text.strip().lower().rstrip(".!").split())
        if step == "intro":
            if word in NOTHING_PHRASES:
                return await self.on_choice(turn, "none")
            if word in START_WORDS:
                return await self.on_choice(turn, "start")
            if word in GROUP_WORDS:
                return await self.on_choice(turn, "groups")
            if parse_checkin_shorthand(text, trained_by(turn)).ok:
                return await self.feature.shorthand(turn, text)
            return None
        if step == "area":
            if word in BACK_WORDS:
                return await self.on_choice(turn, "back")
            if word in REST_WORDS:
                return await self.on_choice(turn, "rest0")
            level = parse_level(text)
            return None if level is None else await self.feature.answer(turn, level)
        if step == "confirm":
            answer = read_yes_no(text)
            return None if answer is None else await self.on_choice(turn, "yes" if answer else "no")
        if step == "offer":
            answer = read_yes_no(text, no=frozenset({"discard", "delete"}))
            if answer is not None:
                return await self.on_choice(turn, "save" if answer else "no")
            if read_intent(text).intent is Intent.CHECKIN:  # said again, differently
                return await self.feature.offer(turn, text)
            return None
        if step == "groups":
            if word == "done":
                return await self.on_choice(turn, "done")
            groups, unknown = parse_groups(text)
            if unknown or not groups:
                return None
            return await self.feature.save_groups(turn, groups)
        return None

    async def on_choice(self, turn: Turn, value: str) -> Replies | None:
        step = turn.convo.step if turn.convo else ""
        if step == "intro":
            if value == "none":
                return await self.feature.record(turn, nothing_sore(trained_by(turn)))
            if value == "start":
                return await self.feature.start_guided(turn)
            if value == "groups":
                return [groups_question(turn, trained_or_all(turn), origin="checkin", fresh=True)]
            return None
        if step == "area":
            if value == "back":
                return await self.feature.go_back(turn)
            if value == "rest0":
                return await self.feature.rest_none(turn)
            level = parse_level(value)
            return None if level is None else await self.feature.answer(turn, level)
        if step == "confirm":
            if value == "yes":
                return await self.feature.confirmed(turn)
            if value == "no":
                turn.finish()
                return [Reply("Kept today's check-in as it was.")]
            return None
        if step == "offer":
            return await self.feature.offer_answered(turn, value)
        if step == "groups":
            return await self._toggle(turn, value)
        return None

    async def _toggle(self, turn: Turn, value: str) -> Replies | None:
        data = checkin_data(turn)
        selected = list(data.get("sel") or [])
        origin = str(data.get("origin") or "cmd")
        if value == "done":
            if not selected:
                return [
                    Reply("Pick at least one muscle group."),
                    groups_question(turn, selected, origin=origin, fresh=False),
                ]
            return await self.feature.save_groups(turn, selected)
        group = value.removeprefix("t:")
        if not value.startswith("t:") or group not in MUSCLE_GROUPS:
            return None
        selected = [g for g in selected if g != group] if group in selected else [*selected, group]
        return [groups_question(turn, selected, origin=origin, fresh=False)]

    async def resume(self, turn: Turn) -> Replies:
        convo = turn.convo
        step = convo.step if convo else ""
        data = dict(convo.data) if convo else {}
        if (
            step == "area"
            and data.get("areas")
            and 0 <= int(data.get("i", -1)) < len(data["areas"])
        ):
            return [area_question(turn, data)]
        if step == "confirm":
            existing = await load_checkin(turn.conn, turn.user.id, turn.today) or {}
            return (
                [confirm_question(turn, existing, **data)]
                if "then" in data
                else [self.feature.intro(turn)]
            )
        if step == "offer" and "levels" in data:
            levels = stored_levels(data["levels"])
            return [offer_question(turn, levels, list(data.get("assumed") or []))]
        if step == "groups":
            return [
                groups_question(
                    turn,
                    data.get("sel") or [],
                    origin=str(data.get("origin") or "cmd"),
                    fresh=False,
                )
            ]
        return [self.feature.intro(turn, fresh=True)]
