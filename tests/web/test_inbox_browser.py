"""The inbox in a real browser (Debian's Chromium): axe-core on each page, at desktop, phone
and 400 % zoom widths, and a member of staff who never touches the mouse."""

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
    make_overdue,
    no_horizontal_scroll,
    shoot,
)
from tests.support.staff import add_staff, widget_item


async def test_login_queue_and_item_pages_pass_axe_at_every_width(
    sqlite_url: str, make_settings: Callable[..., Settings], browser: Any, axe: Axe, tmp_path: Path
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        item = await widget_item(bot, "The printer on level 2 took my money and printed nothing")
        await widget_item(bot, "Is the library open on Sunday?", session="session-other-01")
        await make_overdue(bot, item)
        await add_staff(bot.store, "lead@lib.example.ac.uk", role="lead", team="it_services")
        for name, size in (("desktop", DESKTOP), ("phone", PHONE), ("zoom400", ZOOM_400)):
            context = await browser.new_context(viewport=size, bypass_csp=True)  # axe is injected
            page = await context.new_page()
            await page.goto(f"{bot.url}/inbox/login")
            await axe(page)
            await shoot(page, tmp_path, f"login-{name}")
            await keyboard_login(page, bot.url, "lead@lib.example.ac.uk")
            for label, path in (("queue", "/inbox/"), ("item", f"/inbox/items/{item}")):
                await page.goto(bot.url + path)
                await axe(page)
                await shoot(page, tmp_path, f"{label}-{name}")
                assert await no_horizontal_scroll(page), f"{label} scrolls sideways at {name}"
            await context.close()


async def test_keyboard_only_login_open_the_overdue_item_reply_and_resolve(
    sqlite_url: str, make_settings: Callable[..., Settings], browser: Any
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        await widget_item(bot, "When do you close tonight?", session="session-early-01")
        late = await widget_item(bot, "My laptop loan is overdue but the desk is shut")
        await make_overdue(bot, late)
        await add_staff(bot.store, "agent@lib.example.ac.uk")
        page = await browser.new_page()  # the real CSP applies: no bypass
        await keyboard_login(page, bot.url, "agent@lib.example.ac.uk")
        assert page.url == f"{bot.url}/inbox/"
        await page.keyboard.press("j")  # first item, soonest due: the overdue one
        focused = await page.evaluate("document.activeElement.textContent")
        outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert "laptop loan" in focused and outline != "none"
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        assert page.url.endswith(f"/inbox/items/{late}")
        await page.keyboard.press("r")
        await page.keyboard.type("Sorry! The desk reopens at 9; we have renewed your loan.")
        await page.keyboard.press("Tab")  # past the hint, to "Send reply"
        assert await page.evaluate("document.activeElement.textContent") == "Send reply"
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        assert "Reply queued" in await page.inner_text("[role=status]")
        async with page.expect_navigation():
            await page.keyboard.press("e")  # answered, so resolving would message the person …
        assert "for a rating?" in await page.inner_text("h1")  # … and it asks first
        await page.keyboard.press("Tab")  # the skip link
        await page.keyboard.press("Enter")
        await page.keyboard.press("Tab")
        assert await page.evaluate("document.activeElement.textContent") == (
            "Resolve and send the question"
        )
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        assert "Resolved." in await page.inner_text("[role=status]")
        row = await bot.store.inbox.item(item_id=late)
        entries = await bot.store.inbox.page(item_id=late)
    assert row is not None and row.row.status == "resolved"
    assert entries is not None
    assert [e.text for e in entries.entries if e.kind == "reply"] == [
        "Sorry! The desk reopens at 9; we have renewed your loan."
    ]


async def test_the_open_queue_refreshes_itself_and_announces_new_items(
    sqlite_url: str, make_settings: Callable[..., Settings], browser: Any
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        await widget_item(bot, "First question", session="session-first-01")
        await add_staff(bot.store, "agent@lib.example.ac.uk")
        page = await browser.new_page()
        await page.clock.install()
        await keyboard_login(page, bot.url, "agent@lib.example.ac.uk")
        assert await page.inner_text("#queue-live") == ""
        await widget_item(bot, "Second question arrives while the page is open")
        await page.clock.fast_forward("00:31")
        live = page.locator("#queue-live")
        await live.filter(has_text="1 new item added to the list.").wait_for()
        assert "Second question arrives" in await page.inner_text("#queue-list")
        assert await live.get_attribute("aria-live") == "polite"
