"""poll posts in their own table; an indexed edit key on the outbox

Revision ID: 0009
Revises: 0008

A poll's posts were found by parsing the JSON of every sent outbox row; now each is a row of
poll_posts, written when its send settles, and this backfills them from the rows already sent.
A waiting edit was found by scanning pending rows; now outbox.edit_key says which post an item
edits (backfilled for the pending ones).
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import models.store.types

revision: str = "0009"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = models.store.types.UTCDateTime(timezone=True)
POLL_REF_PREFIX = "fbpoll-"


def upgrade() -> None:
    op.create_table(
        "poll_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("chat", sa.String(length=255), nullable=False),
        sa.Column("platform_message_id", sa.String(length=255), nullable=False),
        sa.Column("style", sa.String(length=16), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("posted_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_poll_posts_message_id_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["polls.id"], name=op.f("fk_poll_posts_poll_id_polls"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_posts")),
        sa.UniqueConstraint(
            "channel", "platform_message_id", name=op.f("uq_poll_posts_channel")
        ),
    )
    with op.batch_alter_table("poll_posts", schema=None) as batch_op:
        batch_op.create_index("ix_poll_posts_poll", ["poll_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_poll_posts_message_id"), ["message_id"], unique=False
        )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("edit_key", sa.String(length=255), nullable=True))
        batch_op.create_index("ix_outbox_edit_key", ["channel", "edit_key"], unique=False)
    _backfill(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_edit_key")
        batch_op.drop_column("edit_key")
    with op.batch_alter_table("poll_posts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_poll_posts_message_id"))
        batch_op.drop_index("ix_poll_posts_poll")
    op.drop_table("poll_posts")


def _backfill(conn: Any) -> None:
    """Poll posts from sent outbox rows that carry a poll reference (edits excepted), and edit
    keys of pending edits. Payloads are version 1: ``kind`` and a ``meta`` map of strings."""
    outbox = sa.table(
        "outbox",
        sa.column("id", sa.Integer()),
        sa.column("channel", sa.String()),
        sa.column("message_id", sa.Integer()),
        sa.column("payload", sa.JSON()),
        sa.column("status", sa.String()),
        sa.column("platform_message_id", sa.String()),
        sa.column("sent_at", UTC),
        sa.column("created_at", UTC),
        sa.column("edit_key", sa.String()),
    )
    polls = sa.table("polls", sa.column("id", sa.Integer()))
    known = set(conn.execute(sa.select(polls.c.id)).scalars())
    rows = conn.execute(sa.select(outbox).where(outbox.c.status.in_(["sent", "pending"]))).all()
    posts: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        meta = (row.payload or {}).get("meta") or {}
        if row.status == "pending" and meta.get("edit_ref"):
            conn.execute(
                sa.update(outbox).where(outbox.c.id == row.id).values(edit_key=meta["edit_ref"])
            )
        poll_id = _poll_id(str(meta.get("poll_ref", "")))
        if row.status != "sent" or meta.get("edit_ref") or poll_id not in known:
            continue
        posts.setdefault(
            (row.channel, row.platform_message_id),
            {
                "poll_id": poll_id,
                "channel": row.channel,
                "chat": str(row.payload["address"]["chat"]),
                "platform_message_id": row.platform_message_id,
                "style": _style(row.payload, meta),
                "message_id": row.message_id,
                "posted_at": row.sent_at or row.created_at,
            },
        )
    if posts:
        table = sa.table(
            "poll_posts",
            *(
                sa.column(c)
                for c in (
                    "poll_id",
                    "channel",
                    "chat",
                    "platform_message_id",
                    "style",
                    "message_id",
                )
            ),
            sa.column("posted_at", UTC),
        )
        conn.execute(sa.insert(table), list(posts.values()))


def _poll_id(ref: str) -> int | None:
    tail = ref.removeprefix(POLL_REF_PREFIX)
    return int(tail) if ref.startswith(POLL_REF_PREFIX) and tail.isdigit() else None


def _style(payload: dict[str, Any], meta: dict[str, str]) -> str:
    """How a version-1 post is answered: a native poll, buttons, or a numbered reply."""
    if payload.get("kind") == "poll" and (meta.get("native") == "true" or "duration_minutes" in meta):
        return "native"
    return "buttons" if payload.get("kind") == "poll" and payload.get("buttons") else "reply"
