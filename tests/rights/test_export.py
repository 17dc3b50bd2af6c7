"""Export of a person on two linked channels: contacts, messages with labels, votes, the queue
item with the staff reply (staff name kept), CSAT, what was sent to them; the note left out."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from models.store import Store
from models.store.rights.person import NoSuchPerson
from models.store.rights.scope import Who
from models.store.tables import AuditEntry
from tests.rights.world import SAM_SLACK, SAM_TG, TEXTS, build, sam_on_telegram


async def test_every_piece_is_present_and_the_note_absent(store: Store) -> None:
    world = await build(store)
    doc = await store.rights.export_person(who=sam_on_telegram(), actor="cli")
    users = {(c["channel"], c["platform_user_id"], c["display_name"]) for c in doc["contacts"]}
    assert users == {("telegram", SAM_TG, "Sam Saunders"), ("slack", SAM_SLACK, "Sam Saunders")}
    texts = {m["text"] for m in doc["messages"]}
    assert {TEXTS[0], TEXTS[1]} <= texts
    labelled = [m for m in doc["messages"] if m["text"] == TEXTS[1]]
    assert labelled[0]["classification"]["topic"] == "printing"
    assert [(v["poll_id"], v["answer"]) for v in doc["votes"]] == [
        (world.poll_id, ["No"]),
        (world.csat_poll_id, ["5"]),
    ]
    [item] = doc["queue_items"]
    assert [(r["text"], r["staff"]) for r in item["replies"]] == [(TEXTS[2], "Ann")]
    assert [c["score"] for c in doc["csat"]] == [5]
    assert {TEXTS[2], TEXTS[4]} <= {s["text"] for s in doc["sent_to_them"]}
    assert TEXTS[3] not in json.dumps(doc)
    assert doc["summary"][0] == "Contacts on 2 channel(s): slack, telegram."


async def test_by_pseudonym_or_item_is_the_same_person(store: Store) -> None:
    world = await build(store)
    first = await store.rights.export_person(who=sam_on_telegram(), actor="cli")
    pseudonym = first["contacts"][1]["pseudonym"]
    again = await store.rights.export_person(who=Who(pseudonym=pseudonym), actor="cli")
    by_item = await store.rights.export_person(who=Who(item_id=world.item_id), actor="staff:1")
    assert first == again == by_item


async def test_exports_are_audited_and_unknown_people_refused(store: Store) -> None:
    await build(store)
    await store.rights.export_person(who=sam_on_telegram(), actor="cli")
    with pytest.raises(NoSuchPerson, match="nothing is held about telegram 999"):
        await store.rights.export_person(who=Who(channel="telegram", user="999"), actor="cli")
    query = select(AuditEntry.actor, AuditEntry.action).where(AuditEntry.action == "export_person")
    assert await store.read(lambda c: [tuple(r) for r in c.execute(query)]) == [
        ("cli", "export_person")
    ]


async def test_opt_out_state_is_shown_per_contact(store: Store) -> None:
    await build(store)
    before = await store.rights.export_person(who=sam_on_telegram(), actor="cli")
    assert [o["opted_out"] for o in before["opt_out"]] == [False, False]
    assert "You have not opted out" in before["summary"][-2]
    telegram = next(c["id"] for c in before["contacts"] if c["channel"] == "telegram")
    await store.opt_outs.choose(contact_id=telegram, opted_out=True)
    doc = await store.rights.export_person(who=sam_on_telegram(), actor="cli")
    state = {o["channel"]: (o["opted_out"], o["since"] is not None) for o in doc["opt_out"]}
    assert state == {"telegram": (True, True), "slack": (False, False)}
    assert "You opted out of messages the library starts on: telegram." in doc["summary"]
