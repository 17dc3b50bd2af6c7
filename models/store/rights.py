"""The data-rights store area (``store.rights``): find, link, export and erase a person;
retention; the team's exports; the audit log. Keyword-only, each call one transaction."""

from __future__ import annotations

from typing import Any

from models.store import rights_person
from models.store.rights_person import Erasure
from models.store.rights_scope import Who
from models.store.runner import Runner


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
        if self._dialect == "sqlite":
            await self._db.read(rights_person.checkpoint)
        return done

    async def link(self, *, a: Who, b: Who, actor: str) -> list[int]:
        """Make two contacts one person (export and erase then cover both)."""
        return await self._durable.write(
            rights_person.link_people, a, b, key=self._key, actor=actor
        )
