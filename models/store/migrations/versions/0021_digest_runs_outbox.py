"""digest_runs: the outbox message that carries each run's digest

Revision ID: 0021
Revises: 0020

The digest, like alerts, is now handed to the outbox (e-mail is a channel of its own): a run
is marked handed over in the transaction that queues its message, and records that message,
so `digest send` and the run listing show what became of the send itself. Runs are leased
like the other work queues (no "sending" state): one caught mid-send by the upgrade is pending
again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("digest_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outbox_message_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_digest_runs_outbox_message_id_messages"),
            "messages",
            ["outbox_message_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.execute("UPDATE digest_runs SET status = 'pending' WHERE status = 'sending'")


def downgrade() -> None:
    with op.batch_alter_table("digest_runs", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_digest_runs_outbox_message_id_messages"), type_="foreignkey"
        )
        batch_op.drop_column("outbox_message_id")
