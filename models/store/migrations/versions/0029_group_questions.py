"""the optional group question

Revision ID: 0029
Revises: 0028

- group_questions: the one optional "which of these are you?" question each person was asked
  (the choice poll whose vote is their answer; kept when skipped, so nobody is asked twice).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = sa.DateTime(timezone=True)  # the DDL of models.store.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "group_questions",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("asked_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_group_questions_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["polls.id"],
            name=op.f("fk_group_questions_poll_id_polls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_id", name=op.f("pk_group_questions")),
    )
    op.create_index(
        op.f("ix_group_questions_poll_id"), "group_questions", ["poll_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_group_questions_poll_id"), table_name="group_questions")
    op.drop_table("group_questions")
