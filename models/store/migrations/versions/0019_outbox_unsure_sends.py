"""outbox: sends of unknown outcome (in flight, unsure, may have been delivered twice)

Revision ID: 0019
Revises: 0018

A send that timed out after the platform took it, or whose process was killed mid-send, was
resent blindly and could arrive two or three times. Each outbox row now records when the attempt
under way was claimed (``sending_at``, cleared when it settles: still set after its lease lapses
means the sender stopped mid-send), how many attempts had an unknown outcome (``unsure``), and
whether it went out again after one that could not be checked (``maybe_twice``, shown to staff).
Existing rows get NULL, 0 and false.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.store.types

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = models.store.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sending_at", UTC, nullable=True))
        batch_op.add_column(
            sa.Column("unsure", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch_op.add_column(
            sa.Column("maybe_twice", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("maybe_twice")
        batch_op.drop_column("unsure")
        batch_op.drop_column("sending_at")
