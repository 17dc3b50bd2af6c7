"""Polls on the feedback page: shown while open, answered with a tap, with or without JavaScript."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from config.settings import Settings
from handlers.polls import service as polls
from handlers.polls.kinds import standard_options
from models.store.polls.definitions import Target
from tests.fakes.chat import Chat
from tests.fakes.running import RunningBot, running_bot
from tests.fakes.waiting import wait_until


async def open_poll(bot: RunningBot, kind: str = "csat") -> int:
    poll_id = await bot.store.polls.create(
        targets=[Target("widget")],
        options=standard_options(kind, []),
        question="How satisfied are you with the library today?",
        kind=kind,
    )
    await bot.app.polls.send(poll_id)
    return poll_id


async def counts(bot: RunningBot, poll_id: int) -> dict[str, int]:
    return {o.key: o.count for o in (await polls.results(bot.store, poll_id)).options}


async def test_answering_with_json_and_changing_the_answer(chat: Chat, db_url: str) -> None:
    bot = await chat.start(database_url=db_url)
    poll_id = await open_poll(bot)
    visitor = chat.on("widget")
    [shown] = await visitor.polls()
    assert shown["id"] == poll_id and shown["your_answer"] == []
    first = await visitor.taps("2 Poor")
    again = await visitor.redelivers()  # the same request again
    changed = await visitor.taps("5 Excellent")
    assert [s.status for s in (first, *again, changed)] == [202, 202, 202]

    async def changed_answer() -> bool:
        return (await counts(bot, poll_id))["5"] == 1

    await wait_until(changed_answer, what="the changed answer")
    assert (await counts(bot, poll_id))["2"] == 0
    assert (await visitor.polls())[0]["your_answer"] == ["5"]
    session = await visitor.session()
    bad = {"session": session, "client_id": "vote-0003", "poll_id": "one", "option": "5"}
    assert (await chat.http.post(f"{bot.url}/widget/api/votes", json=bad)).status_code == 400


async def test_answering_without_javascript(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        poll_id = await open_poll(bot, "yes_no")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            page = await http.get("/widget")
            assert "<legend>How satisfied are you with the library today?</legend>" in page.text
            assert 'aria-pressed="false">Yes</button>' in page.text
            session = http.cookies["feedbot_session"]
            client_id = page.text.split('name="client_id" value="')[1].split('"')[0]
            form = {
                "session": session,
                "client_id": client_id,
                "poll_id": str(poll_id),
                "option": "yes",
            }
            voted = await http.post("/widget/vote", data=form)
            assert voted.status_code == 303

            async def counted() -> bool:
                return (await counts(bot, poll_id))["yes"] == 1

            await wait_until(counted, what="the vote")
            again = await http.get(voted.headers["location"])
            assert 'aria-pressed="true">Yes</button>' in again.text and "Your answer:" in again.text
            await bot.app.polls.close(poll_id)
            after = (await http.get("/widget")).text
            assert "How satisfied are you with the library today?" not in after  # closed

            async def asked() -> bool:
                # having answered, the person is asked once whether the library may write
                # again (by the steps after the store: the vote itself counts on arrival)
                return "May we contact you again now and then" in (await http.get("/widget")).text

            await wait_until(asked, what="the consent question")
            after = (await http.get("/widget")).text
