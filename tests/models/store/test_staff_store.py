"""store.staff on SQLite and PostgreSQL: accounts, sessions, failed logins, "seen" marks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.events import utcnow
from models.store import Store
from models.store.migrate import upgrade_async
from models.store.staff import NoSuchStaff, StaffExists
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


async def test_failed_logins_are_counted_per_address_and_ip_and_audited(store: Store) -> None:
    now, keep = utcnow(), timedelta(hours=1)
    for ip in ("1.1.1.1", "1.1.1.1", "2.2.2.2"):
        await store.staff.record_failed_login(
            email="ann@lib.ac.uk", ip=ip, now=now, keep=keep, reason="wrong"
        )
    since = now - timedelta(minutes=15)
    assert await store.staff.failed_logins(email="ann@lib.ac.uk", ip="1.1.1.1", since=since) == (
        3,
        2,
    )
    await store.staff.clear_failed_logins(email="ann@lib.ac.uk")
    assert await store.staff.failed_logins(email="ann@lib.ac.uk", ip="1.1.1.1", since=since) == (
        0,
        0,
    )
    actions = await store.read(
        lambda c: list(c.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())
    )
    assert actions == ["login.failed"] * 3


async def test_the_queue_seen_mark_moves(store: Store) -> None:
    ann = await _add(store)
    assert await store.staff.queue_seen_at(staff_id=ann) is None
    first = utcnow()
    await store.staff.mark_queue_seen(staff_id=ann, now=first)
    await store.staff.mark_queue_seen(staff_id=ann, now=first + timedelta(minutes=5))
    assert await store.staff.queue_seen_at(staff_id=ann) == first + timedelta(minutes=5)
