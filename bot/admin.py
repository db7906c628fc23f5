"""What an operator runs beside the bot: `coach backup`, `coach restore`, `coach stats`."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from bot.settings import Settings
from core.rules.program import format_day
from core.storage.backup import BackupError, Copied, backup_sqlite, restore_sqlite, sqlite_path
from core.storage.db import Database
from core.storage.schema import utcnow
from core.storage.stats import Stats, gather_stats


def _copied(verb: str, path: Path, copied: Copied) -> str:
    return (
        f"{verb} {path}: {copied.users} users, {copied.checkins} check-ins, "
        f"{copied.reminders} reminders, {copied.cohort_members} cohort memberships."
    )


def backup(settings: Settings, target: Path) -> str:
    """A consistent copy of the SQLite database, safe while `coach run` is running."""
    copied = backup_sqlite(sqlite_path(settings.database_url), target)
    return _copied("Backed up to", target, copied)


def restore(settings: Settings, source: Path, *, force: bool) -> str:
    """The database replaced by a backup; migrated to this version if it is older."""
    database = sqlite_path(settings.database_url)
    copied = restore_sqlite(source, database, force=force)

    async def migrate() -> None:
        db = Database(settings.database_url)
        try:
            await db.migrate()
        finally:
            await db.close()

    asyncio.run(migrate())
    return _copied("Restored from", source, copied)


def stats_text(stats: Stats, grace: timedelta) -> str:
    windows = ", ".join(f"{days} day{'s' * (days > 1)}: {n:,}" for days, n in stats.active.items())
    lines = [
        f"users: {stats.users:,} (active in the last {windows})",
        "check-ins per day:",
        *(f"  {format_day(day):<11} {n:>6,}" for day, n in stats.checkins_per_day),
        f"reminders overdue by more than the grace ({grace.total_seconds() / 60:.0f} min): "
        f"{stats.overdue_reminders:,}",
        f"messages queued longer than the grace: {stats.late_messages:,}",
        f"cohorts: {len(stats.cohorts)}",
        *(
            f"  #{c.id} {c.platform}, from {format_day(c.start)}: "
            f"{c.members} member{'s' * (c.members != 1)}"
            for c in stats.cohorts
        ),
    ]
    return "\n".join(lines)


def stats(settings: Settings) -> str:
    """Aggregate numbers only: no one's messages, soreness or pain."""
    grace = timedelta(minutes=settings.reminder_grace_minutes)

    async def gather() -> Stats:
        db = Database(settings.database_url)
        try:
            await db.migrate()
            async with db.transaction() as conn:
                return await gather_stats(conn, utcnow(), grace)
        finally:
            await db.close()

    return stats_text(asyncio.run(gather()), grace)


__all__ = ["BackupError", "backup", "restore", "stats"]
