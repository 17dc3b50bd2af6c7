"""The feedback widget: a staff reply shows in the student's conversation; the satisfaction
question is offered to that session only and answered with a POST (never a bare GET)."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from config.settings import Settings
from tests.harness import running_bot
from tests.inbox.scenario import PRINTER, answered, queued_item, reply_entry, staff


async def session_for(http: httpx.AsyncClient, fallback: str) -> str:
    """A session the server issued (or, where it does not issue them yet, a client-made one)."""
    issued = await http.post("/widget/api/sessions", json={})
    return str(issued.json()["session"]) if issued.status_code == 201 else fallback


async def test_reply_shows_on_the_page_and_the_csat_is_that_sessions_own(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with (
        running_bot(make_settings(database_url=db_url)) as bot,
        httpx.AsyncClient(base_url=bot.url) as http,
    ):
        mine = await session_for(http, "session-student1")
        other = await session_for(http, "session-student2")
        sent = {"session": mine, "client_id": "client-0001", "text": PRINTER}
        assert (await http.post("/widget/api/messages", json=sent)).status_code == 202
        item = await queued_item(bot)
        ann = await staff(bot)
        await bot.app.inbox.reply(ann, item.id, "Sorry! Ask at the desk for a refund.")
        await reply_entry(bot, item.id, "sent")
        talk = (await http.get("/widget/api/messages", params={"session": mine})).json()
        texts = [(m["from"], m["text"]) for m in talk["messages"]]
        assert ("you", PRINTER) in texts and (
            "library",
            "Sorry! Ask at the desk for a refund.",
        ) in texts

        await bot.app.inbox.resolve(ann, [item.id])
        polls = (await http.get("/widget/api/polls", params={"session": mine})).json()["polls"]
        [question] = [p for p in polls if p["kind"] == "csat"]
        others = (await http.get("/widget/api/polls", params={"session": other})).json()["polls"]
        assert all(p["id"] != question["id"] for p in others)
        vote = {"session": mine, "client_id": "vote-0001", "poll_id": question["id"], "option": "5"}
        assert (await http.post("/widget/api/votes", json=vote)).status_code == 202
        await answered(bot, item.id, 5)
