"""The commands every user meets first — /start, /help, /timezone, /forget, /cancel — and
the answer to a greeting, a thanks or "what can you do?" typed in plain words."""

from __future__ import annotations

from core.engine.coach import Buttons, Coach, Command
from core.engine.turn import Replies, Turn
from core.events import Button, Reply, rows
from core.rules.greetings import Greeting, read_greeting
from core.rules.intents import Intent, tries_an_answer
from core.rules.text import read_yes_no
from core.rules.timezones import ZoneLookup, describe_zone, lookup_zone
from core.storage.reminders import reschedule
from core.storage.users import forget_user, set_user_fields

WELCOME = (
    "Hi{name}! I'm DOMS Coach. I help you train through muscle soreness:\n"
    "• a quick daily soreness check-in\n"
    '• "am I ready?" before a session\n'
    "• what a pain means and what to do about it\n"
    "• reminders and a simple progressive program\n"
    "• answers to questions about soreness — just type them.\n\n"
    "Your time zone is {tz}; change it with /timezone Area/City."
)

ZONE_EXAMPLES = (
    "Use an Area/City name such as Europe/Berlin, America/New_York or Asia/Tokyo, "
    "or an offset such as UTC+2."
)

FORGOTTEN = "Done — everything I stored about you is deleted. Say hi any time to start fresh."

# Answers to plain-word greetings: short, and always with the main things to do next.
GREETINGS: dict[Greeting, str] = {
    Greeting.HELLO: (
        "Hi{name}! Tell me how sore you are today, describe a pain, or ask me anything "
        "about soreness and training — in your own words. Or pick one:"
    ),
    Greeting.THANKS: "You're welcome! Anything else? Just say it, or pick one:",
    Greeting.OK: "Okay! Anything else? Just say it, or pick one:",
    Greeting.BYE: "See you{name}! Check in tomorrow — it takes ten seconds.",
    Greeting.HELP: (
        "I can log how sore you are (just tell me, e.g. “legs a bit sore, rest fine”), tell "
        "you whether to train today after one working set, look at a pain, and answer "
        "questions about soreness, recovery and programs. /help lists every command."
    ),
}
MAIN_ACTIONS = (
    ("Check in", "checkin"),
    ("Am I ready?", "ready"),
    ("Describe a pain", "pain"),
    ("Ask a question", "ask"),
)
# In a group the main actions are private commands: what works there is the menu.
GROUP_ACTIONS = (("What I can do", "help"),)


class Basics:
    def install(self, coach: Coach) -> None:
        self.coach = coach
        for command in (
            Command("start", "Meet the coach", self.start, in_groups=True),
            Command("help", "What I can do", self.help, in_groups=True),
            Command("timezone", "Show or set your time zone", self.timezone),
            Command("forget", "Delete everything I store about you", self.forget),
            Command("cancel", "Stop the current question", self.cancel, in_groups=True),
        ):
            coach.command(command)
        coach.flow(TimezoneFlow())
        coach.flow(ForgetFlow())
        coach.button("cmd", self.press_command)
        coach.button("tz", self.press_zone)
        coach.on_free_text(Intent.GREETING, self.greet)
        coach.offer_next_steps(self.main_actions)

    async def start(self, turn: Turn, args: str) -> Replies:
        prefix, _, arg = args.strip().partition("-")
        follow = self.coach.links.get(prefix) if prefix else None
        if follow is not None and not turn.event.chat.is_group:
            return await follow(turn, arg)
        name = f", {turn.user.display_name}" if turn.user.display_name else ""
        text = WELCOME.format(name=name, tz=describe_zone(turn.tz.key))
        quick = rows(
            *(
                Button(label, f"cmd:{cmd}")
                for label, cmd in (
                    ("Check in", "checkin"),
                    ("Am I ready?", "ready"),
                    ("Topics", "faq"),
                    ("All commands", "help"),
                )
                if cmd in self.coach.commands
            )
        )
        return [Reply(text, quick)]

    async def greet(self, turn: Turn, text: str) -> Replies:
        """A greeting, a thanks or "what can you do?" in plain words: a short answer and
        the main things to do, as buttons — never "I'm not sure"."""
        name = f", {turn.user.display_name}" if turn.user.display_name else ""
        greeting = GREETINGS[read_greeting(text)].format(name=name)
        return [Reply(greeting, self.main_actions(turn))]

    def main_actions(self, turn: Turn) -> Buttons:
        """The main things to do, as buttons that work in this chat: with the answer to a
        greeting, and wherever a press leads nowhere any more (`Coach.expired_button`)."""
        group = turn.event.chat.is_group
        works = {
            name
            for name, command in self.coach.commands.items()
            if (command.in_groups if group else command.in_private)
        }
        actions = GROUP_ACTIONS if group else MAIN_ACTIONS
        return rows(*(Button(label, f"cmd:{c}") for label, c in actions if c in works))

    async def help(self, turn: Turn, args: str) -> Replies:
        group = turn.event.chat.is_group
        lines = ["Here's what I can do:"]
        for command in self.coach.commands.values():
            if (command.in_groups if group else command.in_private) and command.name != "cancel":
                lines.append(f"/{command.name} — {command.summary}")
        lines.append("In the middle of a question? Say stop, or send /cancel.")
        if not group:
            lines.append(
                "Or just write to me: how sore you are, a pain, or a question about "
                "soreness, recovery or training."
            )
        return [Reply("\n".join(lines))]

    async def timezone(self, turn: Turn, args: str) -> Replies:
        if args:
            return await set_zone(turn, args)
        local = turn.now.astimezone(turn.tz).strftime("%H:%M")
        return [
            turn.ask(
                "timezone",
                "zone",
                f"Your time zone is {describe_zone(turn.tz.key)} (it's {local} there). "
                "To change it, type your city or Area/City, e.g. Europe/Berlin, "
                "or an offset such as UTC+2.",
                [("Keep it", "keep")],
                data={},
            )
        ]

    async def forget(self, turn: Turn, args: str) -> Replies:
        return [ForgetFlow.question(turn)]

    async def cancel(self, turn: Turn, args: str) -> Replies:
        if turn.convo is None:
            return [Reply("Nothing to cancel — send /help to see what I can do.")]
        turn.finish()
        return [Reply("Okay, stopped there. Send /help whenever you're ready.")]

    async def press_command(self, turn: Turn, name: str) -> Replies:
        if name not in self.coach.commands:  # a command this version no longer has
            return [self.coach.expired_button(turn)]
        return await self.coach.run_command(turn, name, "")

    async def press_zone(self, turn: Turn, zone: str) -> Replies:
        return await set_zone(turn, zone)


