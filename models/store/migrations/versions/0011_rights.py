"""rights: contact links (one person across channels), messages by contact, outbox by message

Revision ID: 0011
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contact_links",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_contact_links_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_id", name=op.f("pk_contact_links")),
    )
    op.create_index(
        op.f("ix_contact_links_person_id"), "contact_links", ["person_id"], unique=False
    )
    op.create_index("ix_messages_contact_received", "messages", ["contact_id", "received_at"])
    op.create_index("ix_outbox_message", "outbox", ["message_id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_message", table_name="outbox")
    op.drop_index("ix_messages_contact_received", table_name="messages")
    op.drop_index(op.f("ix_contact_links_person_id"), table_name="contact_links")
    op.drop_table("contact_links")
