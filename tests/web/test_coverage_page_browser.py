"""The coverage page in Chromium: a lead reaches it by keyboard from the staff menu and sees
the group that wrote nothing flagged under-heard and small counts masked; axe-clean at desktop
width and at 390 px; an agent is refused (403) and is not offered the link."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import yaml

from bot.events import utcnow
from config.settings import Settings
from tests.fakes.running import running_bot
from tests.support import groups_world as world
from tests.support.browser import Axe
from tests.support.browser_staff import DESKTOP, keyboard_login, no_horizontal_scroll, shoot
from tests.support.staff import add_staff, log_in

ROOT = Path(__file__).resolve().parents[2]
LEAD, AGENT = "lead@lib.example.ac.uk", "agent@lib.example.ac.uk"
PHONE_390 = {"width": 390, "height": 800}


def config_with_population(tmp_path: Path) -> Path:
    """The shipped config with the test world's population filled in."""
    data = yaml.safe_load((ROOT / "config" / "feedbot.yaml").read_text(encoding="utf-8"))
    for name, group in data["customer_groups"]["groups"].items():
        group["population"] = world.POPULATION.get(name, 0)
    path = tmp_path / "feedbot.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


async def test_a_lead_sees_who_is_under_heard_by_keyboard_and_on_a_phone(
    sqlite_url: str, make_settings: Callable[..., Settings], browser: Any, axe: Axe, tmp_path: Path
) -> None:
    settings = make_settings(database_url=sqlite_url, config_file=config_with_population(tmp_path))
    async with running_bot(settings) as bot:
        await world.fill(bot.store, at=utcnow() - timedelta(hours=1))
        await add_staff(bot.store, LEAD, role="lead", name="Lee")
        context = await browser.new_context(viewport=DESKTOP, bypass_csp=True)
        page = await context.new_page()
        await keyboard_login(page, bot.url, LEAD)
        link = page.get_by_role("link", name="Coverage")
        await link.focus()
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        assert page.url.endswith("/inbox/coverage")
        status = await page.inner_text("[role=status]")
        assert "Under-heard: postgraduate research, public." in status
        assert "13 people wrote; fewer than 5 in no known group" in status
        rows = await page.locator("table.coverage tbody tr.under th").all_inner_texts()
        assert rows == ["Postgraduate research", "Public"]  # a row starts with a capital
        academic = page.get_by_role("row", name="Academic staff")
        assert "fewer than 5" in await academic.inner_text()
        body = await page.inner_text("main")
        assert "The last 12 weeks, against" in body  # a sentence, capitalised
        assert "topics: Noise (8)" in body  # topics by their display names, not their keys
        assert "Undergraduate: Telegram (fewer than 5), Widget (fewer than 5); topics:" in body
        region = page.get_by_role("region", name="Coverage per customer group")
        await region.focus()  # the table scrolls by keyboard where it is wider than the page
        await axe(page)
        await shoot(page, tmp_path, "coverage-page")
        await page.set_viewport_size(PHONE_390)
        await axe(page)
        assert await no_horizontal_scroll(page)
        await shoot(page, tmp_path, "coverage-page-phone")
        await context.close()


async def test_an_agent_is_refused_and_not_offered_the_page(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        await add_staff(bot.store, AGENT, role="agent", name="Al")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, AGENT)
            refused = await http.get("/inbox/coverage")
            assert refused.status_code == 403 and "an agent cannot see coverage" in refused.text
            queue = await http.get("/inbox/")
            assert 'href="/inbox/coverage"' not in queue.text
        async with httpx.AsyncClient(base_url=bot.url) as anonymous:
            assert (await anonymous.get("/inbox/coverage")).status_code in (302, 303, 401)
