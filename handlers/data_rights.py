"""The data-rights use cases for staff: read the audit log, export a person's data, erase it.
Admins only, checked here (the web pages only render and call); each export and erase is
audited by the store under the member of staff's name. The command line (`python -m bot person
...`) is an operator at the server and calls the store directly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handlers.inbox.roles import Actor, require
from handlers.staff.accounts import audit_name
from models.store import Store
from models.store.rights.audit_list import AuditFilter, AuditRow
from models.store.rights.person import Erasure
from models.store.rights.scope import Who


@dataclass(frozen=True)
class DataRights:
    """The data-rights use cases on the store."""

    store: Store

    async def audit_log(
        self, actor: Actor, *, wanted: AuditFilter, limit: int, before: int | None
    ) -> list[AuditRow]:
        """A page of the audit log, newest first (rows older than ``before`` when given)."""
        require(actor, "data_rights")
        return await self.store.rights.audit_log(filter=wanted, limit=limit, before=before)

    async def staff_names(self, actor: Actor) -> dict[str, str]:
        """Every member of staff's name (disabled ones too) by the id the audit log names them
        with (``staff:3``), for reading the log."""
        require(actor, "data_rights")
        members = await self.store.inbox.members(include_disabled=True)
        return {f"staff:{m.id}": m.name for m in members}

    async def may_erase(self, actor: Actor, item_id: int) -> str | None:
        """The item's channel, for the confirmation page; None when there is no such item."""
        require(actor, "data_rights")
        row = await self.store.inbox.item(item_id=item_id)
        return None if row is None else row.row.channel

    async def export(self, actor: Actor, who: Who) -> dict[str, Any]:
        """Everything stored about the person (NoSuchPerson when nothing is); audited."""
        require(actor, "data_rights")
        return await self.store.rights.export_person(who=who, actor=audit_name(actor))

    async def erase(self, actor: Actor, who: Who) -> Erasure:
        """Erase the person's data (repeating it is a no-op); audited."""
        require(actor, "data_rights")
        return await self.store.rights.erase_person(who=who, actor=audit_name(actor))
