"""The schema the code expects is exactly what the migrations build, and what users left
mid-question before a migration carries on after it."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from core.engine.payloads import owner_tag
from core.storage.db import MIGRATIONS, Database
from core.storage.schema import SCHEMA_HEAD, metadata, readiness_checks
from tests.conftest import NOON, Chat, build_coach


def test_schema_head_names_the_newest_migration() -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_current_head() == SCHEMA_HEAD


async def test_migrated_database_matches_the_tables_in_code(db: Database) -> None:
    async with db.engine.connect() as conn:
        diff = await conn.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), metadata)
        )
    assert diff == []


async def test_migrating_twice_is_harmless(db: Database) -> None:
    await db.migrate()
    await db.migrate()


# --- 0005: the conversation moves into the user's row ------------------------------------------

# The two tables as 0004 left them (the code's `users` has columns 0004 lacks).
users_0004 = sa.table(
    "users",
    sa.column("id", sa.Integer),
    sa.column("platform", sa.String),
    sa.column("platform_user_id", sa.String),
    sa.column("display_name", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
conversations_0004 = sa.table(
    "conversations",
    sa.column("user_id", sa.Integer),
    sa.column("flow", sa.String),
    sa.column("step", sa.String),
    sa.column("data", sa.JSON),
    sa.column("seq", sa.Integer),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


def _alembic(conn: Connection, step: str, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    getattr(command, step)(cfg, revision)


async def migrate(db: Database, step: str, revision: str) -> None:
    async with db.engine.begin() as conn:
        await conn.run_sync(_alembic, step, revision)


async def test_a_question_asked_before_0005_carries_on_after_the_upgrade(
    database_url: str,
) -> None:
    db = Database(database_url)
    await migrate(db, "upgrade", "0004")
    async with db.transaction() as conn:  # mid-/ready: warmed up, asked about sharp pain
        uid = await conn.scalar(
            sa.insert(users_0004)
            .values(platform="test", platform_user_id="u1", display_name="U1", created_at=NOON)
            .returning(users_0004.c.id)
        )
        await conn.execute(
            sa.insert(conversations_0004).values(
                user_id=uid,
                flow="ready",
                step="warmup",
                data={"last": "still-sore"},
                seq=2,
                updated_at=NOON,
            )
        )
    await db.migrate()
    try:
        chat = Chat(build_coach(db))
        await chat.send_payload(f"q:{owner_tag('test', 'u1')}:2:no")  # the button shown then
        assert "one working set" in chat.text
        await chat.press("Stronger")
        assert "Train" in chat.text
        async with db.transaction() as conn:
            last = await conn.scalar(sa.select(readiness_checks.c.last_soreness))
        assert last == "still-sore"  # the answer given before the upgrade
    finally:
        await db.close()


async def test_downgrading_from_0005_and_back_keeps_questions_and_check_ins(
    database_url: str,
) -> None:
    db = Database(database_url)
    await db.migrate()
    try:
        chat = Chat(build_coach(db))
        await chat.say("/checkin quads 2")
        await chat.say("/ready")
        await chat.press("Still sore")
        asked = chat.last
        await migrate(db, "downgrade", "0004")
        async with db.transaction() as conn:
            rows = (await conn.execute(sa.select(conversations_0004))).all()
        assert [(r.flow, r.step, r.data) for r in rows] == [
            ("ready", "warmup", {"last": "still-sore"})
        ]
        await db.migrate()
        await chat.press("No", asked)
        assert "one working set" in chat.text
        await chat.say("/history")
        assert "1 check-in" in chat.text  # nothing else was lost on the way
    finally:
        await db.close()


async def test_downgrading_to_the_first_schema_and_back_keeps_every_check_in(
    database_url: str,
) -> None:
    """Dropping a column of `users` must not copy and drop the table: on SQLite, with
    foreign keys on, dropping it would delete everyone's rows."""
    db = Database(database_url)
    await db.migrate()
    try:
        chat = Chat(build_coach(db))
        await chat.say("/checkin quads 2")
        await migrate(db, "downgrade", "0001")
        await db.migrate()
        await chat.say("/history")
        assert "1 check-in" in chat.text
    finally:
        await db.close()
