"""Erasing a person: afterwards no table, column or byte of the SQLite file holds their texts
or platform ids; statistics and poll results are unchanged; a message waiting to go to them is
cancelled; a second erasure is a no-op; every table is registered or declared clean."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from models.store import Store
from models.store.engine import sqlite_path
from models.store.rights.registry import NOT_PERSONAL, REGISTRY
from models.store.rights.scope import Who
from models.store.tables import AuditEntry, OutboxItem
from tests.rights.world import ALEX, NEEDLES, SAM_SLACK, build, figures, sam_on_telegram
from tests.support import scan


async def test_every_table_is_registered_or_declared_clean(store: Store) -> None:
    registered = {h.table for h in REGISTRY} | set(NOT_PERSONAL)
    assert await store.read(scan.tables) - registered == set()
    assert {h.table for h in REGISTRY} <= await store.read(scan.tables)


async def test_the_world_holds_every_needle_before(store: Store) -> None:
    await build(store)
    found = {n for _, _, n in await store.read(scan.find, NEEDLES)}
    assert found == set(NEEDLES)


async def test_after_erasure_no_table_holds_them(store: Store, db_url: str) -> None:
    world = await build(store)
    path = sqlite_path(db_url)
    assert path is None or _raw_hits(path) != []  # the raw check does see them
    before = await store.read(figures(store))
    results = (
        await store.polls.votes(poll_id=world.poll_id),
        await store.polls.votes(poll_id=world.csat_poll_id),
    )
    done = await store.rights.erase_person(who=sam_on_telegram(), actor="cli")
    assert done.held and done.touched["messages"] >= 5
    assert await store.read(scan.find, NEEDLES) == []
    assert await store.read(figures(store)) == before
    assert (
        await store.polls.votes(poll_id=world.poll_id),
        await store.polls.votes(poll_id=world.csat_poll_id),
    ) == results
    alex = await store.read(scan.find, (ALEX, "the lift is broken"))
    assert {t for t, _, _ in alex} >= {"contact_addresses", "messages"}
    if path is not None:
        assert _raw_hits(path) == []


def _raw_hits(path: Path) -> list[str]:
    """Needles in the bytes of the database file and whatever WAL is beside it."""
    files = [p for p in (path, Path(f"{path}-wal")) if p.exists()]
    data = b"".join(p.read_bytes() for p in files)
    return [n for n in NEEDLES if n.encode() in data]


async def test_a_message_waiting_for_them_is_cancelled(store: Store) -> None:
    world = await build(store)
    await store.rights.erase_person(who=Who(channel="slack", user=SAM_SLACK), actor="cli")
    query = select(OutboxItem.status, OutboxItem.payload).where(
        OutboxItem.message_id == world.pending_message_id
    )
    status, payload = await store.read(lambda c: c.execute(query).one())
    assert (status, payload) == ("cancelled", {"erased": True})


async def test_a_second_erasure_is_a_no_op_and_both_are_audited(store: Store) -> None:
    await build(store)
    await store.rights.erase_person(who=sam_on_telegram(), actor="cli")
    before = await store.read(figures(store))
    again = await store.rights.erase_person(who=sam_on_telegram(), actor="cli")
    assert (again.held, again.touched) == (False, {})
    assert await store.read(figures(store)) == before
    query = select(AuditEntry.action, AuditEntry.detail).where(AuditEntry.action == "erase_person")
    rows = await store.read(lambda c: [tuple(r) for r in c.execute(query)])
    [(_, first), (_, second)] = rows
    assert first["held"] is True and len(first["person"]) == 8  # the queue's short pseudonym
    assert second == {"held": False}
