"""The digest pages: behind the staff guard, readable and accessible in Chromium (axe-core), and
the public "you said, we did" page, which escapes everything."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from bot.events import utcnow
from bot.runtime import bound_port
from bot.web.app import HERE, templates
from bot.web.digests import DigestPages, routes
from config.calendar import AcademicCalendar, Term
from config.settings import Settings
from handlers.digest.build import DigestConfig
from handlers.digest.service import Digests
from handlers.digest.staff import StaffSection
from handlers.digest.terms import TermsSection
from handlers.digest.trends import TrendsSection
from handlers.digest.week import IsoWeek, local_week
from models.store import Store
from models.store.migrate import upgrade_async
from tests.digest import queue_history as qh
from tests.fakes.running import running_bot
from tests.fakes.wording import shipped_wording
from tests.support import digest_fixture as fx
from tests.support.browser import Axe
from tests.support.browser_staff import no_horizontal_scroll, shoot
from tests.support.staff import add_staff, log_in

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"'


CALENDAR = AcademicCalendar(
    terms=(
        Term(name="Autumn 2025", start=date(2025, 9, 22), end=date(2025, 12, 12)),
        Term(name="Summer 2026", start=date(2026, 4, 20), end=date(2026, 6, 12)),
        Term(name="Autumn 2026", start=date(2026, 9, 21), end=date(2026, 12, 11)),
    )
)


def full_config() -> DigestConfig:
    """The digest as the bot builds it: topic names, the calendar and every section."""
    return DigestConfig(
        zone=fx.LONDON,
        groups=fx.GROUPS,
        topic_names={"printing": "Printing and scanning", "wifi": "Wi-Fi and IT"},
        calendar=CALENDAR,
        sections=(StaffSection(), TrendsSection(), TermsSection()),
    )


@asynccontextmanager
async def serve(store: Store) -> AsyncIterator[str]:
    """The digest routes alone, without the staff session gate, on a random port."""
    digests = Digests(store, full_config(), library="The Library", base_url="")
    pages = DigestPages(digests, store, templates(), shipped_wording())
    static = Mount("/static", StaticFiles(directory=HERE / "static"))
    app = Starlette(routes=[*routes(pages), static])
    server = uvicorn.Server(uvicorn.Config(app, port=0, lifespan="off", log_config=None))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{bound_port(server)}"
    finally:
        server.should_exit = True
        await task


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'feedbot.db'}"
    await upgrade_async(url)
    async with Store.open(url, pseudonym_key=b"k" * 32) as s:
        yield s


async def test_digest_pages_need_a_staff_login(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        await add_staff(bot.store, "ann@lib.example.ac.uk")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            for path in ("/digests/", f"/digests/{fx.WEEK}", f"/digests/{fx.WEEK}/sentiment.png"):
                answer = await http.get(path)
                assert answer.status_code == 303
                assert answer.headers["location"] == f"/inbox/login?next={path}"
            as_json = await http.get("/digests/", headers={"accept": "application/json"})
            public = await http.get("/widget/you-said-we-did")
            await log_in(http, "ann@lib.example.ac.uk")
            listing = await http.get("/digests/")
    assert as_json.status_code == 401
    assert public.status_code == 200
    assert listing.status_code == 200 and "digest" in listing.text.lower()


async def test_the_digest_page_passes_axe_and_fits_a_phone(
    store: Store, browser: object, axe: Axe, tmp_path: Path
) -> None:
    await fx.store_history(store, fx.history())
    items = await qh.store_items(store, qh.items())  # the queue section has lines and links
    await fx.satisfaction_poll(store)
    async with serve(store) as url:
        async with httpx.AsyncClient(base_url=url) as http:
            listing = await http.get("/digests/")
            shown = await http.get(f"/digests/{fx.WEEK}")
            chart = await http.get(f"/digests/{fx.WEEK}/sentiment.png")
            missing = await http.get("/digests/2026-W99")
        for width in (1024, 390):
            page = await browser.new_page(viewport={"width": width, "height": 800})  # type: ignore[attr-defined]
            await page.goto(f"{url}/digests/{fx.WEEK}")
            await axe(page)
            assert await no_horizontal_scroll(page), f"the page scrolls sideways at {width}px"
            await shoot(page, tmp_path, f"digest-page-{width}")
            await page.close()
    assert f'href="/digests/{fx.WEEK}"' in listing.text
    assert "Oldest negative items still waiting" in shown.text
    assert any(f'href="/inbox/items/{i}"' in shown.text for i in items)
    assert chart.headers["content-type"] == "image/png" and chart.content.startswith(b"\x89PNG")
    assert missing.status_code == 404


async def test_the_email_fits_a_phone_with_its_styles_and_sections(
    store: Store, browser: object, axe: Axe, tmp_path: Path
) -> None:
    await fx.store_history(store, fx.history())
    await qh.store_items(store, qh.items())
    await fx.satisfaction_poll(store)
    digests = Digests(store, full_config(), library="The Library", base_url="https://lib.example")
    drawn = await digests.drawn(IsoWeek.parse(fx.WEEK))
    mail = digests.html(drawn, "mail")
    style = mail[mail.index("<style>") : mail.index("</style>")]
    assert '"Segoe UI"' in style and "&#34;" not in style  # the font rule reads as written
    shown = digests.html(drawn, "file")  # the e-mail with its images inside
    page = await browser.new_page(viewport={"width": 390, "height": 800})  # type: ignore[attr-defined]
    await page.set_content(shown)
    font = await page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "system-ui" in font, "the e-mail's style sheet did not apply"
    await axe(page)
    assert await no_horizontal_scroll(page), "the e-mail scrolls sideways on a phone"
    headings = await page.eval_on_selector_all("h2", "hs => hs.map(h => h.textContent)")
    assert {"Satisfaction (CSAT) and NPS, last 12 weeks", "This term against earlier terms"} <= set(
        headings
    )
    await shoot(page, tmp_path, "digest-email-390")
    await page.close()
    text = digests.text(drawn.digest)
    assert "](" not in text and "|---" not in text  # plain text, not Markdown
    assert max(len(line) for line in text.splitlines()) <= 200
    assert "Printing and scanning" in text and "printing:" not in text


async def test_a_library_whose_feedback_all_arrived_this_week_sees_it_listed(store: Store) -> None:
    now = utcnow()
    await fx.store_history(store, [fx.Row(now, "widget", "p1", "wifi", "negative", 0.9, "wifi!")])
    this_week = local_week(now, fx.LONDON)
    async with serve(store) as url:
        async with httpx.AsyncClient(base_url=url) as http:
            listing = (await http.get("/digests/")).text
            so_far = await http.get(f"/digests/{this_week}")
    assert f'href="/digests/{this_week}"' in listing, "this week so far is one click away"
    assert f'href="/digests/{this_week.shifted(-1)}"' in listing, "last week is listed too"
    assert 'href="/inbox/"' in listing
    assert so_far.status_code == 200


async def test_the_public_page_escapes_everything(store: Store, browser: object, axe: Axe) -> None:
    await store.actions.add(
        topic=HOSTILE,
        said=HOSTILE,
        outcome="cannot",
        did=HOSTILE,
        why=HOSTILE,
        since=None,
        created_by="t",
    )
    async with serve(store) as url:
        async with httpx.AsyncClient(base_url=url) as http:
            text = (await http.get("/widget/you-said-we-did")).text
        page = await browser.new_page()  # type: ignore[attr-defined]
        dialogs: list[str] = []
        page.on("dialog", lambda d: dialogs.append(d.message))
        await page.goto(f"{url}/widget/you-said-we-did")
        await axe(page)
        shown = await page.inner_text("main")
        await page.close()
    assert "<script>" not in text and "<img" not in text
    assert text.count("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") == 4
    assert dialogs == [] and shown.count(HOSTILE) == 4
