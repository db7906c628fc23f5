"""What the adapter says in its own voice: when the coach had nothing to say, could not
answer, or was reached through a slash command this version no longer has.

Kept apart from the coach's wording because these answers never reach the core.
"""

from __future__ import annotations

MORE_CHOICES = "More choices:"
NOTHING_TO_SAY = "Done."
UNKNOWN_COMMAND = "I don't know that command any more — send /help to see what I can do."
SORRY = "Sorry, I tripped over that one — please try again, or send /help."
