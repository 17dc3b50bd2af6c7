"""a poll may go out even in a quiet period of the academic calendar

Revision ID: 0026
Revises: 0025

- polls.even_in_quiet: the lead said to send this poll even while a quiet period (exams, by
  default) lasts; otherwise a poll due in one waits until it ends.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("even_in_quiet", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.drop_column("even_in_quiet")
