"""One network address cannot stuff a web poll, and the results say how concentrated the web
votes are, so that a lead can judge; the address itself is never stored."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import MetaData, select

from bot.cli.polls import report
from config.settings import Settings
from handlers.polls import service as polls
from models.store.widget.rate_window import SLOT_S, Windows
from tests.fakes.running import RunningBot, running_bot
from tests.fakes.waiting import wait_until
from tests.support.cli import base_env, invoke
from tests.support.widget_polls import make_poll, vote

STUFFER = "203.0.113.77"
PROXY = {"trusted_proxy_header": "X-Forwarded-For"}


async def cast(http: httpx.AsyncClient, address: str, poll_id: int, n: int) -> int:
    """A fresh session from ``address`` votes once; the vote's status code."""
    headers = {"x-forwarded-for": address}
    session = (await http.post("/widget/api/sessions", json={}, headers=headers)).json()
    body = vote(session["session"], poll_id, "5" if address == STUFFER else "2", n)
    return (await http.post("/widget/api/votes", json=body, headers=headers)).status_code


async def test_one_address_is_limited_per_poll_and_results_show_the_concentration(
    db_url: str, make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    settings_ = make_settings(database_url=db_url, widget_vote_rate=5, **PROXY)
    async with running_bot(settings_) as bot:
        poll_id, other_poll = await make_poll(bot), await make_poll(bot)
        async with httpx.AsyncClient(base_url=bot.url) as http:
            stuffed = [await cast(http, STUFFER, poll_id, n) for n in range(8)]
            elsewhere = await cast(http, STUFFER, other_poll, 99)  # its own limit per poll
            others = [await cast(http, f"198.51.100.{n}", poll_id, 100 + n) for n in range(3)]
        await wait_until(lambda: _responses(bot, poll_id, 8), within=20, what="8 votes counted")
        r = await polls.results(bot.store, poll_id)
        stored = await bot.store.read(_everything)
    assert stuffed == [202] * 5 + [429] * 3 and elsewhere == 202 and others == [202] * 3
    assert r.web_concentration is not None
    assert (r.web_concentration.votes, r.web_concentration.addresses) == (8, 4)
    assert (r.web_concentration.top, r.web_concentration.percent) == (5, 62.5)
    shown = [str(line) for line in report(r)]
    assert (
        "web votes: 62.5% of web votes (5 of 8) came from one network address; 4 addresses in all"
        in shown
    )
    env = base_env(tmp_path, database_url=db_url, pseudonym_key="test-pseudonym-key-0123456789")
    ran = await asyncio.to_thread(invoke, env, "poll", "results", str(poll_id), "--json")
    assert json.loads(ran.stdout)["web_concentration"] == {
        "votes": 8,
        "addresses": 4,
        "top": 5,
        "percent": 62.5,
    }
    assert not [cell for cell in stored if STUFFER in cell or "198.51.100.1" in cell]


@settings(max_examples=60, deadline=None)
@given(
    gaps=st.lists(st.floats(min_value=0, max_value=25, allow_nan=False), min_size=1, max_size=150),
    limit=st.integers(min_value=1, max_value=12),
)
def test_no_sixty_seconds_ever_hold_more_than_the_limit(gaps: list[float], limit: int) -> None:
    clock = Clock()
    windows, accepted = Windows(clock=clock), []
    for gap in gaps:
        clock.now += gap
        if windows.take([("k", limit)]):
            accepted.append(clock.now)
    for t in accepted:
        assert sum(1 for u in accepted if t - 60 <= u <= t) <= limit
    clock.now += 7 * SLOT_S  # and after a quiet spell the whole limit is free again
    assert all(windows.take([("k", limit)]) for _ in range(limit))


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


async def _responses(bot: RunningBot, poll_id: int, n: int) -> bool:
    return (await polls.results(bot.store, poll_id)).responses >= n


def _everything(conn: Any) -> list[str]:
    """Every text cell of every table (to look for a raw address)."""
    meta = MetaData()
    meta.reflect(conn)
    cells = []
    for table in meta.sorted_tables:
        for row in conn.execute(select(table)).all():
            cells += [str(v) for v in row if v is not None]
    return cells
