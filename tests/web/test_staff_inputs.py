"""What staff pages read is checked at the edge: numbers (pages, ids, hours, weeks) are ASCII
digits the database can hold, text is storable (no NUL); anything else is a 400 or a 404 page
with the usual headers, never a 500; and a 500, should one happen, carries the headers too."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from zoneinfo import ZoneInfo

import httpx
from hypothesis import given
from hypothesis import strategies as st
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.web.numbers import DB_INT_MAX, db_int, up_to
from config.settings import Settings
from handlers.digest.week import IsoWeek
from tests.fakes.running import running_bot
from tests.support.headers import check
from tests.support.staff import add_staff, csrf_of, log_in, widget_item

LONDON = ZoneInfo("Europe/London")
HUGE = "9" * 5000
TOO_BIG = "99999999999999999999999"


def listed(item: int) -> list[tuple[str, str, dict[str, str], int]]:
    """(method, path, form, expected status) for each input issue 19 listed, and neighbours."""
    return [
        ("GET", "/inbox/?page=²", {}, 200),
        ("GET", f"/inbox/?page={HUGE}", {}, 200),
        ("GET", f"/inbox/?page={DB_INT_MAX + 1}", {}, 200),
        ("GET", f"/inbox/items/{TOO_BIG}", {}, 404),
        ("GET", f"/inbox/items/{DB_INT_MAX + 1}", {}, 404),
        ("GET", f"/inbox/items/{DB_INT_MAX}", {}, 404),
        ("GET", f"/inbox/items/{HUGE}", {}, 404),
        ("GET", f"/inbox/items/{item}?before=²", {}, 200),
        ("GET", f"/inbox/items/{item}?before={TOO_BIG}", {}, 200),
        ("GET", f"/inbox/audit?before={TOO_BIG}", {}, 200),
        ("GET", "/inbox/audit?before=²", {}, 200),
        ("POST", f"/inbox/items/{item}/snooze", {"hours": "²"}, 400),
        ("POST", f"/inbox/items/{item}/retry", {"entry_id": "²"}, 400),
        ("POST", f"/inbox/items/{item}/retry", {"entry_id": TOO_BIG}, 400),
        ("POST", f"/inbox/items/{item}/assign", {"staff_id": HUGE}, 400),
        ("POST", f"/inbox/items/{TOO_BIG}/claim", {}, 404),
        ("POST", f"/inbox/items/{TOO_BIG}/export", {}, 404),
        ("POST", "/inbox/bulk", {"ids": "²", "action": "resolve"}, 400),
        ("POST", "/inbox/bulk", {"ids": TOO_BIG, "action": "resolve"}, 400),
        ("POST", "/inbox/staff/999999/disable", {}, 404),
        ("POST", f"/inbox/staff/{TOO_BIG}/disable", {}, 404),
        ("GET", "/digests/0001-W01", {}, 404),
        ("GET", "/digests/9999-W52", {}, 404),
        ("GET", "/digests/٢٠٢٦-W01", {}, 404),
        ("GET", "/digests/0001-W01/volume.png", {}, 404),
        ("GET", "/inbox/?created=0001-W01", {}, 200),
    ]


def posted(method: str, form: dict[str, str], token: str) -> dict[str, str] | None:
    """A form post's fields with the page's CSRF token; nothing for a GET."""
    return {"csrftoken": token, **form} if method == "POST" else None


async def test_each_listed_number_is_a_4xx_or_a_page_never_a_500(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url)) as bot:
        item = await widget_item(bot, "Is the café open on Sunday?")
        admin = await add_staff(bot.store, "admin@lib.example.ac.uk", role="admin")
        async with httpx.AsyncClient(base_url=bot.url, timeout=60) as http:
            await log_in(http, admin.email)
            token = csrf_of((await http.get(f"/inbox/items/{item}")).text)
            answers = [
                (method, path, await http.request(method, path, data=posted(method, form, token)))
                for method, path, form, _ in listed(item)
            ]
            view = await bot.store.inbox.item(item_id=item)
    for (method, path, answer), (*_, want) in zip(answers, listed(item), strict=True):
        assert answer.status_code == want, (
            method,
            path[:60],
            answer.status_code,
            answer.text[:300],
        )
        check(answer, framable=False)
    assert view is not None and view.row.status != "resolved"  # nothing done by a bad form


async def test_nul_in_filters_and_forms_and_a_double_seen_are_not_500s(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url)) as bot:
        item = await widget_item(bot, "Why is the lift broken?")
        admin = await add_staff(bot.store, "admin@lib.example.ac.uk", role="admin")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, admin.email)
            token = csrf_of((await http.get(f"/inbox/items/{item}")).text)
            queue = await http.get("/inbox/", params={"team": "it\x00", "topic": "\x00"})
            audit = await http.get("/inbox/audit", params={"actor": "staff:\x00"})
            note = await http.post(
                f"/inbox/items/{item}/note", data={"csrftoken": token, "text": "a\x00b"}
            )
            assign = await http.post(
                f"/inbox/items/{item}/assign", data={"csrftoken": token, "team": "\x00"}
            )
            seen = await asyncio.gather(
                *(http.post("/inbox/seen", data={"csrftoken": token}) for _ in range(6))
            )
    assert (queue.status_code, audit.status_code) == (200, 200)
    assert (note.status_code, assign.status_code) == (400, 400)
    assert "control character" in note.text
    assert [s.status_code for s in seen] == [303] * 6


async def test_a_500_page_carries_the_security_headers_and_no_traceback(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async def broken(_: Request) -> Response:
        raise RuntimeError("a bug with a secret in its message")

    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        bot.app.web.router.routes.insert(0, Route("/broken", broken))
        async with httpx.AsyncClient(base_url=bot.url) as http:
            answer = await http.get("/broken", headers={"accept": "text/html"})
    assert answer.status_code == 500
    check(answer, framable=False)
    assert answer.headers["cache-control"] == "no-store"
    assert "secret" not in answer.text and "Traceback" not in answer.text


async def test_a_browser_at_an_address_that_leads_nowhere_gets_a_page_with_a_way_back(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    page = {"accept": "text/html,application/xhtml+xml"}
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        agent = await add_staff(bot.store, "agent@lib.example.ac.uk", role="agent")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            outside = await http.get("/inbox/polls/nwe", headers=page)  # to the login page
            await log_in(http, agent.email)
            staff = await http.get("/inbox/polls/nwe", headers=page)
            digest = await http.get("/digests/nowhere", headers=page)
            public = await http.get("/feedbak", headers=page)
            script = await http.get("/feedbak", headers={"accept": "application/json"})
    assert outside.status_code == 303
    assert (staff.status_code, public.status_code, script.status_code) == (404, 404, 404)
    assert staff.headers["content-type"].startswith("text/html")
    assert 'href="/inbox/"' in staff.text  # the inbox's own page
    assert digest.status_code == 404 and digest.headers["content-type"].startswith("text/html")
    assert "No such week" in digest.text and 'href="/inbox/"' in digest.text
    assert "<h1>Page not found</h1>" in public.text
    assert 'href="/widget/"' in public.text and "/inbox/" not in public.text
    check(staff, framable=False)
    assert script.json() == {"error": "Not Found"}  # what a script asked for


@given(st.text(alphabet="0123456789²٣", max_size=12), st.integers(1, 10**12))
def test_the_id_pattern_matches_exactly_the_numbers_db_int_reads(raw: str, most: int) -> None:
    assert bool(re.fullmatch(up_to(most), raw)) == (db_int(raw, most=most) is not None)
    assert bool(re.fullmatch(up_to(most), str(most))) and not re.fullmatch(
        up_to(most), str(most + 1)
    )


def test_weeks_outside_the_supported_years_are_refused() -> None:
    for text in ("0001-W01", "9999-W52", "1969-W01", "٢٠٢٦-W01", "2026-W48\n2026-W49"):
        try:
            IsoWeek.parse(text)
        except ValueError:
            continue
        raise AssertionError(f"{text!r} parsed")
    assert str(IsoWeek.parse("1970-W01")) == "1970-W01" and IsoWeek.parse("9998-W52").end(LONDON)
