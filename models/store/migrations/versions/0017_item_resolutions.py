"""item resolutions: each resolve of a queue item kept, so a closed week's digest stays put

Revision ID: 0017
Revises: 0009

The digest counted a week's resolutions from inbox_items.resolved_at, which a reopening clears.
Now each resolve is a row of item_resolutions, closed (reopened_at) when the item is reopened.
This backfills one row per item resolved now (earlier resolves of reopened items were never
recorded, so they cannot be).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.store.types

revision: str = "0017"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = models.store.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "item_resolutions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("team", sa.String(length=64), nullable=False),
        sa.Column("opened_at", UTC, nullable=False),
        sa.Column("resolved_at", UTC, nullable=False),
        sa.Column("reopened_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["inbox_items.id"],
            name=op.f("fk_item_resolutions_item_id_inbox_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_resolutions")),
    )
    op.create_index("ix_item_resolutions_resolved", "item_resolutions", ["resolved_at"])
    op.create_index("ix_item_resolutions_item", "item_resolutions", ["item_id", "resolved_at"])
    op.execute(
        "INSERT INTO item_resolutions (item_id, team, opened_at, resolved_at) "
        "SELECT id, team, created_at, resolved_at FROM inbox_items "
        "WHERE status = 'resolved' AND resolved_at IS NOT NULL ORDER BY id"
    )


def downgrade() -> None:
    op.drop_index("ix_item_resolutions_item", table_name="item_resolutions")
    op.drop_index("ix_item_resolutions_resolved", table_name="item_resolutions")
    op.drop_table("item_resolutions")
