"""The staff page in Chromium: an admin adds a member of staff (with the languages they read)
by keyboard alone, sees the made-up password once, then disables the account; axe-clean at
desktop and phone widths."""

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
    focused,
    keyboard_login,
    no_horizontal_scroll,
    shoot,
)
from tests.support.staff import add_staff

ADMIN = "admin@lib.example.ac.uk"


async def test_an_admin_adds_and_disables_an_account_by_keyboard(
    sqlite_url: str, make_settings: Callable[..., Settings], browser: Any, axe: Axe, tmp_path: Path
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        await add_staff(bot.store, ADMIN, role="admin", name="Ada")
        await add_staff(bot.store, "cy@lib.example.ac.uk", team="estates", name="Cy")
        context = await browser.new_context(viewport=DESKTOP, bypass_csp=True)  # axe injected
        page = await context.new_page()
        await keyboard_login(page, bot.url, ADMIN)
        await page.goto(f"{bot.url}/inbox/staff")
        await axe(page)
        await shoot(page, tmp_path, "staff-page")

        await page.focus("#add-email")
        await page.keyboard.type("bo@lib.example.ac.uk")
        await page.keyboard.press("Tab")
        await page.keyboard.type("Bo Jones")
        await page.keyboard.press("Tab")
        assert await focused(page) == "add-role"
        await page.keyboard.press("ArrowDown")  # agent → lead
        await page.keyboard.press("Tab")
        assert await focused(page) == "add-team"
        await page.keyboard.type("estates")  # a select picks by typing
        await page.keyboard.press("Tab")
        assert await focused(page) == "add-languages"
        await page.keyboard.type("cy, en")
        await page.keyboard.press("Tab")
        assert await focused(page) == "add-password"  # left empty: one is made up
        await page.keyboard.press("Tab")
        assert await focused(page) == "Add account"
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        assert "Bo Jones's account is added." in await page.inner_text("[role=status]")
        password = await page.input_value("#handover-password")
        await axe(page)
        await shoot(page, tmp_path, "staff-page-password-shown")

        await page.get_by_role("button", name="Disable Bo Jones").focus()
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        assert "disabled" in await page.inner_text("[role=status]")
        assert await page.get_by_role("button", name="Enable Bo Jones").count() == 1
        await page.set_viewport_size(PHONE)
        await axe(page)
        assert await no_horizontal_scroll(page)
        await shoot(page, tmp_path, "staff-page-phone")
        await context.close()
        bo = await bot.store.staff.credentials(email="bo@lib.example.ac.uk")
    assert len(password) >= 12
    assert bo is not None and (bo[0].role, bo[0].team, bo[0].disabled) == ("lead", "estates", True)
    assert bo[0].languages == ("cy", "en")
