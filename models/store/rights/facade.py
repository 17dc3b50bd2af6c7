"""The data-rights store area (``store.rights``): find, link, export and erase a person;
retention; the team's exports; the audit log. Keyword-only, each call one transaction."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from models.store.rights import audit_list, retention, team_export
from models.store.rights import person as rights_person
from models.store.rights.audit_list import AuditFilter, AuditRow
from models.store.rights.person import Erasure
from models.store.rights.retention import Purge
from models.store.rights.scope import Who
from models.store.runner import Runner

PAGE = 10_000
"""Rows per read of a team export."""


class RightsStore:
    """People's data rights over the whole store."""

    def __init__(self, runner: Runner, *, durable: Runner, key: bytes, dialect: str) -> None:
        self._db = runner
        self._durable = durable
        self._key = key
        self._dialect = dialect

    async def export_person(self, *, who: Who, actor: str) -> dict[str, Any]:
        """Everything held about a person (NoSuchPerson if nothing); audited."""
        return await self._durable.write(rights_person.export, who, key=self._key, actor=actor)

    async def erase_person(self, *, who: Who, actor: str) -> Erasure:
        """Erase a person everywhere; then, on SQLite, checkpoint the WAL into the file."""
        done = await self._durable.write(
            rights_person.erase_person, who, key=self._key, actor=actor
        )
        await self._settle(False)
        return done

    async def link(self, *, a: Who, b: Who, actor: str) -> list[int]:
        """Make two contacts one person (export and erase then cover both)."""
        return await self._durable.write(
            rights_person.link_people, a, b, key=self._key, actor=actor
        )

    async def retention(self, *, cutoff: datetime, dry_run: bool, actor: str = "feedbot") -> Purge:
        """Apply the retention period now (or, dry, count what it would remove); audited."""
        runner = self._db.read if dry_run else self._durable.write
        done = await runner(retention.run, cutoff=cutoff, dry_run=dry_run, actor=actor)
        await self._settle(dry_run)
        return done

    async def retention_daily(self, *, now: datetime, cutoff: datetime) -> Purge | None:
        """Today's retention run, by exactly one process; None when it already ran today."""
        done = await self._db.write(retention.daily, now=now, cutoff=cutoff)  # behind ingest
        await self._settle(done is None)
        return done

    async def _settle(self, nothing_changed: bool) -> None:
        """On SQLite, move what changed out of the WAL into the (securely zeroed) file."""
        if self._dialect == "sqlite" and not nothing_changed:
            await self._db.read(rights_person.checkpoint)

    async def audit_log(
        self, *, filter: AuditFilter, limit: int = 100, before: int | None = None
    ) -> list[AuditRow]:
        """Audit entries older than ``before`` (an id), newest first, narrowed by the filter."""
        return await self._db.read(audit_list.entries, filter, limit, before)

    async def count_rows(self, *, kind: str, since: datetime | None) -> int:
        """Rows an export of ``kind`` (messages | conversations) will have."""
        count = (
            team_export.count_messages if kind == "messages" else team_export.count_conversations
        )
        return await self._db.read(count, since)

    async def iter_rows(
        self, *, kind: str, since: datetime | None, page: int = PAGE
    ) -> AsyncIterator[list[tuple[Any, ...]]]:
        """The export's rows (tuples in the kind's FIELDS order, the id first) a keyset page
        at a time, each page one short read; the next page is read while the caller writes
        this one (two pages in memory at most)."""
        read = team_export.message_page if kind == "messages" else team_export.conversation_page

        def fetch(after: int) -> asyncio.Future[list[tuple[Any, ...]]]:
            return asyncio.ensure_future(self._db.read(read, since=since, after=after, limit=page))

        ahead = fetch(0)
        try:
            while rows := await ahead:
                ahead = fetch(rows[-1][0])
                yield rows
        finally:
            ahead.cancel()
