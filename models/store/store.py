"""The Store: the keyword-only async API over the store functions; each call is one short
transaction run by a Runner (see runner.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Collection, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import inspect, text

from bot.events import InboundEvent, OutboundMessage
from models.classification import Classification
from models.store import (
    bridge_cards,
    classifications,
    cursors,
    inbound,
    outbox,
    polls,
    processing,
    views,
)
from models.store.actions import Actions
from models.store.alerts import AlertStore
from models.store.bridge import BridgeStore
from models.store.digest import DigestFigures
from models.store.digest_runs import DigestRuns
from models.store.engine import create_engine, create_sqlite_engine, sqlite_path
from models.store.inbox import InboxStore
from models.store.leases import Leases
from models.store.opt_outs import OptOuts
from models.store.poll_claims import PollClaims
from models.store.rights import RightsStore
from models.store.runner import AsyncRunner, Runner, ThreadRunner
from models.store.sessions import SessionStore
from models.store.staff import StaffStore

T = TypeVar("T")


class Store:
    """The feedback store. Open it with ``async with Store.open(url) as store``."""

    def __init__(
        self,
        runner: Runner,
        *,
        ingest: Runner | None = None,
        dialect: str,
        pseudonym_key: bytes = b"",
    ) -> None:
        self._db = runner  # derived work: re-run from stored events if a crash loses it
        self._ingest = ingest or runner  # what people said or did: durable before we answer
        self._dialect = dialect
        self.pseudonym_key = pseudonym_key
        self.staff = StaffStore(runner, durable=self._ingest)
        self.digest = DigestFigures(self._db)
        self.actions = Actions(self._db, self._ingest)
        self.digest_runs = DigestRuns(self._ingest)
        self.opt_outs = OptOuts(self._ingest)
        self.sessions = SessionStore(durable=self._ingest, fast=self._db)
        self.inbox = InboxStore(runner, durable=self._ingest)
        self.alerts = AlertStore(runner, durable=self._ingest)
        self.bridge = BridgeStore(runner, durable=self._ingest)
        self.rights = RightsStore(runner, durable=self._ingest, key=pseudonym_key, dialect=dialect)
        self.leases = Leases(self._ingest)
        self.poll_claims = PollClaims(self._ingest)

    @classmethod
    @asynccontextmanager
    async def open(cls, url: str, *, pseudonym_key: bytes = b"") -> AsyncIterator[Store]:
        """Connect, yield the store, close the connections on the way out.

        On PostgreSQL, recording inbound events has its own small pool so that background
        work can never make a platform wait for its acknowledgement; SQLite has one writer,
        whose front-of-queue lane records inbound events with synchronous=FULL.
        """
        runner, ingest, dialect = cls._runners(url)
        try:
            yield cls(runner, ingest=ingest, dialect=dialect, pseudonym_key=pseudonym_key)
        finally:
            await runner.close()
            await ingest.close()

    @staticmethod
    def _runners(url: str) -> tuple[Runner, Runner, str]:
        """The runner for derived work, the one for inbound events, and the dialect."""
        if sqlite_path(url):
            thread = ThreadRunner(create_sqlite_engine(url))
            return thread, thread.urgent(), "sqlite"
        durable = AsyncRunner(create_engine(url, pool_size=2))
        return AsyncRunner(create_engine(url)), durable, "postgresql"

    async def read(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run ``fn(connection, ...)`` for reading (for ad-hoc queries and tests)."""
        return await self._db.read(fn, *args, **kwargs)

    @property
    def dialect(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self._dialect

    async def schema_version(self) -> str | None:
        """The migration the database is at; None before the first one."""

        def read(conn: Any) -> str | None:
            if not inspect(conn).has_table("alembic_version"):
                return None
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            return None if version is None else str(version)

        return await self._db.read(read)

    async def ping(self) -> bool:
        """True when the database answers."""
        try:
            await self._db.read(lambda conn: conn.execute(text("SELECT 1")))
            return True
        except Exception:  # noqa: BLE001 - health reporting must not raise
            return False

    # -- inbound ------------------------------------------------------------------------------

    async def record(self, events: Sequence[InboundEvent]) -> list[inbound.Recorded]:
        """Store events durably and idempotently, in one transaction."""
        return await self._ingest.write(inbound.record_events, events, key=self.pseudonym_key)

    async def claim_pending(
        self, *, limit: int, lease: timedelta, max_attempts: int
    ) -> list[processing.Pending]:
        """Lease stored events that still need the after-store steps."""
        return await self._db.write(
            processing.claim, limit=limit, lease=lease, max_attempts=max_attempts
        )

    async def mark_processed(self, ids: list[int]) -> None:
        """The after-store steps finished for these events."""
        await self._db.write(processing.done, ids)

    async def mark_unprocessed(self, message_id: int, *, error: str, retry_at: datetime) -> None:
        """The after-store steps failed; try again later."""
        await self._db.write(processing.failed, message_id, error=error, retry_at=retry_at)

    async def release_pending(self, ids: list[int]) -> None:
        """Hand claimed events back unfinished (a clean stop), due again at once."""
        await self._db.write(processing.release, ids)

    async def acknowledge_first(self, ids: list[int], *, every: timedelta) -> set[int]:
        """Mark and return the conversations not acknowledged within ``every``."""
        return await self._db.write(processing.acknowledge_first, ids, every=every)

    # -- classifications ---------------------------------------------------------------------

    async def save_classifications(self, verdicts: Sequence[tuple[int, Classification]]) -> None:
        """Store classifier verdicts for messages."""
        await self._db.write(classifications.save, verdicts)

    async def count_messages(self, since: datetime | None = None) -> int:
        """Inbound texts stored (since a time)."""
        return await self._db.read(classifications.count, since)

    async def iter_message_texts(
        self, since: datetime | None = None, batch: int = 256
    ) -> AsyncIterator[list[tuple[int, str]]]:
        """Inbound texts in id order, a batch at a time, each read in its own short call."""
        after = 0
        while chunk := await self._db.read(classifications.texts_after, since, after, batch):
            yield chunk
            after = chunk[-1][0]

    async def topic_corrections(self) -> list[tuple[str, str]]:
        """(text, topic) pairs from staff relabels."""
        return await self._db.read(classifications.topic_corrections)

    # -- outbox --------------------------------------------------------------------------------

    async def enqueue(self, message: OutboundMessage, *, author: str) -> int:
        """Store an outbound message and queue it for sending; returns its message id."""
        return await self._ingest.write(outbox.enqueue, message, author=author)

    async def enqueue_many(self, messages: list[OutboundMessage], *, author: str) -> list[int]:
        """Queue several outbound messages in one transaction."""
        return await self._db.write(outbox.enqueue_many, messages, author=author)

    async def claim_outbox(
        self, *, limit: int, lease: timedelta, skip: Collection[str] = ()
    ) -> list[outbox.DueItem]:
        """Lease outbox items that are due (none on the channels in ``skip``)."""
        return await self._db.write(outbox.claim, limit=limit, lease=lease, skip=skip)

    async def settle_outbox(self, outcomes: list[outbox.Settled]) -> None:
        """Record what became of a batch of sends (and the ts of staff cards posted)."""
        await self._db.write(bridge_cards.settle, outcomes)

    async def outbox_counts(self) -> dict[str, int]:
        """Outbox items per status."""
        return await self._db.read(outbox.counts)

    async def outbox_items(
        self, *, status: str | None = None, limit: int = 100
    ) -> list[views.OutboxView]:
        """Outbox items with their text and state, newest first."""
        return await self._db.read(views.outbox_items, status=status, limit=limit)

    # -- reading -----------------------------------------------------------------------------

    async def messages(self, **filters: Any) -> list[views.MessageView]:
        """Messages; filters: channel, conversation_id, limit, newest_first."""
        return await self._db.read(views.messages, **filters)

    async def conversation_at(self, *, channel: str, chat: str, thread: str = "") -> int | None:
        """The conversation at an address, if one exists."""
        return await self._db.read(views.conversation_at, channel=channel, chat=chat, thread=thread)

    # -- polls -------------------------------------------------------------------------------

    async def create_poll(
        self, *, targets: list[polls.Target], options: list[tuple[str, str]], **fields: Any
    ) -> int:
        """Store a new poll and its targets; returns its id."""
        return await self._ingest.write(polls.create, targets=targets, options=options, **fields)

    async def poll(self, poll_id: int) -> polls.PollView | None:
        """One poll, if it exists."""
        return await self._db.read(polls.get, poll_id)

    async def all_polls(self) -> list[polls.PollView]:
        """Every poll, newest first."""
        return await self._db.read(polls.all_polls)

    async def set_poll_status(self, poll_id: int, status: str) -> None:
        """Open or close a poll."""
        await self._ingest.write(polls.set_status, poll_id, status)

    async def polls_due(self, *, now: datetime) -> tuple[list[int], list[int]]:
        """Polls due to open, and polls due to close."""
        return await self._db.read(polls.due, now=now)

    async def cast_votes(self, message_ids: list[int]) -> list[polls.Cast]:
        """Apply stored vote events to their polls, in one transaction."""
        return await self._db.write(polls.cast_many, message_ids)

    async def ask_follow_ups(self, vote_ids: list[int]) -> set[int]:
        """Mark the votes whose follow-up question goes out now (once each)."""
        return await self._db.write(polls.ask_follow_ups, vote_ids)

    async def link_follow_ups(self, pairs: list[tuple[int, int]], *, window: timedelta) -> None:
        """Link each (contact, message) to that person's vote awaiting a follow-up answer."""
        await self._db.write(polls.link_follow_ups, pairs, window=window)

    async def poll_votes(self, poll_id: int) -> list[tuple[str, list[str]]]:
        """(channel, options) for each current vote."""
        return await self._db.read(polls.tally, poll_id)

    async def poll_follow_ups(self, poll_id: int) -> int:
        """Follow-up answers linked to the poll."""
        return await self._db.read(polls.follow_up_count, poll_id)

    async def repeat_poll(self, poll_id: int) -> int | None:
        """Schedule the next run of a recurring poll."""
        return await self._ingest.write(polls.repeat, poll_id)

    async def open_polls(self, channel: str, chat: str = "") -> list[polls.PollView]:
        """Open polls shown on a channel (to everyone, or also those for one ``chat``)."""
        return await self._db.read(polls.open_for, channel, chat)

    async def answers_of(self, channel: str, sender: str) -> dict[int, list[str]]:
        """A person's current poll answers (by their platform id), by poll id."""
        who = inbound.pseudonym(self.pseudonym_key, channel, sender)
        return await self._db.read(polls.votes_of, who)

    async def save_poll_counts(self, poll_id: int, channel: str, counts: dict[str, int]) -> None:
        """Store a platform's reported counts for a poll (replacing the last reading)."""
        await self._db.write(polls.save_aggregates, poll_id, channel, counts)

    async def poll_counts(self, poll_id: int) -> dict[str, dict[str, int]]:
        """Reported counts by channel and option."""
        return await self._db.read(polls.aggregates, poll_id)

    async def native_poll_posts(self, channel: str) -> list[tuple[int, str]]:
        """(poll id, platform id) of native polls posted on a channel for open polls."""
        return await self._db.read(polls.native_posts, channel)

    async def poll_posts(self, channel: str) -> list[tuple[int, str, str]]:
        """(poll id, chat, platform id) of poll posts on a channel for open polls."""
        return await self._db.read(polls.posts, channel)

    async def poll_vote_mark(self, poll_id: int) -> str:
        """Changes whenever the poll's votes change."""
        return await self._db.read(polls.vote_mark, poll_id)

    async def poll_posted_as(self, channel: str, platform_id: str) -> int | None:
        """The poll we posted as this platform message, if any."""
        return await self._db.read(polls.posted_poll, channel, platform_id)

    async def reply_to_vote(self, message_id: int, *, poll_id: int, keys: list[str]) -> None:
        """Record a numbered reply as a vote."""
        await self._db.write(polls.as_vote, message_id, poll_id=poll_id, keys=keys)

    async def platform_users(self, contact_ids: list[int]) -> dict[int, str]:
        """Platform user ids of contacts, to address them directly."""
        return await self._db.read(views.platform_users, contact_ids)

    # -- cursors and audit -------------------------------------------------------------------

    async def get(self, name: str) -> str | None:
        """A cursor's value (implements the adapters' Cursors seam)."""
        return await self._db.read(cursors.get, name)

    async def set(self, name: str, value: str) -> None:
        """Set a cursor durably."""
        await self._db.write(cursors.put, name, value)

    async def audit(
        self, *, actor: str, action: str, subject: str = "", detail: dict[str, Any] | None = None
    ) -> None:
        """Append to the audit log."""
        await self._ingest.write(
            cursors.audit, actor=actor, action=action, subject=subject, detail=detail
        )
