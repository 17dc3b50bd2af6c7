"""targeted sends, the advisory panel, re-engagement consent

Revision ID: 0027
Revises: 0026

- panel_members: who joined the advisory panel, when and how.
- reengage_consents: the one "may we contact you again?" question each person was asked (the
  poll whose yes/no vote is their answer).
- targeted_sends / send_recipients: each send to an audience, its report, and who it told
  where (for the reply tally).
- messages(contact_id, occurred_at): when each person was last heard from, and where they can
  be reached, by an index seek.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = sa.DateTime(timezone=True)  # the DDL of models.store.types.UTCDateTime


def _contact(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["contact_id"],
        ["contacts.id"],
        name=op.f(f"fk_{table}_contact_id_contacts"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "panel_members",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", UTC, nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        _contact("panel_members"),
        sa.PrimaryKeyConstraint("contact_id", name=op.f("pk_panel_members")),
    )
    op.create_table(
        "reengage_consents",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("asked_at", UTC, nullable=False),
        _contact("reengage_consents"),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["polls.id"],
            name=op.f("fk_reengage_consents_poll_id_polls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_id", name=op.f("pk_reengage_consents")),
    )
    op.create_index(
        op.f("ix_reengage_consents_poll_id"), "reengage_consents", ["poll_id"], unique=False
    )
    op.create_table(
        "targeted_sends",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("actor", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["polls.id"],
            name=op.f("fk_targeted_sends_poll_id_polls"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_targeted_sends")),
    )
    op.create_table(
        "send_recipients",
        sa.Column("send_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["send_id"],
            ["targeted_sends.id"],
            name=op.f("fk_send_recipients_send_id_targeted_sends"),
            ondelete="CASCADE",
        ),
        _contact("send_recipients"),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_send_recipients_conversation_id_conversations"),
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_send_recipients_message_id_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("send_id", "contact_id", name=op.f("pk_send_recipients")),
    )
    op.create_index("ix_send_recipients_contact", "send_recipients", ["contact_id"])
    op.create_index("ix_messages_contact", "messages", ["contact_id", "occurred_at"])


def downgrade() -> None:
    op.drop_index("ix_messages_contact", table_name="messages")
    op.drop_index("ix_send_recipients_contact", table_name="send_recipients")
    op.drop_table("send_recipients")
    op.drop_table("targeted_sends")
    op.drop_index(op.f("ix_reengage_consents_poll_id"), table_name="reengage_consents")
    op.drop_table("reengage_consents")
    op.drop_table("panel_members")
