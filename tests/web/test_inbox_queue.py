"""The queue page with the filters the weekly digest links to: every status, no team, and the
ISO week an item was written, first answered or resolved in (library time)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import update

from config.settings import Settings
from handlers.digest.week import IsoWeek
from models.store.inbox.tables import InboxItem
from tests.fakes.running import running_bot
from tests.support.staff import add_staff, csrf_of, log_in, widget_item


async def test_week_filters_show_the_items_of_that_week_and_say_so(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(database_url=sqlite_url)
    week = str(IsoWeek.of(datetime.now(UTC).astimezone(ZoneInfo(settings.timezone)).date()))
    async with running_bot(settings) as bot:
        item = await widget_item(bot, "The lift to level 3 is out of order")
        clear = update(InboxItem).where(InboxItem.id == item).values(team="")
        await bot.store._db.write(lambda conn: conn.execute(clear))
        await add_staff(bot.store, "ann@lib.example.ac.uk")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "ann@lib.example.ac.uk")
            this = await http.get(f"/inbox/?status=all&team=none&created={week}")
            before = await http.get("/inbox/?status=all&created=2025-W01")
            nonsense = await http.get("/inbox/?created=next-week")
    assert this.status_code == 200 and f"/inbox/items/{item}" in this.text
    assert f"Only items first written in {week} (library time)" in this.text
    assert before.status_code == 200 and f"/inbox/items/{item}" not in before.text
    assert nonsense.status_code == 200 and "Only items" not in nonsense.text  # ignored


async def test_teams_are_shown_by_name_and_sent_by_key(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        item = await widget_item(bot, "Can I book a group study room?")  # customer_engagement
        await add_staff(bot.store, "lee@lib.example.ac.uk", role="lead", team="it_services")
        await add_staff(bot.store, "bo@lib.example.ac.uk", team="estates")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "lee@lib.example.ac.uk")
            queue = (await http.get("/inbox/?status=all")).text
            shown = (await http.get(f"/inbox/items/{item}")).text
    assert "Team: Customer engagement" in queue  # the list
    assert '<option value="customer_engagement" >Customer engagement (1)</option>' in queue
    assert ">Bo (Estates)</option>" in queue  # the bulk assign select
    assert "(lead, IT services)" in queue and "(lead, IT services)" in shown  # the header
    assert ">Bo (Estates)</option>" in shown  # the item's assign selects
    assert '<option value="customer_engagement" selected>Customer engagement</option>' in shown
    assert "customer_engagement<" not in queue + shown and "it_services<" not in queue + shown


async def test_topics_are_shown_by_name_and_filtered_by_key(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        item = await widget_item(bot, "eduroam will not connect on my laptop")
        await add_staff(bot.store, "lee@lib.example.ac.uk", role="lead")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "lee@lib.example.ac.uk")
            token = csrf_of((await http.get(f"/inbox/items/{item}")).text)
            fixed = await http.post(  # the item page's topic select sends the key
                f"/inbox/items/{item}/relabel",
                data={"csrftoken": token, "field": "topic", "value": "wifi_and_it"},
            )
            queue = (await http.get("/inbox/?status=all")).text
            chosen = (await http.get("/inbox/?status=all&topic=wifi_and_it")).text
            other = (await http.get("/inbox/?status=all&topic=noise")).text
    assert fixed.status_code == 303
    assert "Topic: Wi-Fi and IT" in queue  # the list
    assert '<option value="wifi_and_it" >Wi-Fi and IT (1)</option>' in queue  # the filter
    assert '<option value="noise" >Noise (0)</option>' in queue  # every known topic is offered
    assert "wifi_and_it<" not in queue and "wifi_and_it)" not in queue
    # the filter's value is the key: choosing it keeps the item, another topic does not
    assert '<option value="wifi_and_it" selected>Wi-Fi and IT (1)</option>' in chosen
    assert f"/inbox/items/{item}" in chosen and f"/inbox/items/{item}" not in other


async def test_an_item_the_classifier_has_not_labelled_says_so(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    """No classifier running: the topic is "Not yet classified", not "unsure" (which means the
    classifier could not read the language)."""
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        item = await widget_item(bot, "The printers on level 2 are out of toner")
        await add_staff(bot.store, "ann@lib.example.ac.uk")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "ann@lib.example.ac.uk")
            queue = (await http.get("/inbox/?status=all")).text
            shown = (await http.get(f"/inbox/items/{item}")).text
    assert "Topic: Not yet classified" in queue and "Topic: unsure" not in queue
    assert "<dt>Topic</dt><dd>Not yet classified</dd>" in shown
