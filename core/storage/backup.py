"""Backups of a SQLite database, consistent while the coach runs, and their restore.

SQLite's online backup API copies the database page by page inside read transactions,
so a backup taken while `coach run` writes is a consistent snapshot (WAL included) and
never blocks the bot for long. A restore writes the backup into the database file the
same way; it refuses a database that already holds users unless forced, because a
restore replaces everything in it.

PostgreSQL is backed up with its own tools (`pg_dump -Fc` / `pg_restore`, README
"Operating it"): they are consistent while the coach runs too, and know the server's
roles and extensions far better than a copy made here could.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

# Tables whose rows are a user's own record; a database holding any is not empty.
_CONTENT = ("users", "checkins", "reminders", "cohorts")
_PAGES_PER_STEP = 256  # small steps: the running bot gets the write lock in between


class BackupError(Exception):
    """Said to the operator as it is: what is wrong and what to do instead."""


@dataclass(frozen=True, slots=True)
class Copied:
    users: int
    checkins: int
    reminders: int
    cohort_members: int


def sqlite_path(database_url: str) -> Path:
    """The file behind a SQLite URL; a clear error for PostgreSQL or an in-memory one."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            "this database is PostgreSQL: back it up with pg_dump -Fc and restore it with "
            'pg_restore (README, "Operating it")'
        )
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        raise BackupError("an in-memory database has nothing on disk to back up")
    return Path(database).expanduser()


def _counts(conn: sqlite3.Connection) -> Copied:
    def count(table: str) -> int:
        try:
            return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        except sqlite3.OperationalError:  # no such table: a database never migrated
            return 0

    return Copied(count("users"), count("checkins"), count("reminders"), count("cohort_members"))


def _holds_data(conn: sqlite3.Connection) -> bool:
    for table in _CONTENT:
        try:
            if conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone():
                return True
        except sqlite3.OperationalError:
            continue
    return False


def backup_sqlite(database: Path, target: Path) -> Copied:
    """Copy `database` to `target` (a new file) while the coach may be running."""
    if not database.exists():
        raise BackupError(f"there is no database at {database}")
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file for the backup")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(database, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy, pages=_PAGES_PER_STEP)
        return _counts(copy)
    finally:
        copy.close()
        source.close()


def restore_sqlite(backup: Path, database: Path, *, force: bool = False) -> Copied:
    """Make `database` a copy of `backup`. Refuses a database that holds users' records
    unless `force`: stop the coach first, as a restore replaces everything in it."""
    if not backup.exists():
        raise BackupError(f"there is no backup at {backup}")
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        if not source.execute("SELECT 1 FROM sqlite_master WHERE name = 'users'").fetchone():
            raise BackupError(f"{backup} is not a backup of this coach's database")
        database.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(database, timeout=30)
        try:
            if _holds_data(target) and not force:
                raise BackupError(
                    f"{database} already holds users' records; a restore would replace them. "
                    "Stop the coach and run again with --force to overwrite it."
                )
            source.backup(target, pages=_PAGES_PER_STEP)
            return _counts(target)
        finally:
            target.close()
    finally:
        source.close()
