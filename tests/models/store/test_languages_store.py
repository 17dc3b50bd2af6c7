"""store.languages on SQLite and PostgreSQL: each message's language, a person's language from
confident detections only, and the person's language exported and erased with them; staff
accounts' languages."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from models.store import Store
from models.store.inbound.languages import Detected
from models.store.migrate import upgrade_async
from models.store.rights.scope import Who
from tests.support.events import message
from tests.support.staff import add_staff

KEY = b"languages-test-key"


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Store]:
    await upgrade_async(db_url)
    async with Store.open(db_url, pseudonym_key=KEY) as s:
        yield s


async def _two_messages(store: Store) -> tuple[int, int, int]:
    """Two messages from one person: their ids and the person's contact id."""
    texts = ("Mae'r wifi wedi torri eto ar y llawr cyntaf", "Diolch!")
    events = [message(t, pid=f"m-{i}") for i, t in enumerate(texts)]
    first, second = await store.messages.record(events=events)
    [view] = [m for m in await store.messages.find() if m.id == first.message_id]
    assert view.contact_id is not None and view.language is None  # not processed yet
    return first.message_id, second.message_id, view.contact_id


async def test_messages_get_their_language_and_the_person_a_confident_one(store: Store) -> None:
    first, second, person = await _two_messages(store)
    assert await store.languages.of_person(contact_id=person) is None
    await store.languages.save(
        detected=[Detected(first, person, "cy", True), Detected(second, person, "cy", False)]
    )
    languages = {m.id: m.language for m in await store.messages.find()}
    assert languages == {first: "cy", second: "cy"}
    assert await store.languages.of_people(contact_ids=[person, person + 99]) == {person: "cy"}


async def test_a_guess_never_changes_the_persons_language(store: Store) -> None:
    first, second, person = await _two_messages(store)
    await store.languages.save(detected=[Detected(first, person, "cy", True)])
    await store.languages.save(detected=[Detected(second, person, "en", False)])
    assert await store.languages.of_person(contact_id=person) == "cy"
    await store.languages.save(detected=[Detected(second, person, "en", True)])
    assert await store.languages.of_person(contact_id=person) == "en"  # the latest sure one


async def test_saving_nothing_or_unknown_people_is_harmless(store: Store) -> None:
    await store.languages.save(detected=[])
    assert await store.languages.of_people(contact_ids=[]) == {}
    first, _, _ = await _two_messages(store)
    await store.languages.save(detected=[Detected(first, None, "und", False)])
    assert {m.id: m.language for m in await store.messages.find()}[first] == "und"


async def test_the_persons_language_is_exported_and_erased_with_them(store: Store) -> None:
    first, _, person = await _two_messages(store)
    await store.languages.save(detected=[Detected(first, person, "cy", True)])
    who = Who(channel="slack", user="U123")
    exported = await store.rights.export_person(who=who, actor="test")
    assert [c["language"] for c in exported["contacts"]] == ["cy"]
    assert {m["language"] for m in exported["messages"]} >= {"cy"}
    await store.rights.erase_person(who=who, actor="test")
    assert await store.languages.of_person(contact_id=person) is None


async def test_staff_accounts_list_the_languages_they_read(store: Store) -> None:
    await add_staff(store, "ana@lib.ac.uk")
    [ana] = await store.staff.all()
    assert ana.languages == ()
    changed = await store.staff.set_languages(
        email="Ana@Lib.ac.uk", languages=("cy", "es"), actor="test"
    )
    assert changed.languages == ("cy", "es")
    assert await store.staff.get(staff_id=ana.id) == changed
    cleared = await store.staff.set_languages(email="ana@lib.ac.uk", languages=(), actor="test")
    assert cleared.languages == ()
