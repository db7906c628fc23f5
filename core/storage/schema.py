"""Tables, as SQLAlchemy Core: the hot path issues plain statements, no ORM.

Changes go through Alembic migrations in `core/storage/migrations`; `SCHEMA_HEAD` names the
newest one so a start-up can tell it is current without importing Alembic.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

SCHEMA_HEAD = "0005"

metadata = MetaData()


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite hands datetimes back naive; everything stored is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", String(16), nullable=False),
    Column("platform_user_id", String(64), nullable=False),
    Column("display_name", String(128), nullable=False, default=""),
    Column("timezone", String(64), nullable=True),
    Column("trained_groups", JSON, nullable=True),
    # The periodized program: its first day and the weekdays trained (0 = Monday).
    Column("program_start", Date, nullable=True),
    Column("training_days", JSON, nullable=True),
    # Reminders: `paused` until /resume; `away_until` ends by itself (holidays);
    # `unreachable` when the platform says the user blocked the bot or left.
    Column("paused", Boolean, nullable=False, server_default="0"),
    Column("away_until", Date, nullable=True),
    Column("unreachable", Boolean, nullable=False, server_default="0"),
    Column("nudge", Boolean, nullable=False, server_default="0"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # The question the user is on, all NULL when none (see core/storage/conversations.py: in
    # this row, the lock that makes a second worker wait also hands it the state the first
    # one left).
    # `convo_seq` grows with every step; button payloads carry it so a press on an older
    # question's button is recognised as stale.
    Column("convo_flow", String(32), nullable=True),
    Column("convo_step", String(32), nullable=True),
    Column("convo_data", JSON(none_as_null=True), nullable=True),
    Column("convo_seq", Integer, nullable=True),
    Column("convo_updated_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("platform", "platform_user_id", name="uq_users_platform_user"),
)

# The users columns holding the conversation, by the name /export gives each.
CONVERSATION_COLUMNS = {
    "flow": users.c.convo_flow,
    "step": users.c.convo_step,
    "data": users.c.convo_data,
    "seq": users.c.convo_seq,
    "updated_at": users.c.convo_updated_at,
}

chats = Table(
    "chats",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", String(16), nullable=False),
    Column("chat_id", String(64), nullable=False),
    Column("is_group", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("platform", "chat_id", name="uq_chats_platform_chat"),
)

# Platforms deliver at least once; an update id seen before is not handled again.
processed_updates = Table(
    "processed_updates",
    metadata,
    Column("platform", String(16), primary_key=True),
    Column("update_id", String(64), primary_key=True),
    Column("handled_at", DateTime(timezone=True), nullable=False, index=True),
)

checkins = Table(
    "checkins",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("day", Date, nullable=False),
    Column("levels", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("user_id", "day", name="uq_checkins_user_day"),
)

readiness_checks = Table(
    "readiness_checks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("day", Date, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("last_soreness", String(16), nullable=False),
    Column("sharp_pain", Boolean, nullable=False),
    Column("set_result", String(16), nullable=True),
    Column("verdict", String(32), nullable=False),
    Index("ix_readiness_user_at", "user_id", "at"),
)

pain_reports = Table(
    "pain_reports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("description", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Index("ix_pain_user_at", "user_id", "at"),
)

# One row per user and kind ("checkin", "workout", "nudge"): a wall-clock time on some
# weekdays in the user's zone, and the next UTC instant it is due. The database, not the
# scheduler's memory, is the source of truth, so restarts and several schedulers agree.
reminders = Table(
    "reminders",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("platform", String(16), nullable=False),
    Column("chat_id", String(64), nullable=False),
    Column("at", String(5), nullable=False),
    Column("days", JSON, nullable=False),
    Column("next_due_at", DateTime(timezone=True), nullable=True),
    Column("last_sent_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("user_id", "kind", name="uq_reminders_user_kind"),
    Index("ix_reminders_next_due_at", "next_due_at"),
)

# Messages waiting to go out. A row is written in the same transaction that advances a
# reminder, and `dedupe_key` is unique, so a due reminder becomes exactly one message.
# Senders lease rows (`lease_until`) rather than hold a transaction across network calls.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dedupe_key", String(96), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=True),
    Column("platform", String(16), nullable=False),
    Column("chat_id", String(64), nullable=False),
    Column("is_group", Boolean, nullable=False, server_default="0"),
    Column("message", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("not_before", DateTime(timezone=True), nullable=False),
    Column("lease_until", DateTime(timezone=True), nullable=True),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("sent_at", DateTime(timezone=True), nullable=True),
    Column("failed", String(200), nullable=True),
    Index("ix_outbox_pending", "sent_at", "not_before"),
)

# A cohort: people starting one program together in one group chat. The program's first day,
# its training weekdays (0 = Monday) and the reminder time are the cohort's, in its zone.
cohorts = Table(
    "cohorts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", String(16), nullable=False),
    Column("chat_id", String(64), nullable=False),
    Column("start", Date, nullable=False),
    Column("days", JSON, nullable=False),
    Column("at", String(5), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("active", Boolean, nullable=False, server_default="1"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("platform", "chat_id", name="uq_cohorts_platform_chat"),
)

cohort_members = Table(
    "cohort_members",
    metadata,
    Column("cohort_id", Integer, ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("joined_at", DateTime(timezone=True), nullable=False),
    Index("ix_cohort_members_user", "user_id"),
)

# Every table holding a user's data, for /export and /forget (a test checks the list
# is complete against the metadata).
USER_TABLES = (
    checkins,
    readiness_checks,
    pain_reports,
    reminders,
    outbox,
    cohort_members,
)
