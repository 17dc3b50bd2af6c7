"""digest queue section: indexes on the queue's time columns

Revision ID: 0015
Revises: 0008
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_inbox_items_created", "inbox_items", ["created_at"]),
    ("ix_inbox_items_responded", "inbox_items", ["first_response_at"]),
    ("ix_inbox_items_resolved", "inbox_items", ["resolved_at"]),
    ("ix_inbox_items_sentiment_created", "inbox_items", ["sentiment", "created_at"]),
    ("ix_inbox_csat_asked", "inbox_csat", ["asked_at"]),
    ("ix_inbox_csat_answered", "inbox_csat", ["answered_at"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
