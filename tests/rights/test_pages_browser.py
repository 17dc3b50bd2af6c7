"""The admin data-rights pages in a real browser (Debian's Chromium), by keyboard alone:
export a person's data from the item page, erase it through the typed confirmation (a wrong
word first), then find the erasure in the audit log; axe-core on every page on the way."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from config.settings import Settings
from tests.fakes.running import running_bot
from tests.support import scan
from tests.support.browser import Axe
from tests.support.browser_staff import DESKTOP, keyboard_login, shoot
from tests.support.staff import add_staff, widget_item

TEXT = "RIGHTSBROWSER please erase everything about me, my card is 44556677"
ACTIVE = "(() => { const e = document.activeElement; return %s; })()"


async def tab_to(page: Any, test: str, *, limit: int = 80) -> None:
    """Press Tab until the focused element passes ``test`` (JavaScript over ``e``)."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await page.evaluate(ACTIVE % test):
            return
    raise AssertionError(f"Tab never reached an element where {test}")


async def focus_shows(page: Any) -> bool:
    """Whether the focused element has a visible outline."""
    style = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    return bool(style != "none")


async def test_an_admin_exports_erases_and_audits_by_keyboard(
    sqlite_url: str, make_settings: Callable[..., Settings], browser: Any, axe: Axe, tmp_path: Path
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        item = await widget_item(bot, TEXT)
        await add_staff(bot.store, "admin@lib.example.ac.uk", role="admin")
        context = await browser.new_context(viewport=DESKTOP, bypass_csp=True)  # axe injected
        page = await context.new_page()
        await keyboard_login(page, bot.url, "admin@lib.example.ac.uk")
        await page.goto(f"{bot.url}/inbox/items/{item}")
        await axe(page)
        await shoot(page, tmp_path, "item-admin")

        await tab_to(page, "e.textContent.trim() == 'Export their data (JSON)'")
        assert await focus_shows(page)
        async with page.expect_download() as info:
            await page.keyboard.press("Enter")
        download = await info.value
        saved = Path(await download.path())
        doc = json.loads(await asyncio.to_thread(saved.read_text, encoding="utf-8"))
        assert download.suggested_filename == f"person-item-{item}.json"
        assert TEXT in {m["text"] for m in doc["messages"]}

        await tab_to(page, "e.textContent.trim() == 'Erase their data…'")
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        assert page.url.endswith(f"/inbox/items/{item}/erase")
        await axe(page)
        await shoot(page, tmp_path, "erase-confirm")
        await tab_to(page, "e.id == 'erase-confirm'")
        await page.keyboard.type("yes")
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        assert "Nothing was erased" in await page.inner_text("[role=alert]")
        assert await page.evaluate(ACTIVE % "e.id == 'erase-confirm'")  # back in the box
        await axe(page)
        assert await bot.store.read(scan.find, (TEXT,)) != []

        await page.keyboard.press("Control+A")
        await page.keyboard.type("erase")
        await page.keyboard.press("Tab")
        assert await page.evaluate(ACTIVE % 'e.textContent.trim() == "Erase this person\'s data"')
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        assert "has been erased" in await page.inner_text("[role=status]")
        await axe(page)
        await shoot(page, tmp_path, "erased")
        assert await bot.store.read(scan.find, (TEXT,)) == []

        await tab_to(page, "e.textContent.trim() == 'Audit log'")
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        await axe(page)
        await tab_to(page, "e.id == 'audit-action'")
        await page.keyboard.type("erase_person")
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        rows = await page.locator("table.audit tbody tr").all_inner_texts()
        assert len(rows) == 1 and "erase_person" in rows[0] and "held" in rows[0]
        await tab_to(page, "e.classList.contains('audit-scroll')")  # the table scrolls by keys
        assert await focus_shows(page)
        await axe(page)
        await shoot(page, tmp_path, "audit")
        # On a phone the menu wraps and only the table's own region scrolls sideways.
        await page.set_viewport_size({"width": 375, "height": 800})
        sideways = await page.evaluate("document.documentElement.scrollWidth")
        assert sideways <= 375, "the audit page scrolls sideways on a phone"
        await shoot(page, tmp_path, "audit-phone")
        await context.close()
