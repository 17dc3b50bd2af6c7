"""The data-rights use cases without the web: only admins read the audit log, export or erase a
person's data; agents and leads are refused here, before anything is read, changed or audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from handlers.data_rights import DataRights
from handlers.inbox.roles import Actor, Forbidden
from models.store import Store
from models.store.rights.audit_list import AuditFilter
from models.store.rights.scope import Who
from models.store.tables import AuditEntry
from tests.support.queue import add_staff, queued

TEXT = "Please delete everything about me, card 55443322"


async def rights_entries(store: Store) -> list[tuple[str, str]]:
    query = select(AuditEntry.actor, AuditEntry.action).where(
        AuditEntry.action.in_(["export_person", "erase_person"])
    )
    return await store.read(lambda c: [(r.actor, r.action) for r in c.execute(query)])


async def test_agents_and_leads_are_refused_every_data_rights_action(store: Store) -> None:
    rights = DataRights(store)
    item = (await queued(store, TEXT)).item_id
    for role in ("agent", "lead"):
        who = Actor(await add_staff(store, f"{role}@lib.ac.uk", role=role), role)
        with pytest.raises(Forbidden, match="cannot export or erase a person's data"):
            await rights.audit_log(who, wanted=AuditFilter(), limit=10, before=None)
        with pytest.raises(Forbidden):
            await rights.may_erase(who, item)
        with pytest.raises(Forbidden):
            await rights.export(who, Who(item_id=item))
        with pytest.raises(Forbidden):
            await rights.erase(who, Who(item_id=item))
    assert await rights_entries(store) == []
    assert await rights.may_erase(Actor(1, "admin"), item) is not None


async def test_an_admin_exports_and_erases_under_their_own_name(store: Store) -> None:
    rights = DataRights(store)
    item = (await queued(store, TEXT)).item_id
    admin = Actor(await add_staff(store, "admin@lib.ac.uk", role="admin"), "admin")
    doc = await rights.export(admin, Who(item_id=item))
    assert TEXT in str(doc)
    done = await rights.erase(admin, Who(item_id=item))
    assert sum(done.touched.values()) > 0
    again = await rights.export(admin, Who(item_id=item))
    assert TEXT not in str(again)
    actor = f"staff:{admin.id}"
    logged = await rights_entries(store)
    assert logged[:2] == [(actor, "export_person"), (actor, "erase_person")]
    rows = await rights.audit_log(
        admin, wanted=AuditFilter(action="erase_person"), limit=5, before=None
    )
    assert [r.actor for r in rows] == [actor]
