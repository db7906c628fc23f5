"""conversation state on users

Revision ID: 0005
Revises: 0004

The question each user is on moves from `conversations` into their `users` row, so the
statement that locks the row also reads the state fresh (see core/storage/conversations.py).
Rows are copied across both ways: a user mid-question carries on after an upgrade or a
downgrade.

Columns are added and dropped with plain ALTER TABLE, never batch mode: on SQLite a
batch copy of `users` would drop the old table, and with foreign keys on, dropping
it deletes every row referencing a user (ON DELETE CASCADE).
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Each `conversations` column, and the `users` column it moves to.
MOVED = {
    "flow": "convo_flow",
    "step": "convo_step",
    "data": "convo_data",
    "seq": "convo_seq",
    "updated_at": "convo_updated_at",
}

users = sa.table("users", sa.column("id"), *(sa.column(c) for c in MOVED.values()))
conversations = sa.table("conversations", sa.column("user_id"), *(sa.column(c) for c in MOVED))


def upgrade() -> None:
    op.add_column("users", sa.Column("convo_flow", sa.String(length=32), nullable=True))
    op.add_column("users", sa.Column("convo_step", sa.String(length=32), nullable=True))
    op.add_column("users", sa.Column("convo_data", sa.JSON(), nullable=True))
    op.add_column("users", sa.Column("convo_seq", sa.Integer(), nullable=True))
    op.add_column("users", sa.Column("convo_updated_at", sa.DateTime(timezone=True), nullable=True))
    mine = conversations.c.user_id == users.c.id
    op.execute(
        users.update()
        .where(users.c.id.in_(sa.select(conversations.c.user_id)))
        .values(
            {
                users.c[new]: sa.select(conversations.c[old]).where(mine).scalar_subquery()
                for old, new in MOVED.items()
            }
        )
    )
    op.drop_table("conversations")


def downgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("flow", sa.String(length=32), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.execute(
        conversations.insert().from_select(
            ["user_id", *MOVED],
            sa.select(users.c.id, *(users.c[c] for c in MOVED.values())).where(
                users.c.convo_flow.is_not(None)
            ),
        )
    )
    for column in reversed(MOVED.values()):
        op.drop_column("users", column)
