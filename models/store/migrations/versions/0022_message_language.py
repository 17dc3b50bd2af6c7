"""languages: each message's detected language, a person's language, the staff's languages

Revision ID: 0022
Revises: 0021

``messages.language`` is the ISO 639-1 code detected as the message is processed (or 'und');
NULL until then, and for the rows stored before this migration. ``contacts.language`` is the
person's language, from their last confident detection (NULL: not known yet), used for what
the bot sends them later. ``inbox_items.language`` is the language of the item's latest
message, for the queue's language filter. ``staff_users.languages`` lists the languages a
member of staff reads, comma-separated ('' = not said).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OPEN = "status <> 'resolved'"


def upgrade() -> None:
    op.add_column("messages", sa.Column("language", sa.String(length=8), nullable=True))
    op.add_column("contacts", sa.Column("language", sa.String(length=8), nullable=True))
    op.add_column(
        "inbox_items",
        sa.Column("language", sa.String(length=8), nullable=False, server_default="und"),
    )
    op.add_column(
        "staff_users",
        sa.Column("languages", sa.String(length=64), nullable=False, server_default=""),
    )
    op.create_index(
        "ix_inbox_items_open_language",
        "inbox_items",
        ["language", "due_at"],
        sqlite_where=sa.text(_OPEN),
        postgresql_where=sa.text(_OPEN),
    )


def downgrade() -> None:
    op.drop_index("ix_inbox_items_open_language", table_name="inbox_items")
    for table, column in (
        ("staff_users", "languages"),
        ("inbox_items", "language"),
        ("contacts", "language"),
        ("messages", "language"),
    ):
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column)
