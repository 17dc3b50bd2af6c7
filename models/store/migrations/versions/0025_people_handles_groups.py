"""people: hashed handles and the library's imported group list

Revision ID: 0025
Revises: 0024

- contact_handles: each handle a contact is known by (platform user id, Telegram or X
  @username), only as a keyed hash; erased with the person.
- group_imports: the library's list from ``people import-groups`` (hashed handle → group).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = sa.DateTime(timezone=True)  # the DDL of models.store.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "contact_handles",
        sa.Column("hash", sa.String(length=40), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_contact_handles_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("hash", name=op.f("pk_contact_handles")),
    )
    op.create_index(
        op.f("ix_contact_handles_contact_id"), "contact_handles", ["contact_id"], unique=False
    )
    op.create_table(
        "group_imports",
        sa.Column("hash", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("customer_group", sa.String(length=32), nullable=False),
        sa.Column("imported_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("hash", name=op.f("pk_group_imports")),
    )


def downgrade() -> None:
    op.drop_table("group_imports")
    op.drop_index(op.f("ix_contact_handles_contact_id"), table_name="contact_handles")
    op.drop_table("contact_handles")
