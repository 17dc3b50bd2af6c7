"""Votes that mean something: only issued sessions, open polls, real options, within limits."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from config.settings import Settings
from handlers.polls import service as polls
from tests.fakes.running import RunningBot, running_bot
from tests.fakes.waiting import wait_until
from tests.fakes.widget_sessions import new_session
from tests.support.widget_polls import FOLLOW_UP, make_poll, vote


async def counts(bot: RunningBot, poll_id: int) -> dict[str, int]:
    return {o.key: o.count for o in (await polls.results(bot.store, poll_id)).options}


async def test_votes_on_closed_draft_unknown_polls_or_options_are_refused_with_a_reason(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url)) as bot:
        open_id, draft_id = await make_poll(bot), await make_poll(bot, send=False)
        closed_id = await make_poll(bot)
        await bot.app.polls.close(closed_id)
        elsewhere = await make_poll(bot, send=False, channel="slack")
        await bot.store.polls.set_status(poll_id=elsewhere, status="open")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            session = await new_session(http)
            cases = [
                (vote(session, closed_id, "5", 1), 409, "closed"),
                (vote(session, draft_id, "5", 2), 409, "not open"),
                (vote(session, 999_999, "5", 3), 404, "no such poll"),
                (vote(session, elsewhere, "5", 4), 404, "no such poll"),
                (vote(session, open_id, "7", 5), 422, "no option '7'"),
                (vote(session, open_id, "yes", 6), 422, "no option"),
                (vote(session, 2**40, "5", 7), 400, "poll_id"),
            ]
            for body, status, reason in cases:
                answer = await http.post("/widget/api/votes", json=body)
                assert answer.status_code == status, (body, answer.text)
                assert reason in answer.json()["error"]
            form = {**vote(session, closed_id, "5", 8), "poll_id": str(closed_id)}
            assert (await http.post("/widget/vote", data=form)).status_code == 409
            assert (
                await http.post("/widget/api/votes", json=vote(session, open_id, "4"))
            ).status_code == 202
        assert await bot.store.polls.votes(poll_id=closed_id) == []
        assert await bot.store.polls.votes(poll_id=draft_id) == []


async def test_one_session_cannot_stuff_a_poll_and_a_throttled_voter_gets_no_follow_up(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(
        database_url=sqlite_url, widget_session_rate=4, widget_new_session_rate=3
    )
    async with running_bot(settings) as bot:
        poll_id = await make_poll(bot)
        async with httpx.AsyncClient(base_url=bot.url) as http:
            session = await new_session(http)
            mine = [
                (
                    await http.post("/widget/api/votes", json=vote(session, poll_id, "1", n))
                ).status_code
                for n in range(10)
            ]
            burst = [(await http.post("/widget/api/sessions")).status_code for _ in range(10)]
            made_up = [
                (
                    await http.post(
                        "/widget/api/votes", json=vote(f"made-up-{n:04d}", poll_id, "1", n)
                    )
                ).status_code
                for n in range(20)
            ]

        async def asked() -> bool:
            return len(await follow_ups(bot)) == 1

        await wait_until(asked, what="the follow-up question to the one counted vote")
        await wait_until(lambda: all_processed(bot), what="every stored vote processed")
        assert await counts(bot, poll_id) == {"1": 1, "2": 0, "3": 0, "4": 0, "5": 0}
        assert len(await follow_ups(bot)) == 1
    assert mine == [202] * 4 + [429] * 6
    assert burst.count(201) == 2 and burst.count(429) == 8  # 3 per minute, one used above
    assert set(made_up) == {403}


async def follow_ups(bot: RunningBot) -> list[object]:
    return [i for i in await bot.store.outbox.items() if i.text == FOLLOW_UP]


async def all_processed(bot: RunningBot) -> bool:
    return all(
        m.processed for m in await bot.store.messages.find(limit=1000) if m.direction == "in"
    )
