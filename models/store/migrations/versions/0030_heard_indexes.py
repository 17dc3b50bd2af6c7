"""coverage counts from narrow indexes: each message's newest classifier topic on the message

Revision ID: 0030
Revises: 0029

- messages.newest_topic: the topic of the message's newest classification (None before one),
  filled here from the classifications already stored and kept by ``classifications.save``.
- ix_messages_heard_channel / ix_messages_heard_topic: what people wrote, (person, channel or
  topic, when), so coverage counts distinct people by one index-only scan.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HEARD = "direction = 'in' AND kind = 'message' AND contact_id IS NOT NULL"
NEWEST = (
    "UPDATE messages SET newest_topic = (SELECT c.topic FROM classifications c"
    " WHERE c.message_id = messages.id ORDER BY c.id DESC LIMIT 1)"
    " WHERE EXISTS (SELECT 1 FROM classifications c WHERE c.message_id = messages.id)"
)


def upgrade() -> None:
    op.add_column("messages", sa.Column("newest_topic", sa.String(length=64), nullable=True))
    op.execute(NEWEST)
    for name, column in (("channel", "channel"), ("topic", "newest_topic")):
        op.create_index(
            f"ix_messages_heard_{name}",
            "messages",
            ["contact_id", column, "occurred_at", "direction", "kind"],
            sqlite_where=sa.text(HEARD),
            postgresql_where=sa.text(HEARD),
        )


def downgrade() -> None:
    op.drop_index("ix_messages_heard_topic", table_name="messages")
    op.drop_index("ix_messages_heard_channel", table_name="messages")
    with op.batch_alter_table("messages") as batch_op:
        batch_op.drop_column("newest_topic")
