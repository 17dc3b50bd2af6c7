"""staff channel: cards per queue item, staff actions seen, the staff channel's messages per item, items by last change

Revision ID: 0013
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.store.types

revision: str = "0013"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = models.store.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "bridge_cards",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("chat", sa.String(length=64), nullable=False),
        sa.Column("ts", sa.String(length=64), nullable=False),
        sa.Column("post_outbox_id", sa.Integer(), nullable=True),
        sa.Column("shown", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["inbox_items.id"],
            name=op.f("fk_bridge_cards_item_id_inbox_items"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_outbox_id"], ["outbox.id"],
            name=op.f("fk_bridge_cards_post_outbox_id_outbox"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_bridge_cards")),
    )
    op.create_index("ix_bridge_cards_message", "bridge_cards", ["chat", "ts"])
    op.create_index(op.f("ix_bridge_cards_post_outbox_id"), "bridge_cards", ["post_outbox_id"])
    op.create_table(
        "bridge_posts",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"],
            name=op.f("fk_bridge_posts_message_id_messages"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["inbox_items.id"],
            name=op.f("fk_bridge_posts_item_id_inbox_items"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_bridge_posts")),
    )
    op.create_index(op.f("ix_bridge_posts_item_id"), "bridge_posts", ["item_id"])
    op.create_index("ix_inbox_items_updated", "inbox_items", ["updated_at"])
    op.create_table(
        "bridge_seen",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_bridge_seen")),
    )


def downgrade() -> None:
    op.drop_table("bridge_seen")
    op.drop_index("ix_inbox_items_updated", table_name="inbox_items")
    op.drop_index(op.f("ix_bridge_posts_item_id"), table_name="bridge_posts")
    op.drop_table("bridge_posts")
    op.drop_index(op.f("ix_bridge_cards_post_outbox_id"), table_name="bridge_cards")
    op.drop_index("ix_bridge_cards_message", table_name="bridge_cards")
    op.drop_table("bridge_cards")
