"""The item page's team and split controls in a real browser (Debian's Chromium): axe-clean at
desktop, phone and 400 % zoom, and a lead splits a message off and moves an item by keyboard."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from config.settings import Settings
from tests.fakes.running import running_bot
from tests.support.browser import Axe
from tests.support.browser_staff import (
    DESKTOP,
    PHONE,
    ZOOM_400,
    keyboard_login,
    no_horizontal_scroll,
    shoot,
)
from tests.support.staff import add_staff, two_messages

LIFT = "Also the lift to floor 3 is broken?"


async def test_the_team_and_split_controls_pass_axe_and_work_by_keyboard(
    sqlite_url: str, make_settings: Callable[..., Settings], browser: Any, axe: Axe, tmp_path: Path
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        item = await two_messages(bot, "Can I renew my loans online?", LIFT)
        await add_staff(bot.store, "lead@lib.example.ac.uk", role="lead")
        for name, size in (("desktop", DESKTOP), ("phone", PHONE), ("zoom400", ZOOM_400)):
            context = await browser.new_context(viewport=size, bypass_csp=True)  # axe is injected
            page = await context.new_page()
            await keyboard_login(page, bot.url, "lead@lib.example.ac.uk")
            await page.goto(f"{bot.url}/inbox/items/{item}")
            await axe(page)
            await shoot(page, tmp_path, f"routing-{name}")
            assert await no_horizontal_scroll(page), f"the item page scrolls sideways at {name}"
            await context.close()

        page = await browser.new_page()  # the real CSP applies: no bypass
        await keyboard_login(page, bot.url, "lead@lib.example.ac.uk")
        await page.goto(f"{bot.url}/inbox/items/{item}")
        await page.get_by_label(LIFT, exact=False).focus()
        await page.keyboard.press("Space")
        await page.get_by_label("New item's topic").focus()
        await page.keyboard.type("building")  # a native select picks by typing
        await page.get_by_role("button", name="Split into a new item").focus()
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        assert "This item was split off" in await page.inner_text("[role=status]")
        new_id = int(page.url.split("/items/")[1].split("?")[0])
        await page.get_by_label("Move to team").focus()
        await page.keyboard.type("customer s")  # the options read as names ("Customer services")
        await page.get_by_role("button", name="Move", exact=True).focus()
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        assert "Moved to the team shown" in await page.inner_text("[role=status]")
        split = await bot.store.inbox.item(item_id=new_id)
    assert split is not None
    assert (split.row.text, split.row.topic) == (LIFT, "building_and_facilities")
    assert (split.row.team, split.team_manual) == ("customer_services", True)
