"""The staff-account use cases without the web: only admins (or an operator at the command
line) list and change accounts, including the languages a member of staff reads."""

from __future__ import annotations

import pytest

from handlers.inbox.roles import Actor, Forbidden
from handlers.staff.accounts import AccountRefused, Operator, Profile, StaffAccounts
from handlers.staff.passwords import Passwords
from models.store import Store
from tests.support.queue import add_staff

TEAMS = ("it_services", "estates")


async def test_agents_and_leads_cannot_list_or_change_accounts(store: Store) -> None:
    accounts = StaffAccounts(store, Passwords(), TEAMS)
    target = await add_staff(store, "cy@lib.ac.uk")
    for role in ("agent", "lead"):
        who = Actor(await add_staff(store, f"{role}@lib.ac.uk", role=role), role)
        with pytest.raises(Forbidden, match="cannot manage staff accounts"):
            await accounts.listing(who)
        with pytest.raises(Forbidden):
            await accounts.change(who, target, Profile("agent", languages=("cy",)))
    view = await store.staff.get(staff_id=target)
    assert view is not None and view.languages == ()


async def test_languages_are_checked_after_the_role_and_kept_when_not_given(store: Store) -> None:
    accounts = StaffAccounts(store, Passwords(), TEAMS)
    admin = Actor(await add_staff(store, "admin@lib.ac.uk", role="admin"), "admin")
    target = await add_staff(store, "cy@lib.ac.uk")
    with pytest.raises(Forbidden):  # a lead learns nothing about the value they sent
        await accounts.change(
            Actor(admin.id + 99, "lead"), target, Profile("agent", languages=("xx",))
        )
    with pytest.raises(AccountRefused, match="'welsh' is not an ISO 639-1"):
        await accounts.change(admin, target, Profile("agent", languages=("cy", "welsh")))
    done = await accounts.change(admin, target, Profile("agent", languages=("CY", "en", "cy")))
    assert done.languages == ("cy", "en")
    kept = await accounts.change(Operator("cli:ops"), target, Profile("lead", "estates"))
    assert (kept.role, kept.team, kept.languages) == ("lead", "estates", ("cy", "en"))
    assert [a.email for a in await accounts.listing(admin)] == ["admin@lib.ac.uk", "cy@lib.ac.uk"]
