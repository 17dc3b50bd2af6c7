"""login failures per known device: a device column on login_failures, and its index

Revision ID: 0020
Revises: 0019

A wrong password from a browser that has signed in to the account before counts against that
device's own allowance, not the account's: a stranger guessing cannot lock its owner out. The
existing rows are strangers' (device '').
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "login_failures",
        sa.Column("device", sa.String(length=64), nullable=False, server_default=""),
    )
    op.create_index("ix_login_failures_device", "login_failures", ["device", "at"])


def downgrade() -> None:
    op.drop_index("ix_login_failures_device", table_name="login_failures")
    with op.batch_alter_table("login_failures") as batch:
        batch.drop_column("device")
