"""themes: each week's free-text messages grouped by their embeddings, kept from week to week

Revision ID: 0028
Revises: 0027

- themes: a theme's identity across weeks (label, centroid, what a lead made of it).
- theme_weeks: a theme in one ISO week (size, label, trend, sentiment counts, quote ids).
- theme_messages: which theme each message fell in.
- theme_runs: when each week's themes were computed.
- learned_topics: the topics leads made from themes (their examples are staff corrections).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = sa.DateTime(timezone=True)  # the DDL of models.store.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("centroid", sa.LargeBinary(), nullable=False),
        sa.Column("first_week", sa.String(length=8), nullable=False),
        sa.Column("last_week", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("decided_by", sa.String(length=255), nullable=False),
        sa.Column("decided_at", UTC, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_themes")),
    )
    op.create_table(
        "theme_weeks",
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("trend", sa.String(length=8), nullable=False),
        sa.Column("sentiment", sa.JSON(), nullable=False),
        sa.Column("quotes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["themes.id"],
            name=op.f("fk_theme_weeks_theme_id_themes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("theme_id", "week", name=op.f("pk_theme_weeks")),
    )
    op.create_index("ix_theme_weeks_week", "theme_weeks", ["week"])
    op.create_table(
        "theme_messages",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_theme_messages_message_id_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["themes.id"],
            name=op.f("fk_theme_messages_theme_id_themes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_theme_messages")),
    )
    op.create_index("ix_theme_messages_theme", "theme_messages", ["theme_id", "week"])
    op.create_table(
        "theme_runs",
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("computed_at", UTC, nullable=False),
        sa.Column("until", UTC, nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("week", name=op.f("pk_theme_runs")),
    )
    op.create_table(
        "learned_topics",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("team", sa.String(length=64), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["themes.id"],
            name=op.f("fk_learned_topics_theme_id_themes"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_learned_topics")),
    )


def downgrade() -> None:
    op.drop_table("learned_topics")
    op.drop_table("theme_runs")
    op.drop_index("ix_theme_messages_theme", table_name="theme_messages")
    op.drop_table("theme_messages")
    op.drop_index("ix_theme_weeks_week", table_name="theme_weeks")
    op.drop_table("theme_weeks")
    op.drop_table("themes")
