"""The Store: small per-area objects (``store.messages``, ``store.polls``, ``store.outbox``,
``store.processing``, ``store.classifications``, ``store.cursors``, ``store.inbox``, ...), each
keyword-only, sharing the runners; each call is one short transaction (see runner.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from models.store.alerts.facade import AlertStore
from models.store.bridge.facade import BridgeStore
from models.store.digest.actions import Actions
from models.store.digest.facade import DigestFigures
from models.store.digest.runs import DigestRuns
from models.store.engine import create_engine, create_sqlite_engine, sqlite_path
from models.store.inbound.facade import ClassificationStore, EmbeddingStore, MessageStore
from models.store.inbound.languages import LanguageStore
from models.store.inbound.opt_outs import OptOuts
from models.store.inbox.facade import InboxStore
from models.store.jobs import cursors
from models.store.jobs.facade import ProcessingStore
from models.store.jobs.leases import Leases
from models.store.known.facade import KnownStore
from models.store.outbox.facade import OutboxStore
from models.store.people.facade import PeopleStore
from models.store.polls.claims import PollClaims
from models.store.polls.facade import PollStore
from models.store.reach.facade import ReachStore
from models.store.rights.facade import RightsStore
from models.store.runner import AsyncRunner, Runner, ThreadRunner
from models.store.staff.facade import StaffStore
from models.store.themes.facade import ThemeStore
from models.store.widget.sessions import SessionStore

T = TypeVar("T")
P = ParamSpec("P")


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
        self.messages = MessageStore(durable=self._ingest, derived=runner, key=pseudonym_key)
        self.classifications = ClassificationStore(derived=runner)
        self.embeddings = EmbeddingStore(derived=runner)
        self.reach = ReachStore(durable=self._ingest, derived=runner)
        self.people = PeopleStore(durable=self._ingest, derived=runner, key=pseudonym_key)
        self.known = KnownStore(derived=runner)
        self.themes = ThemeStore(durable=self._ingest, derived=runner)
        self.languages = LanguageStore(derived=runner)
        self.processing = ProcessingStore(derived=runner)
        self.outbox = OutboxStore(durable=self._ingest, derived=runner)
        self.polls = PollStore(durable=self._ingest, derived=runner, key=pseudonym_key)
        self.cursors = cursors.CursorStore(self._db)
        self.staff = StaffStore(runner, durable=self._ingest)
        self.digest = DigestFigures(self._db)
        self.actions = Actions(self._db, self._ingest)
        self.digest_runs = DigestRuns(self._ingest)
        self.opt_outs = OptOuts(self._ingest)
        self.sessions = SessionStore(durable=self._ingest, fast=self._db, key=pseudonym_key)
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
        store = cls(runner, ingest=ingest, dialect=dialect, pseudonym_key=pseudonym_key)
        try:
            yield store
        finally:
            await store.sessions.close()
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

    async def read(
        self, fn: Callable[Concatenate[Connection, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
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

    async def audit(
        self, *, actor: str, action: str, subject: str = "", detail: dict[str, Any] | None = None
    ) -> None:
        """Append to the audit log."""
        await self._ingest.write(
            cursors.audit, actor=actor, action=action, subject=subject, detail=detail
        )
