"""The `coach` command: `coach chat` (local console) and `coach run` (all platforms)."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coach", description="DOMS Coach")
    sub = parser.add_subparsers(dest="command", required=True)
    chat = sub.add_parser("chat", help="chat with the coach on this terminal")
    chat.add_argument("--user", default=None, help="console user id (default: your login)")
    chat.add_argument("--json", action="store_true", help="one JSON line per outgoing message")
    chat.add_argument(
        "--db", default=None, help="database URL (default: DATABASE_URL or a local file)"
    )
    chat.add_argument("--tz", default=None, help="time zone for users who have not set one")
    run = sub.add_parser("run", help="run every configured platform and the scheduler")
    run.add_argument("--user", default=None, help=argparse.SUPPRESS)
    run.add_argument(
        "--role",
        action="append",
        default=None,
        help="what this process runs: telegram, discord, scheduler or all (repeat, or "
        "comma-separate; default: ROLES, else all)",
    )
    backup = sub.add_parser(
        "backup", help="copy the SQLite database to PATH (safe while the bot runs)"
    )
    backup.add_argument("path", type=Path)
    restore = sub.add_parser("restore", help="replace the SQLite database with a backup")
    restore.add_argument("path", type=Path)
    restore.add_argument(
        "--force", action="store_true", help="overwrite a database that holds records"
    )
    stats = sub.add_parser("stats", help="users, check-ins, late reminders, cohorts: numbers only")
    for admin in (backup, restore, stats):
        admin.add_argument("--db", default=None, help="database URL (default: DATABASE_URL)")
    return parser


def _fast_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop for the long-running process: its event loop and transports spend about
    a sixth less CPU per event (`bench/core.py`). The console keeps asyncio's own loop,
    which starts faster."""
    try:
        import uvloop
    except ImportError:  # not built for this platform
        return None
    return uvloop.new_event_loop


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from bot import app
    from bot.settings import Settings

    overrides: dict[str, Any] = {}
    if getattr(args, "db", None):
        overrides["database_url"] = args.db
    if getattr(args, "tz", None):
        overrides["default_timezone"] = args.tz
    if getattr(args, "role", None):
        overrides["roles"] = ",".join(args.role)
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        print(f"coach: bad setting — {problems}", file=sys.stderr)
        return 2
    from bot.logs import setup_logging

    quiet = args.command == "chat"
    setup_logging(settings, level="WARNING" if quiet else settings.log_level)
    try:
        if args.command in ("backup", "restore", "stats"):
            return _admin(args, settings)
        user = args.user or getpass.getuser()
        if args.command == "chat":
            asyncio.run(app.chat(settings, user_id=user, json_mode=args.json))
        else:
            with asyncio.Runner(loop_factory=_fast_loop_factory()) as runner:
                runner.run(app.run(settings, user_id=user))
    except KeyboardInterrupt:
        return 130
    except app.RoleTaken as exc:
        print(f"coach: {exc}", file=sys.stderr)
        return 2
    except (OSError, SQLAlchemyError) as exc:
        # Said without the URL: it may carry a password.
        print(
            f"coach: cannot open the database ({type(exc).__name__}); check DATABASE_URL",
            file=sys.stderr,
        )
        return 1
    return 0


def _admin(args: argparse.Namespace, settings: Any) -> int:
    from bot import admin

    try:
        if args.command == "backup":
            print(admin.backup(settings, args.path))
        elif args.command == "restore":
            print(admin.restore(settings, args.path, force=args.force))
        else:
            print(admin.stats(settings))
    except admin.BackupError as exc:
        print(f"coach: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
