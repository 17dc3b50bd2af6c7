"""what wave 3 builds on: message embeddings, the contact ledger, a person's customer group

Revision ID: 0024
Revises: 0023

- message_embeddings: each message's sentence embedding (float16), stored once as it is
  classified, for themes and "what we already know".
- contact_asks: every time the bot reached out to a contact (poll invitation, CSAT question,
  targeted send, re-engagement), for the per-person contact cap.
- contacts.customer_group / group_source: the person's customer group and where it came from.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = sa.DateTime(timezone=True)  # the DDL of models.store.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "message_embeddings",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=128), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_message_embeddings_message_id_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_message_embeddings")),
    )
    op.create_table(
        "contact_asks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_contact_asks_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_asks")),
    )
    op.create_index("ix_contact_asks_contact_at", "contact_asks", ["contact_id", "at"])
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("customer_group", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("group_source", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("group_source")
        batch_op.drop_column("customer_group")
    op.drop_index("ix_contact_asks_contact_at", table_name="contact_asks")
    op.drop_table("contact_asks")
    op.drop_table("message_embeddings")
