"""The Store: one object over one engine; every method is a short transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.events import InboundEvent, OutboundMessage, utcnow
from models.classification import Classification
from models.store import classifications, inbound, outbox, processing, views
from models.store.engine import create_engine, sqlite_path
from models.store.tables import AuditEntry, Conversation, Cursor
from models.store.upsert import insert_ignore


class Store:
    """The feedback store. Open it with ``async with Store.open(url) as store``."""

    def __init__(
        self, engine: AsyncEngine, *, ingest: AsyncEngine | None = None, pseudonym_key: bytes = b""
    ) -> None:
        self.engine = engine
        self.ingest_engine = ingest or engine
        self.pseudonym_key = pseudonym_key

    @classmethod
    @asynccontextmanager
    async def open(cls, url: str, *, pseudonym_key: bytes = b"") -> AsyncIterator[Store]:
        """Connect, yield the store, dispose of the engines on the way out.

        On PostgreSQL, recording inbound events has its own small pool so that background
        work can never make a platform wait for its acknowledgement; SQLite has one writer.
        """
        engine = create_engine(url)
        ingest = None if sqlite_path(url) else create_engine(url, pool_size=2)
        try:
            yield cls(engine, ingest=ingest, pseudonym_key=pseudonym_key)
        finally:
            await engine.dispose()
            if ingest is not None:
                await ingest.dispose()

    @property
    def dialect(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self.engine.dialect.name

    async def ping(self) -> bool:
        """True when the database answers."""
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - health reporting must not raise
            return False

    # -- inbound ------------------------------------------------------------------------------

    async def record(self, events: Sequence[InboundEvent]) -> list[inbound.Recorded]:
        """Store events durably and idempotently, in one transaction."""
        async with self.ingest_engine.begin() as conn:
            return await inbound.record_events(conn, events, key=self.pseudonym_key)

    async def claim_pending(
        self, *, limit: int, lease: timedelta, max_attempts: int
    ) -> list[processing.Pending]:
        """Lease stored events that still need the after-store steps."""
        async with self.engine.begin() as conn:
            return await processing.claim(conn, limit=limit, lease=lease, max_attempts=max_attempts)

    async def mark_processed(self, ids: list[int]) -> None:
        """The after-store steps finished for these events."""
        async with self.engine.begin() as conn:
            await processing.done(conn, ids)

    async def mark_unprocessed(self, message_id: int, *, error: str, retry_at: datetime) -> None:
        """The after-store steps failed; try again later."""
        async with self.engine.begin() as conn:
            await processing.failed(conn, message_id, error=error, retry_at=retry_at)

    async def release_pending(self, ids: list[int]) -> None:
        """Hand claimed events back unfinished (a clean stop), due again at once."""
        async with self.engine.begin() as conn:
            await processing.release(conn, ids)

    async def acknowledge_once(self, conversation_id: int, *, every: timedelta) -> bool:
        """True (and remembered) if this conversation has not been acknowledged within ``every``."""
        now = utcnow()
        async with self.engine.begin() as conn:
            result = await conn.execute(
                update(Conversation)
                .where(Conversation.id == conversation_id)
                .where(
                    Conversation.acknowledged_at.is_(None)
                    | (Conversation.acknowledged_at < now - every)
                )
                .values(acknowledged_at=now)
            )
            return bool(result.rowcount)

    # -- classifications ---------------------------------------------------------------------

    async def save_classifications(self, verdicts: Sequence[tuple[int, Classification]]) -> None:
        """Store classifier verdicts for messages."""
        async with self.engine.begin() as conn:
            await classifications.save(conn, verdicts)

    async def count_messages(self, since: datetime | None = None) -> int:
        """Inbound texts stored (since a time)."""
        async with self.engine.connect() as conn:
            return await classifications.count(conn, since)

    def iter_message_texts(
        self, since: datetime | None = None, batch: int = 256
    ) -> AsyncIterator[list[tuple[int, str]]]:
        """Inbound texts in id order, a batch at a time."""
        return classifications.iter_texts(self.engine, since, batch)

    async def topic_corrections(self) -> list[tuple[str, str]]:
        """(text, topic) pairs from staff relabels."""
        async with self.engine.connect() as conn:
            return await classifications.topic_corrections(conn)

    # -- outbox --------------------------------------------------------------------------------

    async def enqueue(self, message: OutboundMessage, *, author: str) -> int:
        """Store an outbound message and queue it for sending; returns its message id."""
        async with self.engine.begin() as conn:
            return await outbox.enqueue(conn, message, author=author)

    async def claim_outbox(self, *, limit: int, lease: timedelta) -> list[outbox.DueItem]:
        """Lease outbox items that are due."""
        async with self.engine.begin() as conn:
            return await outbox.claim(conn, limit=limit, lease=lease)

    async def outbox_sent(self, item_id: int, *, platform_message_id: str) -> None:
        """An item was delivered."""
        async with self.engine.begin() as conn:
            await outbox.sent(conn, item_id, platform_message_id=platform_message_id)

    async def outbox_retry(self, item_id: int, *, error: str, at: datetime) -> None:
        """An item failed for now; try again at ``at``."""
        async with self.engine.begin() as conn:
            await outbox.retry(conn, item_id, error=error, at=at)

    async def outbox_failed(self, item_id: int, *, error: str) -> None:
        """An item is given up on; it stays visible."""
        async with self.engine.begin() as conn:
            await outbox.give_up(conn, item_id, error=error)

    async def outbox_counts(self) -> dict[str, int]:
        """Outbox items per status."""
        async with self.engine.connect() as conn:
            return await outbox.counts(conn)

    async def outbox_items(
        self, *, status: str | None = None, limit: int = 100
    ) -> list[views.OutboxView]:
        """Outbox items with their text and state, newest first."""
        async with self.engine.connect() as conn:
            return await views.outbox_items(conn, status=status, limit=limit)

    # -- reading -----------------------------------------------------------------------------

    async def messages(self, **filters: Any) -> list[views.MessageView]:
        """Messages; filters: channel, conversation_id, limit, newest_first."""
        async with self.engine.connect() as conn:
            return await views.messages(conn, **filters)

    async def conversation_at(self, *, channel: str, chat: str, thread: str = "") -> int | None:
        """The conversation at an address, if one exists."""
        async with self.engine.connect() as conn:
            return await views.conversation_at(conn, channel=channel, chat=chat, thread=thread)

    # -- cursors and audit -------------------------------------------------------------------

    async def get(self, name: str) -> str | None:
        """A cursor's value (implements the adapters' Cursors seam)."""
        async with self.engine.connect() as conn:
            result = await conn.execute(select(Cursor.value).where(Cursor.name == name))
            return result.scalar_one_or_none()

    async def set(self, name: str, value: str) -> None:
        """Set a cursor durably."""
        now = utcnow()
        async with self.engine.begin() as conn:
            await conn.execute(
                insert_ignore(self.dialect, Cursor),
                [{"name": name, "value": value, "updated_at": now}],
            )
            await conn.execute(
                update(Cursor).where(Cursor.name == name).values(value=value, updated_at=now)
            )

    async def audit(
        self, *, actor: str, action: str, subject: str = "", detail: dict[str, Any] | None = None
    ) -> None:
        """Append to the audit log."""
        async with self.engine.begin() as conn:
            await conn.execute(
                insert(AuditEntry).values(
                    at=utcnow(), actor=actor, action=action, subject=subject, detail=detail or {}
                )
            )
