"""Widget sessions people cannot pick or guess, and the rate limits on using them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import httpx

from config.settings import Settings
from models.store import Store
from models.store.migrate import upgrade_async
from models.store.widget.sessions import Admission, Limits
from tests.fakes.running import running_bot
from tests.fakes.widget_sessions import new_session

WEAK = ["probe-session-0001", "session-abcdef12", "aaaaaaaa", "x" * 128]


def message(session: str, n: int = 1) -> dict[str, str]:
    return {"session": session, "client_id": f"client-{n:04d}", "text": f"hello {n}"}


async def test_an_issued_session_is_random_and_works(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url)) as bot:
        async with httpx.AsyncClient(base_url=bot.url) as http:
            answer = await http.post("/widget/api/sessions", json={})
            empty = await http.post("/widget/api/sessions")
            session = answer.json()["session"]
            posted = await http.post("/widget/api/messages", json=message(session))
            read = await http.get("/widget/api/messages", params={"session": session})
    assert (answer.status_code, empty.status_code, posted.status_code) == (201, 201, 202)
    assert len(session) >= 32 and session != empty.json()["session"]
    assert [m["text"] for m in read.json()["messages"]][:1] == ["hello 1"]


async def test_weak_or_foreign_session_ids_cannot_post_read_or_vote(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url)) as bot:
        async with httpx.AsyncClient(base_url=bot.url) as http:
            mine = await new_session(http)
            await http.post("/widget/api/messages", json=message(mine))
            for weak in [*WEAK, mine[:-1] + ("A" if mine[-1] != "A" else "B"), mine + "\n"]:
                posted = await http.post("/widget/api/messages", json=message(weak, 2))
                read = await http.get("/widget/api/messages", params={"session": weak})
                polls = await http.get("/widget/api/polls", params={"session": weak})
                vote = {"session": weak, "client_id": "vote-0001", "poll_id": 1, "option": "5"}
                voted = await http.post("/widget/api/votes", json=vote)
                codes = {posted.status_code, read.status_code, polls.status_code, voted.status_code}
                assert codes <= {400, 403}, (weak, codes)
                assert "hello 1" not in read.text
            http.cookies.set("feedbot_session", WEAK[0], path="/widget")
            page = await http.get("/widget")
        assert WEAK[0] not in page.text and "hello 1" not in page.text
        stored = [m.text for m in await bot.store.messages.find() if m.direction == "in"]
    assert stored == ["hello 1"]


async def test_a_session_over_its_rate_limit_is_429_and_nothing_is_stored(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(database_url=sqlite_url, widget_session_rate=5)
    async with running_bot(settings) as bot:
        async with httpx.AsyncClient(base_url=bot.url) as http:
            session, other = await new_session(http), await new_session(http)
            codes = [
                (await http.post("/widget/api/messages", json=message(session, n))).status_code
                for n in range(8)
            ]
            read = await http.get("/widget/api/messages", params={"session": session})
            fine = await http.post("/widget/api/messages", json=message(other, 99))
        stored = [m.text for m in await bot.store.messages.find() if m.direction == "in"]
    assert codes == [202] * 5 + [429] * 3 and read.status_code == 429
    assert "wait a minute" in read.json()["error"] and fine.status_code == 202
    assert sorted(stored) == sorted([f"hello {n}" for n in range(5)] + ["hello 99"])


async def test_an_address_is_limited_across_sessions_and_new_sessions(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(
        database_url=sqlite_url, widget_address_rate=6, widget_new_session_rate=3
    )
    async with running_bot(settings) as bot:
        async with httpx.AsyncClient(base_url=bot.url) as http:
            made = [(await http.post("/widget/api/sessions")).status_code for _ in range(5)]
            spoofed = await http.post(
                "/widget/api/sessions", headers={"x-forwarded-for": "203.0.113.9"}
            )
            session = await _any_session(bot.store)  # issued for another address
            codes = [
                (await http.post("/widget/api/messages", json=message(session, n))).status_code
                for n in range(8)
            ]
    assert made == [201, 201, 201, 429, 429] and spoofed.status_code == 429
    assert codes[:6] == [202] * 6 and codes[6:] == [429, 429]


async def test_behind_a_proxy_the_trusted_header_names_the_client(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(
        database_url=sqlite_url,
        widget_new_session_rate=2,
        trusted_proxy_header="X-Forwarded-For",
    )
    async with running_bot(settings) as bot:
        async with httpx.AsyncClient(base_url=bot.url) as http:

            async def make(chain: str) -> int:
                headers = {"x-forwarded-for": chain}
                return (await http.post("/widget/api/sessions", headers=headers)).status_code

            first = [await make("198.51.100.1") for _ in range(3)]
            # the client may prepend anything; the proxy's own (last) entry is what counts
            spoof = [await make(f"10.0.0.{n}, 198.51.100.1") for n in range(2)]
            second = [await make("198.51.100.2") for _ in range(2)]
    assert first == [201, 201, 429] and spoof == [429, 429] and second == [201, 201]


async def test_two_processes_on_one_database_share_sessions_and_counters(db_url: str) -> None:
    await upgrade_async(db_url)
    limits = Limits(per_session=3, per_address=100, new_per_address=10, lifetime=timedelta(1))
    async with (
        Store.open(db_url) as one,
        Store.open(db_url) as two,
        Store.open(db_url) as three,
    ):
        session = await one.sessions.issue(address="192.0.2.1", limits=limits)
        assert session is not None
        verdicts = []
        for store in (one, two, one, two):
            verdicts.append(
                await store.sessions.admit(session=session, address="192.0.2.1", limits=limits)
            )
            for each in (one, two):  # what each process does once a second
                await each.sessions.flush()
        assert verdicts == [Admission.OK] * 3 + [Admission.THROTTLED]
        assert await two.sessions.end(session=session)
        ended_here = await two.sessions.admit(session=session, address="192.0.2.2", limits=limits)
        elsewhere = await three.sessions.admit(session=session, address="192.0.2.2", limits=limits)
        short = Limits(per_session=9, per_address=9, new_per_address=9, lifetime=timedelta(0))
        expired = await one.sessions.issue(address="192.0.2.3", limits=short)
        assert expired is not None
        late = await two.sessions.admit(session=expired, address="192.0.2.3", limits=short)
    assert ended_here is elsewhere is late is Admission.UNKNOWN


async def _any_session(store: Store) -> str:
    limits = Limits(per_session=9, per_address=9, new_per_address=9, lifetime=timedelta(1))
    session = await store.sessions.issue(address="192.0.2.77", limits=limits)
    assert session is not None
    return session


async def test_concurrent_requests_are_counted_exactly(db_url: str) -> None:
    await upgrade_async(db_url)
    limits = Limits(per_session=10, per_address=100, new_per_address=10, lifetime=timedelta(1))
    by_address = Limits(per_session=100, per_address=20, new_per_address=10, lifetime=timedelta(1))
    async with Store.open(db_url) as store:
        a, b, c = [await store.sessions.issue(address="192.0.2.5", limits=limits) for _ in "abc"]
        assert a is not None and b is not None and c is not None
        asks = [a] * 30 + [b] * 10 + ["never-issued-0001"] * 5
        verdicts = await asyncio.gather(
            *(store.sessions.admit(session=s, address="192.0.2.5", limits=limits) for s in asks)
        )
        crowd = await asyncio.gather(
            *(
                store.sessions.admit(session=c, address="192.0.2.6", limits=by_address)
                for _ in "x" * 50
            )
        )
    mine, theirs, unknown = verdicts[:30], verdicts[30:40], verdicts[40:]
    assert mine.count(Admission.OK) == 10 and mine.count(Admission.THROTTLED) == 20
    assert theirs == [Admission.OK] * 10 and set(unknown) == {Admission.UNKNOWN}
    assert crowd.count(Admission.OK) == 20 and crowd.count(Admission.THROTTLED) == 30
