"""CSRF on the staff pages over real HTTP: no header exempts a post, the token is bound to the
server-side session (and before login to the browser's pre-login cookie), bad bodies get 403."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from sqlalchemy import select

from config.settings import Settings
from models.store.inbox.tables import InboxItem
from models.store.staff.tables import StaffSession
from tests.fakes.running import running_bot
from tests.support.staff import PASSWORD, add_staff, csrf_of, log_in, widget_item

BEARER = {"authorization": "Bearer x"}


async def test_an_authorization_header_does_not_skip_the_check_at_login(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url)) as bot:
        await add_staff(bot.store, "be@lib.example.ac.uk")
        form = {"email": "be@lib.example.ac.uk", "password": PASSWORD}
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await http.get("/inbox/login")  # a browser with its pre-login cookie, but no token
            answer = await http.post("/inbox/login", data=form, headers=BEARER)
        sessions = await bot.store.read(lambda c: c.execute(select(StaffSession.id)).all())
    assert answer.status_code == 403 and "Nothing was changed" in answer.text
    assert sessions == []


async def test_an_authorization_header_does_not_skip_the_check_on_actions(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        await add_staff(bot.store, "ac@lib.example.ac.uk")
        item = await widget_item(bot, "the lift is stuck again")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "ac@lib.example.ac.uk")
            claim = await http.post(f"/inbox/items/{item}/claim", data={}, headers=BEARER)
            as_json = await http.post(
                f"/inbox/items/{item}/claim",
                json={},
                headers={**BEARER, "accept": "application/json"},
            )
        holder = await bot.store.read(
            lambda c: c.execute(select(InboxItem.assignee_id).where(InboxItem.id == item)).scalar()
        )
    assert claim.status_code == 403 and as_json.status_code == 403
    assert "CSRF" in as_json.json()["error"]
    assert holder is None


async def test_a_token_from_an_earlier_session_is_refused(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url)) as bot:
        await add_staff(bot.store, "ts@lib.example.ac.uk")
        item = await widget_item(bot, "no hot water in the kitchen")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "ts@lib.example.ac.uk")
            old = csrf_of((await http.get(f"/inbox/items/{item}")).text)
            await http.post("/inbox/logout", data={"csrftoken": old})
            await log_in(http, "ts@lib.example.ac.uk")  # the same browser, a new session
            stale = await http.post(f"/inbox/items/{item}/claim", data={"csrftoken": old})
            new = csrf_of((await http.get(f"/inbox/items/{item}")).text)
            fresh = await http.post(f"/inbox/items/{item}/claim", data={"csrftoken": new})
    assert old != new
    assert stale.status_code == 403
    assert fresh.status_code == 303


async def test_a_token_is_good_only_with_its_own_session_or_pre_login_cookie(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        await add_staff(bot.store, "one@lib.example.ac.uk")
        await add_staff(bot.store, "two@lib.example.ac.uk")
        item = await widget_item(bot, "the printer ate my card")
        async with (
            httpx.AsyncClient(base_url=bot.url) as one,
            httpx.AsyncClient(base_url=bot.url) as two,
        ):
            theirs = csrf_of((await one.get("/inbox/login")).text)
            await two.get("/inbox/login")
            form = {"email": "two@lib.example.ac.uk", "password": PASSWORD}
            login = await two.post("/inbox/login", data={**form, "csrftoken": theirs})
            await log_in(one, "one@lib.example.ac.uk")
            await log_in(two, "two@lib.example.ac.uk")
            ones = csrf_of((await one.get(f"/inbox/items/{item}")).text)
            action = await two.post(f"/inbox/items/{item}/claim", data={"csrftoken": ones})
    assert login.status_code == 403 and action.status_code == 403


async def test_odd_bodies_are_refused_with_a_4xx_not_500(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        async with httpx.AsyncClient(base_url=bot.url) as http:
            token = csrf_of((await http.get("/inbox/login")).text)
            latin = await http.post(
                "/inbox/login",
                content=b"email=\xff\xfe&csrftoken=%ff" + token.encode(),
                headers={"content-type": "application/x-www-form-urlencoded"},
            )
            multipart = await http.post(
                "/inbox/login", files={"csrftoken": (None, token)}, data={"email": "x"}
            )
            odd_header = await http.post("/inbox/login", headers={"x-csrftoken": "é".encode()})
    # the body check answers first for a form no page can read (not UTF-8: 400; multipart: 415)
    assert [latin.status_code, multipart.status_code, odd_header.status_code] == [400, 415, 403]
