"""Reminders: `/remind`, `/pause` and `/resume` (commands), and the messages due
reminders become on each scheduler tick (due)."""

from core.features.reminders.commands import Remind

__all__ = ["Remind"]
