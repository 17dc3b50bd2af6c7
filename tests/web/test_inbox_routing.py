"""Moving an item to another team and splitting messages off it, from the item page: who may
(agents of the item's team, leads), CSRF, the audit row, and what the pages then show."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import select

from config.settings import Settings
from models.store.tables import AuditEntry
from tests.fakes.running import RunningBot, running_bot
from tests.support.staff import add_staff, csrf_of, log_in, two_messages, widget_item

ANN, BO, LEE = "ann@lib.example.ac.uk", "bo@lib.example.ac.uk", "lee@lib.example.ac.uk"


async def moves(bot: RunningBot) -> list[tuple[str, dict[str, Any]]]:
    query = select(AuditEntry.subject, AuditEntry.detail).where(AuditEntry.action == "move")
    return await bot.store.read(lambda c: [(r[0], dict(r[1])) for r in c.execute(query)])


async def test_an_agent_moves_their_teams_item_and_not_another_teams(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url)) as bot:
        item = await widget_item(bot, "Can I book a group study room?")
        await add_staff(bot.store, ANN, team="customer_engagement")
        await add_staff(bot.store, BO, team="estates")
        async with (
            httpx.AsyncClient(base_url=bot.url) as ann,
            httpx.AsyncClient(base_url=bot.url) as bo,
        ):
            await log_in(ann, ANN)
            await log_in(bo, BO)
            page = (await bo.get(f"/inbox/items/{item}")).text
            refused = await bo.post(
                f"/inbox/items/{item}/move",
                data={"csrftoken": csrf_of(page), "team": "estates"},
            )
            split = {"csrftoken": csrf_of(page), "message_ids": "1", "topic": "noise"}
            no_split = await bo.post(
                f"/inbox/items/{item}/split", data={**split, "priority": "normal"}
            )
            shown = (await ann.get(f"/inbox/items/{item}")).text
            no_token = await ann.post(f"/inbox/items/{item}/move", data={"team": "estates"})
            unknown = await ann.post(
                f"/inbox/items/{item}/move", data={"csrftoken": csrf_of(shown), "team": "nasa"}
            )
            done = await ann.post(
                f"/inbox/items/{item}/move", data={"csrftoken": csrf_of(shown), "team": "estates"}
            )
            after = (await ann.get(done.headers["location"])).text
        audited = await moves(bot)
        view = await bot.store.inbox.item(item_id=item)
    assert 'id="move-team"' not in page  # Bo is not in the item's team: no control shown
    # teams are shown by name (config/languages/en.yaml), sent by key
    assert "<dt>Team</dt><dd>Customer engagement</dd>" in shown
    assert "Now with Customer engagement;" in shown and "(agent, Customer engagement)" in shown
    assert '<option value="customer_engagement" selected>Customer engagement</option>' in shown
    assert '<option value="it_services" >IT services</option>' in shown
    assert ">customer_engagement<" not in shown and "<dt>Team</dt><dd>Estates</dd>" in after
    assert refused.status_code == 403 and "only agents of Customer engagement" in refused.text
    assert no_split.status_code == 403 and "or a lead can move or split" in no_split.text
    assert no_token.status_code == 403
    assert unknown.status_code == 409
    [said] = re.findall(
        r"<strong>Not done.</strong> choose a team from the list: ([^<]*)<", unknown.text
    )
    assert "Customer engagement, " in said and "_" not in said  # by name, not key
    assert done.status_code == 303 and "Moved to the team shown" in after
    assert view is not None and view.row.team == "estates" and not view.team_manual
    [(subject, detail)] = audited
    assert subject == f"item:{item}"
    assert detail["summary"] == "moved from customer_engagement to estates"


async def test_a_topic_correction_moves_the_item_and_says_so(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        item = await widget_item(bot, "eduroam will not connect on my laptop")
        await add_staff(bot.store, ANN)
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, ANN)
            before = (await http.get(f"/inbox/items/{item}")).text
            token = csrf_of(before)
            fixed = await http.post(
                f"/inbox/items/{item}/relabel",
                data={"csrftoken": token, "field": "topic", "value": "wifi_and_it"},
            )
            page = (await http.get(fixed.headers["location"])).text
        view = await bot.store.inbox.item(item_id=item)
    # the topic select shows names and sends keys: the key posted above is what it sends
    select = before[
        before.index('<select id="topic"') : before.index(
            "</select>", before.index('<select id="topic"')
        )
    ]
    assert '<option value="wifi_and_it" >Wi-Fi and IT</option>' in select
    assert ">wifi_and_it<" not in select and "<option>" not in select
    assert fixed.headers["location"].endswith("done=relabel_moved")
    assert "moved to that topic" in page and "<dt>Topic</dt><dd>Wi-Fi and IT</dd>" in page
    assert '<option value="wifi_and_it" selected>Wi-Fi and IT</option>' in page
    assert view is not None and view.row.team == "it_services"


async def test_a_lead_splits_a_message_into_its_own_item(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url)) as bot:
        item = await two_messages(
            bot, "Can I renew my loans online?", "Also the lift to floor 3 is broken?"
        )
        await add_staff(bot.store, LEE, role="lead")
        page = await bot.store.inbox.page(item_id=item)
        assert page is not None
        [lift] = [e.message_id for e in page.splittable() if "lift" in e.text]
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, LEE)
            shown = (await http.get(f"/inbox/items/{item}")).text
            token = csrf_of(shown)
            form = {"csrftoken": token, "topic": "building_and_facilities", "priority": "high"}
            none_ticked = await http.post(f"/inbox/items/{item}/split", data=form)
            split = await http.post(
                f"/inbox/items/{item}/split", data={**form, "message_ids": str(lift)}
            )
            new_page = (await http.get(split.headers["location"])).text
            old_page = (await http.get(f"/inbox/items/{item}")).text
        new_id = int(split.headers["location"].split("/")[3].split("?")[0])
        new = await bot.store.inbox.item(item_id=new_id)
    assert none_ticked.status_code == 400 and "tick the messages" in none_ticked.text
    # the split's topic select shows names; the key posted above is its option's value
    assert '<option value="building_and_facilities">Building and facilities</option>' in shown
    assert split.status_code == 303 and "This item was split off" in new_page
    assert "<dt>Topic</dt><dd>Building and facilities</dd>" in new_page
    assert new is not None
    assert (new.row.team, new.row.priority, new.row.text) == (
        "estates",
        "high",
        "Also the lift to floor 3 is broken?",
    )
    assert f'href="/inbox/items/{new_id}">item #{new_id}</a>' in old_page
