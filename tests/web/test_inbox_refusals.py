"""Queue actions that change nothing say what really happened, over real HTTP: an agent's
unclaim of someone else's item, an unclaim of an item nobody holds, a second retry."""

from __future__ import annotations

from collections.abc import Callable
from html import unescape

import httpx
from sqlalchemy import select

from config.settings import Settings
from models.store import Store
from models.store.inbox.tables import InboxItem
from models.store.tables import AuditEntry
from tests.fakes.chat import Chat
from tests.fakes.running import running_bot
from tests.fakes.waiting import wait_until
from tests.support.staff import add_staff, csrf_of, log_in, widget_item

LIFT = "the lift to level 3 has been broken all week"


async def _act(http: httpx.AsyncClient, item: int, action: str, **form: str) -> httpx.Response:
    token = csrf_of((await http.get(f"/inbox/items/{item}")).text)
    return await http.post(f"/inbox/items/{item}/{action}", data={"csrftoken": token, **form})


async def test_unclaims_that_change_nothing_say_why(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url)) as bot:
        ann = await add_staff(bot.store, "ann@lib.example.ac.uk")
        await add_staff(bot.store, "bo@lib.example.ac.uk")
        item = await widget_item(bot, LIFT)
        async with (
            httpx.AsyncClient(base_url=bot.url) as anns,
            httpx.AsyncClient(base_url=bot.url) as bos,
        ):
            await log_in(anns, ann.email)
            await log_in(bos, "bo@lib.example.ac.uk")
            claimed = await _act(anns, item, "claim")
            not_bos = await _act(bos, item, "unclaim")
            holder_after = await bot.store.read(
                lambda c: c.execute(
                    select(InboxItem.assignee_id).where(InboxItem.id == item)
                ).scalar()
            )
            given_back = await _act(anns, item, "unclaim")
            again = await _act(anns, item, "unclaim")
    assert claimed.status_code == 303
    assert not_bos.status_code == 409 and "done=unclaim" not in not_bos.headers.get("location", "")
    assert "Ann holds this item; only they or a lead can give it back" in unescape(not_bos.text)
    assert holder_after == ann.id
    assert given_back.status_code == 303
    assert again.status_code == 409 and "nobody holds this item" in again.text


async def test_a_second_retry_says_there_is_nothing_to_retry(chat: Chat, sqlite_url: str) -> None:
    bot = await chat.start("telegram", database_url=sqlite_url)
    await add_staff(bot.store, "it@lib.example.ac.uk")
    person = chat.on("telegram")
    await person.says(LIFT)
    item = await _queued(bot.store)
    await chat.expect_reply(person)  # the acknowledgement
    chat.telegram.fail_next(1, status=403, methods=["sendMessage"])  # the person blocked the bot
    async with httpx.AsyncClient(base_url=bot.url) as http:
        await log_in(http, "it@lib.example.ac.uk")
        await _act(http, item, "reply", text="We have called the engineer.")

        async def shows(mark: str) -> bool:
            return mark in (await http.get(f"/inbox/items/{item}")).text

        await wait_until(lambda: shows("✗ failed"), what="the failed delivery")
        page = (await http.get(f"/inbox/items/{item}")).text
        entry = page.split('name="entry_id" value="')[1].split('"')[0]
        first = await _act(http, item, "retry", entry_id=entry)
        await wait_until(lambda: shows("✓ sent"), what="the retried reply sent")
        second = await _act(http, item, "retry", entry_id=entry)
    retries = await bot.store.read(
        lambda c: c.execute(select(AuditEntry.id).where(AuditEntry.action == "retry_reply")).all()
    )
    assert first.status_code == 303 and "done=retry" in first.headers["location"]
    assert second.status_code == 409
    assert "nothing to retry: this reply was delivered" in second.text
    assert len(retries) == 1


async def _queued(store: Store) -> int:
    found: list[int] = []

    async def check() -> bool:
        found[:] = await store.read(lambda c: list(c.execute(select(InboxItem.id)).scalars()))
        return bool(found)

    await wait_until(check, what="the queue item")
    return found[0]
