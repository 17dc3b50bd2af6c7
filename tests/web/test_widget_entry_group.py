"""The widget page opened from a library page for one customer group (``?group=``): visits
write no person and place nobody (a refresh loop or a crawler costs no person rows); the
person is placed when they send, once however often they send, and a group the library does
not know is ignored."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from config.settings import Settings
from models.store import Store
from models.store.tables import Contact
from models.store.widget.tables import WidgetSession
from tests.fakes.running import running_bot


@pytest.fixture
def contact_writes() -> Iterator[list[str]]:
    """Each write of the contacts table as it is executed ("PLACE" for a placement)."""
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        flat = " ".join(statement.split())
        if flat.startswith("UPDATE contacts SET customer_group=") and "SELECT" not in flat:
            seen.append("PLACE")  # a placement (not the imported list's match on arrival)
        elif flat.startswith(("UPDATE contacts", "INSERT INTO contacts", "INSERT OR IGNORE")):
            seen.append(flat.split(" (")[0])

    event.listen(Engine, "before_cursor_execute", note)
    yield seen
    event.remove(Engine, "before_cursor_execute", note)


async def test_twenty_visits_write_nothing_and_sending_places_the_person_once(
    sqlite_url: str, make_settings: Callable[..., Settings], contact_writes: list[str]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        async with httpx.AsyncClient(base_url=bot.url) as http:
            pages = [await http.get("/widget", params={"group": "visitor"}) for _ in range(20)]
            visiting, contacts_then = list(contact_writes), await _contacts(bot.store)
            session = http.cookies["feedbot_session"]
            for n in range(3):
                form = {"session": session, "client_id": f"entry-{n:04d}", "text": f"hello {n}"}
                sent = await http.post("/widget/send", data=form | {"group": "visitor"})
                assert sent.status_code == 303, sent.text
        async with httpx.AsyncClient(base_url=bot.url) as stranger:
            unknown = [await stranger.get("/widget", params={"group": "wizards"}) for _ in range(3)]
        groups = await bot.store.read(lambda c: c.execute(select(Contact.customer_group)).all())
        sessions = await bot.store.read(
            lambda c: c.execute(select(func.count()).select_from(WidgetSession)).scalar_one()
        )
    assert all(p.status_code == 200 for p in pages + unknown)
    assert '<input type="hidden" name="group" value="visitor">' in pages[-1].text
    assert 'name="group"' not in unknown[0].text  # an unknown group: ignored
    assert visiting == [] and contacts_then == 0  # visits create no person and place nobody
    assert contact_writes.count("PLACE") == 1  # three messages, one placement
    assert [g for (g,) in groups] == ["visitor"]
    assert sessions == 2  # one per browser (the cookie's), not one per visit


async def _contacts(store: Store) -> int:
    count = select(func.count()).select_from(Contact)
    return int(await store.read(lambda c: c.execute(count).scalar_one()))


async def test_the_pages_script_sends_the_group_with_each_message_and_one_places(
    sqlite_url: str, make_settings: Callable[..., Settings], contact_writes: list[str]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await http.get("/widget", params={"group": "visitor"})
            session = http.cookies["feedbot_session"]
            answers = []
            for n, group in enumerate(("visitor", "visitor", "wizards")):
                body = {
                    "session": session,
                    "client_id": f"script-{n:04d}",
                    "text": "hi",
                    "group": group,
                }
                answers.append(await http.post("/widget/api/messages", json=body))
        groups = await bot.store.read(lambda c: c.execute(select(Contact.customer_group)).all())
    assert [a.status_code for a in answers] == [202, 202, 422]
    assert "customer groups" in answers[2].text
    assert contact_writes.count("PLACE") == 1 and [g for (g,) in groups] == ["visitor"]
