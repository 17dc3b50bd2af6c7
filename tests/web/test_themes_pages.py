"""/inbox/themes and a theme's page: leads see a week's themes and exactly a theme's messages
behind its link; agents get 403 for the pages and the actions; a post without its CSRF token
changes nothing; making a topic (audited, corrections for every message) and merging work once;
bad names, teams and topics get 400. In Chromium: by keyboard, axe, a 375 px phone."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from bot.events import utcnow
from bot.wiring.basics import learned_routes
from config.library import load_library_config
from config.settings import Settings
from handlers.digest.week import IsoWeek, last_complete_week
from models.store import Store
from models.store.tables import AuditEntry, Correction
from tests.fakes.running import running_bot
from tests.support.browser import Axe
from tests.support.browser_staff import (
    DESKTOP,
    PHONE,
    keyboard_login,
    no_horizontal_scroll,
    shoot,
    tab_to,
)
from tests.support.staff import add_staff, csrf_of, log_in
from tests.support.theme_data import around, directions, seed

ROOT = Path(__file__).resolve().parents[2]
UTC = ZoneInfo("UTC")
KIOSK = [f"the laptop loan kiosk is broken {n}, it keeps my card" for n in range(14)]
CAFE = [f"the cafe has run out of oat milk {n}" for n in range(7)]
CAFE.append("the cafe has run out of oat milk, pay at \u202egpj.exe")  # shown, never obeyed
LINKS = re.compile(r'href="(/inbox/themes/(\d+)\?week=[^"]+)"')
SHOWN = re.compile(r'data-message="(\d+)"')


async def _week(store: Store) -> tuple[IsoWeek, list[int], list[int]]:
    """Last week: 14 messages on the kiosk, 8 on the cafe, 6 unrelated."""
    week = last_complete_week(utcnow(), UTC)
    at = week.start(UTC) + timedelta(days=2)
    kiosk, cafe, *_ = directions(3, 64, seed_=7)
    one = await seed(store, KIOSK, around(kiosk, 14, 0.1, 8), at=at, tag="k")
    two = await seed(store, CAFE, around(cafe, 8, 0.1, 9), at=at, tag="c", sentiment="neutral")
    lone = directions(6, 64, seed_=11)
    await seed(store, [f"unrelated {n}" for n in range(6)], lone, at=at, tag="u")
    return week, one, two


async def _audits(store: Store) -> list[tuple[str, str, dict[str, Any]]]:
    def read(conn: Connection) -> list[tuple[str, str, dict[str, Any]]]:
        rows = conn.execute(
            select(AuditEntry.action, AuditEntry.subject, AuditEntry.detail).where(
                AuditEntry.action.like("theme.%")
            )
        )
        return [(str(a), str(s), dict(d)) for a, s, d in rows]

    return await store.read(read)


async def _corrections(store: Store) -> dict[str, int]:
    def read(conn: Connection) -> dict[str, int]:
        query = select(Correction.value, func.count()).group_by(Correction.value)
        return {str(v): int(n) for v, n in conn.execute(query)}

    return await store.read(read)


async def test_a_lead_sees_the_themes_and_exactly_a_themes_messages(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url)) as bot:
        week, kiosk, cafe = await _week(bot.store)
        await add_staff(bot.store, "lee@lib.example.ac.uk", role="lead")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "lee@lib.example.ac.uk")
            listing = await http.get(f"/inbox/themes?week={week}")
            links = LINKS.findall(listing.text)
            pages = {int(theme): (await http.get(link)).text for link, theme in links}
            missing = await http.get("/inbox/themes/999999")
            bad_week = await http.get("/inbox/themes?week=2999-W01")
            this_week = await http.get("/inbox/themes")
    assert listing.status_code == 200 and f"Themes of {week}" in listing.text
    assert "from 28 messages." in listing.text
    assert "from 0 messages" not in this_week.text
    assert re.search(r"No messages from \d{4}-W\d\d yet \(checked ", this_week.text), this_week.text
    assert "No theme of five" not in this_week.text
    assert len(pages) == 2, listing.text[listing.text.index("<main") :]
    shown = {theme: sorted(int(i) for i in SHOWN.findall(html)) for theme, html in pages.items()}
    assert sorted(shown.values(), key=len) == [sorted(cafe), sorted(kiosk)]
    for html in pages.values():
        size = int(re.search(r'id="theme-size">(\d+)<', html).group(1))  # type: ignore[union-attr]
        assert size == len(SHOWN.findall(html))  # the count on the page is what is listed
    assert listing.text.index("kiosk") < listing.text.index("cafe")  # both new: larger first
    assert all("\u202e" not in html for html in (listing.text, *pages.values()))
    assert any(
        'dir="auto">the cafe has run out of oat milk, pay at [U+202E]gpj.exe<' in html
        for html in pages.values()
    )
    assert missing.status_code == 404 and bad_week.status_code == 400


async def test_roles_csrf_and_bad_input_change_nothing_and_a_topic_is_made_once(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        week, kiosk, cafe = await _week(bot.store)
        await add_staff(bot.store, "ann@lib.example.ac.uk", role="agent")
        await add_staff(bot.store, "lee@lib.example.ac.uk", role="lead")
        async with (
            httpx.AsyncClient(base_url=bot.url) as agent,
            httpx.AsyncClient(base_url=bot.url) as lead,
        ):
            await log_in(agent, "ann@lib.example.ac.uk")
            await log_in(lead, "lee@lib.example.ac.uk")
            listing = (await lead.get(f"/inbox/themes?week={week}")).text
            [(kiosk_link, kiosk_id), (_, cafe_id)] = LINKS.findall(listing)
            agent_pages = [await agent.get(u) for u in (f"/inbox/themes?week={week}", kiosk_link)]
            agent_token = csrf_of((await agent.get("/inbox/")).text)
            topic_form = {"name": "laptop_kiosk", "team": "customer_engagement"}
            as_agent = await agent.post(
                f"/inbox/themes/{kiosk_id}/topic", data={"csrftoken": agent_token, **topic_form}
            )
            no_token = await lead.post(f"/inbox/themes/{kiosk_id}/topic", data=topic_form)
            kiosk_page = (await lead.get(kiosk_link)).text
            token = csrf_of(kiosk_page)
            bad = [
                await lead.post(f"/inbox/themes/{kiosk_id}/topic", data={"csrftoken": token, **f})
                for f in (
                    {"name": "Laptop Kiosk!", "team": "customer_engagement"},
                    {"name": "laptop_kiosk", "team": "no_such_team"},
                    {"name": "wifi_and_it", "team": "customer_engagement"},
                    {"name": "other", "team": "customer_engagement"},
                )
            ]
            bad_merge = await lead.post(
                f"/inbox/themes/{cafe_id}/merge", data={"csrftoken": token, "topic": "pizza"}
            )
            before = await _corrections(bot.store)
            made = await lead.post(
                f"/inbox/themes/{kiosk_id}/topic", data={"csrftoken": token, **topic_form}
            )
            again = await lead.post(
                f"/inbox/themes/{kiosk_id}/topic", data={"csrftoken": token, **topic_form}
            )
            merged = await lead.post(
                f"/inbox/themes/{cafe_id}/merge",
                data={"csrftoken": token, "topic": "cafe_and_food"},
            )
            after_page = (await lead.get(made.headers["location"])).text
            into_learned = await lead.post(
                f"/inbox/themes/{kiosk_id}/merge",
                data={"csrftoken": token, "topic": "laptop_kiosk"},
            )
        audits = await _audits(bot.store)
        corrections = await _corrections(bot.store)
        learned = await bot.store.themes.learned_topics()
        library = load_library_config(ROOT / "config" / "feedbot.yaml")
        routed = (await learned_routes(library, bot.store)).triage.teams
    assert routed["laptop_kiosk"] == "customer_engagement"  # a new item on it goes there
    assert routed["wifi_and_it"] == library.triage.teams["wifi_and_it"]
    assert [p.status_code for p in agent_pages] == [403, 403]
    assert "Themes" not in agent_pages[0].text.split("<main")[0]  # not in an agent's menu
    assert as_agent.status_code == 403 and "an agent cannot work with themes" in as_agent.text
    assert no_token.status_code == 403
    assert [r.status_code for r in bad] == [400] * 4 and bad_merge.status_code == 400
    assert "already a topic called &#39;wifi_and_it&#39;" in bad[2].text
    [teams] = re.findall(r"choose a team from the list: ([^<]*)<", bad[1].text)
    assert "Customer engagement, " in teams and "_" not in teams  # by name, not key
    # the merge select shows topics by name and sends the key (posted above, and merged)
    assert '<option value="cafe_and_food">Café and food</option>' in kiosk_page
    assert ">cafe_and_food<" not in kiosk_page and "<option>" not in kiosk_page
    assert before == {}
    assert made.status_code == 303 and again.status_code == 400
    assert merged.status_code == 303 and into_learned.status_code == 400
    assert "The theme is now a topic (14 messages)" in after_page
    assert "made the topic Laptop kiosk</dd>" in after_page  # a learned topic: its key in words
    assert corrections == {"laptop_kiosk": 14, "cafe_and_food": 8}
    assert learned == [("laptop_kiosk", "customer_engagement")]
    assert sorted((a, s) for a, s, _ in audits) == [
        ("theme.merge", f"theme:{cafe_id}"),
        ("theme.topic", f"theme:{kiosk_id}"),
    ]
    topic_audit = next(d for a, _, d in audits if a == "theme.topic")
    assert topic_audit["team"] == "customer_engagement" and topic_audit["messages"] == 14
    assert len(kiosk) == 14 and len(cafe) == 8


async def test_the_pages_by_keyboard_pass_axe_and_fit_a_phone(
    sqlite_url: str, make_settings: Callable[..., Settings], browser: Any, axe: Axe, tmp_path: Path
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        week, _, _ = await _week(bot.store)
        await add_staff(bot.store, "lee@lib.example.ac.uk", role="lead")
        context = await browser.new_context(viewport=DESKTOP, bypass_csp=True)
        page = await context.new_page()
        await keyboard_login(page, bot.url, "lee@lib.example.ac.uk")
        await page.goto(f"{bot.url}/inbox/themes?week={week}")
        await axe(page)
        for _ in range(40):  # Tab to the first theme's link, then follow it with Enter
            await page.keyboard.press("Tab")
            href = await page.evaluate("document.activeElement.getAttribute('href') || ''")
            if re.fullmatch(r"/inbox/themes/\d+\?week=.*", href):
                break
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        await axe(page)
        await tab_to(page, "topic-name")
        outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        await page.keyboard.type("laptop_kiosk")
        await page.keyboard.press("Tab")  # the team: the first in the list
        await page.keyboard.press("Tab")
        assert await page.evaluate("document.activeElement.textContent") == "Make topic"
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        status = await page.inner_text("[role=status]")
        await axe(page)
        await page.set_viewport_size(PHONE)
        fits = [await no_horizontal_scroll(page)]
        await shoot(page, tmp_path, "theme-phone")
        await page.goto(f"{bot.url}/inbox/themes?week={week}")
        fits.append(await no_horizontal_scroll(page))
        await axe(page)
        await shoot(page, tmp_path, "themes-phone")
        await context.close()
        learned = await bot.store.themes.learned_topics()
    assert outline != "none"
    assert "The theme is now a topic (14 messages)" in status
    assert [name for name, _ in learned] == ["laptop_kiosk"] and fits == [True, True]
