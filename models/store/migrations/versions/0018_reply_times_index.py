"""digest first responses from the replies: an index on inbox_entries by kind and time

Revision ID: 0018
Revises: 0017

The digest counted a week's first responses from inbox_items.first_response_at, which a
person's reopening clears. Now it derives each round's first response from the staff replies
(inbox_entries, kind "reply") and the reopenings in item_resolutions; this index reads a week's
replies by when they were written. No data changes.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_inbox_entries_kind_created", "inbox_entries", ["kind", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_inbox_entries_kind_created", table_name="inbox_entries")