async def set_zone(turn: Turn, text: str, found: ZoneLookup | None = None) -> Replies:
    found = found or lookup_zone(text)
    if found.zone is None:
        shown = text if len(text) <= 40 else text[:40] + "…"
        message = found.problem or f"I don't know the time zone \u201c{shown}\u201d."
        if found.suggestions:
            buttons = rows(*(Button(z, f"tz:{z}") for z in found.suggestions), per_row=1)
            return [Reply(f"{message} Did you mean one of these?", buttons)]
        return [Reply(f"{message} {ZONE_EXAMPLES}")]
    await set_user_fields(turn.conn, turn.user, timezone=found.zone)
    active = not (turn.user.paused or turn.user.unreachable)
    await reschedule(turn.conn, turn.user.id, found.zone, active=active, now=turn.now)
    if turn.convo is not None and turn.convo.flow == "timezone":
        turn.finish()
    local = turn.now.astimezone(turn.tz).strftime("%H:%M")
    return [
        Reply(
            f"Time zone set to {found.label or found.zone} — it's {local} there. "
            "Reminders follow this time."
        )
    ]


class TimezoneFlow:
    name = "timezone"

    async def on_text(self, turn: Turn, text: str) -> Replies | None:
        found = lookup_zone(text)
        if found.zone is None and not tries_an_answer(text):
            return None  # answered for what it is, then the question asked again
        return await set_zone(turn, text, found)

    async def on_choice(self, turn: Turn, value: str) -> Replies | None:
        if value != "keep":
            return None
        turn.finish()
        return [Reply(f"Keeping {describe_zone(turn.tz.key)}.")]

    async def resume(self, turn: Turn) -> Replies:
        return [
            turn.ask(
                "timezone",
                "zone",
                "Type your city or Area/City, e.g. Europe/Berlin, or an offset such as UTC+2.",
                [("Keep it", "keep")],
            )
        ]


class ForgetFlow:
    name = "forget"

    @staticmethod
    def question(turn: Turn) -> Reply:
        return turn.ask(
            "forget",
            "confirm",
            "This deletes everything I store about you — check-ins, readiness checks, pain "
            "notes, reminders and settings. It can't be undone. Delete it all?",
            [("Yes, delete everything", "yes"), ("No, keep it", "no")],
            data={},
            per_row=1,
        )

    async def on_text(self, turn: Turn, text: str) -> Replies | None:
        answer = read_yes_no(text, yes=frozenset({"delete"}), no=frozenset({"keep"}))
        return None if answer is None else await self.on_choice(turn, "yes" if answer else "no")

    async def on_choice(self, turn: Turn, value: str) -> Replies | None:
        if value == "yes":
            await forget_user(turn.conn, turn.user.id)
            turn.forgotten = True
            return [Reply(FORGOTTEN)]
        if value == "no":
            turn.finish()
            return [Reply("Kept. Nothing was deleted.")]
        return None

    async def resume(self, turn: Turn) -> Replies:
        return [self.question(turn)]
