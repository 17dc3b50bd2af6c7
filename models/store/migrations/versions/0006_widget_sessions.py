"""widget sessions and rate counters

Revision ID: 0006_widget_sessions
Revises: 0005
Create Date: 2026-12-01 07:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.store.types

revision: str = "0006_widget_sessions"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "widget_sessions",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", models.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", models.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", models.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_widget_sessions")),
    )
    op.create_index(
        op.f("ix_widget_sessions_expires_at"), "widget_sessions", ["expires_at"], unique=False
    )
    op.create_table(
        "rate_counters",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("window", sa.BigInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", "window", name=op.f("pk_rate_counters")),
    )
    op.create_index("ix_rate_counters_window", "rate_counters", ["window"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_rate_counters_window", table_name="rate_counters")
    op.drop_table("rate_counters")
    op.drop_index(op.f("ix_widget_sessions_expires_at"), table_name="widget_sessions")
    op.drop_table("widget_sessions")
