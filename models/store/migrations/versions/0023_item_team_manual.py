"""routing that follows corrections: a lead's team pin, split items, replies that name a message

Revision ID: 0023
Revises: 0022

- inbox_items.team_manual: a lead set the item's team by hand, so a topic correction no longer
  moves it to the topic's team.
- inbox_items.part: a person may now have several items in one conversation (staff split a
  message about something else into its own item); the first is part 0, and the unique key
  becomes (conversation, person, part), so two processes routing a first message still make one.
- inbox_item_messages: which item each routed message belongs to (backfilled: before this, a
  person's messages in a conversation all belonged to their one item there).
- messages.replies_to: the platform id of the message a message replies to (Telegram's reply),
  so the person's later messages join the item they answer.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNIQUE = "uq_inbox_items_conversation_id"


def upgrade() -> None:
    with op.batch_alter_table("inbox_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("team_manual", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("part", sa.Integer(), nullable=False, server_default="0"))
        batch_op.drop_constraint(UNIQUE, type_="unique")
        batch_op.create_unique_constraint(UNIQUE, ["conversation_id", "contact_id", "part"])
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("replies_to", sa.String(length=255), nullable=False, server_default="")
        )
    op.create_table(
        "inbox_item_messages",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_inbox_item_messages_message_id_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["inbox_items.id"],
            name=op.f("fk_inbox_item_messages_item_id_inbox_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_inbox_item_messages")),
    )
    op.create_index("ix_inbox_item_messages_item", "inbox_item_messages", ["item_id", "message_id"])
    op.execute(
        "INSERT INTO inbox_item_messages (message_id, item_id) "
        "SELECT m.id, i.id FROM inbox_items i JOIN messages m "
        "ON m.conversation_id = i.conversation_id AND m.contact_id = i.contact_id "
        "WHERE m.direction = 'in' AND m.kind = 'message' "
        "AND m.id >= i.first_message_id AND m.id <= i.last_message_id"
    )


def downgrade() -> None:
    op.drop_index("ix_inbox_item_messages_item", table_name="inbox_item_messages")
    op.drop_table("inbox_item_messages")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("replies_to")
    # Split items go: their replies, notes and resolutions go back to the person's first item.
    first = (
        "(SELECT p.id FROM inbox_items p JOIN inbox_items s ON s.conversation_id = "
        "p.conversation_id AND s.contact_id = p.contact_id WHERE s.id = {0}.item_id AND p.part = 0)"
    )
    split = "item_id IN (SELECT id FROM inbox_items WHERE part <> 0)"
    for table in ("inbox_entries", "item_resolutions"):
        op.execute(f"UPDATE {table} SET item_id = {first.format(table)} WHERE {split}")
    same = (
        "FROM inbox_items s WHERE s.conversation_id = inbox_items.conversation_id "
        "AND s.contact_id = inbox_items.contact_id"
    )
    op.execute(
        f"UPDATE inbox_items SET first_message_id = (SELECT MIN(s.first_message_id) {same}), "
        f"last_message_id = (SELECT MAX(s.last_message_id) {same}), "
        f"last_message_at = (SELECT MAX(s.last_message_at) {same}) WHERE part = 0"
    )
    op.execute("DELETE FROM inbox_items WHERE part <> 0")
    with op.batch_alter_table("inbox_items", schema=None) as batch_op:
        batch_op.drop_constraint(UNIQUE, type_="unique")
        batch_op.create_unique_constraint(UNIQUE, ["conversation_id", "contact_id"])
        batch_op.drop_column("part")
        batch_op.drop_column("team_manual")
