"""The staff use cases without the web: roles checked here, due times, canned replies, errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.widget import WidgetAdapter
from bot.events import utcnow
from config.library import load_library_config
from config.wording import fill
from handlers.inbox.roles import Actor, Forbidden, allowed, sees_name
from handlers.inbox.steps import Clock
from handlers.inbox.usecases import Inbox
from models.store import Store
from models.store.inbox.types import InboxError, NoSuchItem
from models.store.migrate import upgrade_async
from tests.fakes.wording import shipped_wording
from tests.support.queue import add_staff, queued

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = load_library_config(ROOT / "config" / "feedbot.yaml")


@pytest.fixture
async def store(sqlite_url: str) -> AsyncIterator[Store]:
    await upgrade_async(sqlite_url)
    async with Store.open(sqlite_url, pseudonym_key=b"k" * 32) as s:
        yield s


@pytest.fixture
def inbox(store: Store) -> Inbox:
    clock = Clock(LIBRARY.triage, ZoneInfo("Europe/London"))
    widget = WidgetAdapter()
    return Inbox(
        store,
        LIBRARY,
        clock,
        {widget.channel: widget.capabilities},
        lambda: None,
        max_chars=4000,
        wording=shipped_wording(),
    )


async def people(store: Store) -> tuple[Actor, Actor, Actor]:
    ids = [await add_staff(store, f"{r}@lib.ac.uk", role=r) for r in ("agent", "lead", "admin")]
    return Actor(ids[0], "agent"), Actor(ids[1], "lead"), Actor(ids[2], "admin")


def test_names_are_for_the_holder_and_leads() -> None:
    agent, lead, admin = Actor(1, "agent"), Actor(2, "lead"), Actor(3, "admin")
    assert sees_name(agent, 1) and not sees_name(agent, 2) and not sees_name(agent, None)
    assert sees_name(lead, None) and sees_name(admin, 1)


def test_roles_grow_agent_lead_admin() -> None:
    assert allowed("agent", "reply") and not allowed("agent", "assign")
    assert allowed("lead", "assign") and allowed("lead", "canned")
    assert not allowed("lead", "staff") and allowed("admin", "staff")
    assert not allowed("intern", "reply") and not allowed("admin", "launch")


async def test_an_agent_cannot_assign_or_edit_canned_replies(store: Store, inbox: Inbox) -> None:
    item = (await queued(store)).item_id
    assert item is not None
    agent, lead, _ = await people(store)
    with pytest.raises(Forbidden, match="an agent cannot assign"):
        await inbox.assign(agent, [item], staff_id=agent.id)
    with pytest.raises(Forbidden):
        await inbox.canned.save(agent, "hello", "Hi {name}")
    assert await inbox.assign(lead, [item], staff_id=agent.id, team="estates") == [item]
    [row] = await inbox.listing(agent, inbox.view(agent, "mine", now=utcnow()))
    assert (row.id, row.team, row.status) == (item, "estates", "open")


async def test_a_claim_lost_says_who_has_it(store: Store, inbox: Inbox) -> None:
    item = (await queued(store)).item_id
    assert item is not None
    agent, lead, _ = await people(store)
    assert (await inbox.claim(lead, item)).won
    lost = await inbox.claim(agent, item)
    assert (lost.won, lost.assignee) == (False, "Lead")
    with pytest.raises(InboxError, match="Lead holds this item; only they or a lead"):
        await inbox.unclaim(agent, item)  # not theirs to give back: says so, changes nothing
    assert await inbox.unclaim(lead, item)
    with pytest.raises(InboxError, match="nobody holds this item"):
        await inbox.unclaim(lead, item)


async def test_priority_moves_the_due_time_by_the_sla(store: Store, inbox: Inbox) -> None:
    item = (await queued(store)).item_id
    assert item is not None
    agent, _, _ = await people(store)
    await inbox.set_priority(agent, item, "urgent")
    view = await store.inbox.item(item_id=item)
    assert view is not None and view.row.priority == "urgent"
    assert view.row.due_at == inbox._clock.due("urgent", view.clock_from)
    with pytest.raises(InboxError, match="priority must be one of"):
        await inbox.set_priority(agent, item, "whenever")


async def test_canned_replies_from_config_and_from_leads(store: Store, inbox: Inbox) -> None:
    item = (await queued(store)).item_id
    assert item is not None
    _, lead, _ = await people(store)
    names = [c.name for c in await inbox.canned.replies()]
    assert names == sorted(LIBRARY.canned_replies)
    await inbox.canned.save(lead, "fixed", "Hello {name}, {library} fixed it. {unknown}")
    text = await inbox.canned.text(lead, "fixed", item)
    assert text == "Hello there, The Library fixed it. {unknown}"
    assert fill("Hi {name} {x}", {"name": "Ada"}) == "Hi Ada {x}"
    assert await inbox.canned.delete(lead, "fixed")
    assert "has now been fixed" in await inbox.canned.text(lead, "fixed", item)


async def test_the_reply_limit_is_the_one_setting_given(store: Store) -> None:
    clock = Clock(LIBRARY.triage, ZoneInfo("Europe/London"))
    widget = WidgetAdapter()
    short = Inbox(
        store,
        LIBRARY,
        clock,
        {widget.channel: widget.capabilities},
        lambda: None,
        max_chars=20,
        wording=shipped_wording(),
    )
    item = (await queued(store)).item_id
    assert item is not None
    agent, _, _ = await people(store)
    await short.claim(agent, item)
    with pytest.raises(InboxError, match="longer than 20 characters"):
        await short.reply(agent, item, "x" * 21)
    await short.reply(agent, item, "x" * 20)


async def test_bad_input_is_refused_with_a_clear_message(store: Store, inbox: Inbox) -> None:
    item = (await queued(store)).item_id
    assert item is not None
    agent, _, _ = await people(store)
    with pytest.raises(InboxError, match="empty"):
        await inbox.reply(agent, item, "   ")
    with pytest.raises(InboxError, match="longer than"):
        await inbox.note(agent, item, "x" * 5000)
    with pytest.raises(InboxError, match="future"):
        await inbox.snooze(agent, item, utcnow() - timedelta(minutes=1))
    with pytest.raises(InboxError, match="topic or the sentiment"):
        await inbox.relabel(agent, item, field="colour", value="red")
    with pytest.raises(NoSuchItem):
        await inbox.page(agent, 424242)
    with pytest.raises(ValueError, match="unknown view"):
        inbox.view(agent, "everything", now=utcnow())


async def test_new_since_i_last_looked(store: Store, inbox: Inbox) -> None:
    agent, _, _ = await people(store)
    await queued(store, pid="1", sender="U1")
    looked = utcnow()
    later = (await queued(store, "hello?", pid="2", sender="U2")).item_id
    rows = await inbox.listing(agent, inbox.view(agent, "new_since", now=utcnow(), seen_at=looked))
    assert [r.id for r in rows] == [later]
    assert (await inbox.counts(agent, now=utcnow(), seen_at=looked))["new_since"] == 1
