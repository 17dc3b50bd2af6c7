"""store.staff on SQLite and PostgreSQL: accounts, sessions, failed logins, "seen" marks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.events import utcnow
from handlers.staff.login import Throttle
from models.store import Store
from models.store.migrate import upgrade_async
from models.store.staff.facade import NoSuchStaff, StaffExists
from models.store.staff.login_attempts import Claim
from models.store.tables import AuditEntry

IDLE, LIFETIME = timedelta(minutes=30), timedelta(hours=12)


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Store]:
    await upgrade_async(db_url)
    async with Store.open(db_url) as s:
        yield s


async def _add(store: Store, email: str = "Ann@Lib.ac.uk") -> int:
    account = await store.staff.add(
        email=email, name="Ann", role="agent", team="", password_hash="h", actor="test"
    )
    return account.id


async def test_an_address_is_one_account_whatever_its_case(store: Store) -> None:
    await _add(store)
    with pytest.raises(StaffExists):
        await _add(store, "ann@LIB.ac.uk")
    with pytest.raises(NoSuchStaff):
        await store.staff.disable(email="bo@lib.ac.uk", actor="test")
    assert [a.email for a in await store.staff.all()] == ["ann@lib.ac.uk"]


async def test_sessions_live_until_logout_idle_age_or_disable(store: Store) -> None:
    ann, now = await _add(store), utcnow()
    for token in ("a", "b", "c"):
        await store.staff.start_session(staff_id=ann, token_hash=token, now=now, ip="1.2.3.4")

    async def alive(token: str, at: object = None) -> bool:
        when = at or utcnow()
        found = await store.staff.resume_session(
            token_hash=token,
            now=when,
            idle=IDLE,
            lifetime=LIFETIME,  # type: ignore[arg-type]
        )
        return found is not None and found.id == ann

    assert await alive("a") and not await alive("nope")
    await store.staff.end_session(token_hash="a", now=utcnow())
    assert not await alive("a")
    assert not await alive("b", now + IDLE + timedelta(seconds=1))  # idle too long: ended
    assert not await alive("b")
    assert await alive("c")
    await store.staff.disable(email="ann@lib.ac.uk", actor="test")
    assert not await alive("c")


def _ask(ip: str = "1.1.1.1", device: str = "", email: str = "ann@lib.ac.uk") -> Claim:
    now = utcnow()
    window = timedelta(minutes=15)
    return Claim(email=email, ip=ip, device=device, now=now, since=now - window, keep=window * 4)


async def test_parallel_claims_from_two_processes_admit_exactly_the_limit(db_url: str) -> None:
    await upgrade_async(db_url)
    lane = Throttle().lane
    async with Store.open(db_url) as one, Store.open(db_url) as two:  # as two processes would
        claims = [s.staff.claim_login(ask=_ask(), admit=lane) for s in (one, two) * 8]
        admitted = await asyncio.gather(*claims)
        actions = await one.read(
            lambda c: list(c.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())
        )
    assert sum(a is not None for a in admitted) == 5
    assert actions == ["login.refused"] * 11  # refused ones are audited, never counted


async def test_a_known_device_has_its_own_allowance_and_a_success_forgets_its_failures(
    store: Store,
) -> None:
    lane = Throttle().lane
    for _ in range(5):  # a stranger uses up the account's allowance
        assert await store.staff.claim_login(ask=_ask("6.6.6.6"), admit=lane) is not None
    assert await store.staff.claim_login(ask=_ask("1.1.1.1"), admit=lane) is None
    mine = [await store.staff.claim_login(ask=_ask(device="dev-1"), admit=lane) for _ in range(5)]
    assert [a.device if a else None for a in mine] == ["dev-1"] * 5
    assert await store.staff.claim_login(ask=_ask(device="dev-1"), admit=lane) is None  # used up
    assert mine[-1] is not None
    await store.staff.login_succeeded(attempt=mine[-1])
    again = await store.staff.claim_login(ask=_ask(device="dev-1"), admit=lane)
    assert again is not None and again.device == "dev-1"


async def test_the_queue_seen_mark_moves(store: Store) -> None:
    ann = await _add(store)
    assert await store.staff.queue_seen_at(staff_id=ann) is None
    first = utcnow()
    await store.staff.mark_queue_seen(staff_id=ann, now=first)
    await store.staff.mark_queue_seen(staff_id=ann, now=first + timedelta(minutes=5))
    assert await store.staff.queue_seen_at(staff_id=ann) == first + timedelta(minutes=5)
