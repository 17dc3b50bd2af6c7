"""staff alerts: alerts (once per kind + subject), their sends, spikes in progress

Revision ID: 0014
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = sa.DateTime(timezone=True)  # the DDL of models.store.types.UTCDateTime
URGENT_WAITING = "priority = 'urgent' AND status IN ('new', 'open')"


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=160), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("due_at", UTC, nullable=True),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("send_after", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["inbox_items.id"],
            name=op.f("fk_alerts_item_id_inbox_items"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("kind", "subject", name=op.f("uq_alerts_kind")),
    )
    op.create_index(op.f("ix_alerts_item_id"), "alerts", ["item_id"])
    op.create_table(
        "alert_sends",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("destination", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC, nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("sent_at", UTC, nullable=True),
        sa.Column("outbox_message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"],
            name=op.f("fk_alert_sends_alert_id_alerts"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_message_id"], ["messages.id"],
            name=op.f("fk_alert_sends_outbox_message_id_messages"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_sends")),
        sa.UniqueConstraint("alert_id", "destination", name=op.f("uq_alert_sends_alert_id")),
    )
    op.create_index(
        "ix_alert_sends_due",
        "alert_sends",
        ["next_attempt_at"],
        sqlite_where=sa.text("status = 'pending'"),
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        "ix_inbox_items_urgent_waiting",
        "inbox_items",
        ["last_message_at"],
        sqlite_where=sa.text(URGENT_WAITING),
        postgresql_where=sa.text(URGENT_WAITING),
    )
    op.create_table(
        "alert_spikes",
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("started_at", UTC, nullable=False),
        sa.Column("seen_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("topic", name=op.f("pk_alert_spikes")),
    )


def downgrade() -> None:
    op.drop_table("alert_spikes")
    op.drop_index("ix_inbox_items_urgent_waiting", table_name="inbox_items")
    op.drop_index("ix_alert_sends_due", table_name="alert_sends")
    op.drop_table("alert_sends")
    op.drop_index(op.f("ix_alerts_item_id"), table_name="alerts")
    op.drop_table("alerts")
