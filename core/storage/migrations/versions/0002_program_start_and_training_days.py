"""program start and training days

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("program_start", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("training_days", sa.JSON(), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE, not batch mode: see 0003's downgrade.
    op.drop_column("users", "training_days")
    op.drop_column("users", "program_start")
