"""On an item, in Chromium: Claim comes before Resolve (on the page and in Tab order); a resolve
that would message the person (the rating question) asks first, from the button, from the `e`
shortcut and without JavaScript; times are in the library's zone, named. axe-clean."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from config.settings import Settings
from tests.fakes.running import RunningBot, running_bot
from tests.support.browser import Axe
from tests.support.browser_staff import DESKTOP, PHONE, keyboard_login, shoot
from tests.support.staff import PASSWORD, add_staff, csrf_of, log_in, widget_item

AGENT = "agent@lib.example.ac.uk"
COLLEAGUE = "bo@lib.example.ac.uk"
ZONED = re.compile(r"^[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d (GMT|BST)$")


async def answered_item(bot: RunningBot, text: str) -> int:
    """An item a colleague has replied to (so resolving it sends the rating question)."""
    item = await widget_item(bot, text)
    if await bot.store.staff.credentials(email=COLLEAGUE) is None:
        await add_staff(bot.store, COLLEAGUE, name="Bo")
    async with httpx.AsyncClient(base_url=bot.url) as http:
        await log_in(http, COLLEAGUE)
        token = csrf_of((await http.get(f"/inbox/items/{item}")).text)
        sent = await http.post(
            f"/inbox/items/{item}/reply", data={"csrftoken": token, "text": "Done: try now."}
        )
    assert sent.status_code == 303
    return item


async def tab_order(page: Any, names: set[str], presses: int = 60) -> list[str]:
    """The buttons among ``names`` in the order Tab reaches them from the top of the page."""
    await page.evaluate("document.activeElement && document.activeElement.blur()")
    seen: list[str] = []
    for _ in range(presses):
        await page.keyboard.press("Tab")
        label = (await page.evaluate("document.activeElement.textContent || ''")).strip()
        if label in names and label not in seen:
            seen.append(label)
    return seen


async def test_claim_comes_first_and_an_answered_item_asks_before_resolving(
    sqlite_url: str, make_settings: Callable[..., Settings], browser: Any, axe: Axe, tmp_path: Path
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        await add_staff(bot.store, AGENT, name="Ann")
        item = await answered_item(bot, "The scanner on level 1 will not save to USB")
        context = await browser.new_context(viewport=DESKTOP, bypass_csp=True)  # axe injected
        page = await context.new_page()
        await keyboard_login(page, bot.url, AGENT)
        await page.goto(f"{bot.url}/inbox/items/{item}")
        buttons = await page.locator("#work-heading + .inline button").all_inner_texts()
        assert buttons == ["Claim", "Resolve…"]
        assert await tab_order(page, {"Claim", "Resolve…"}) == ["Claim", "Resolve…"]
        stamps = await page.locator(".conversation time").all_inner_texts()
        assert stamps and all(ZONED.match(s) for s in stamps), stamps
        await axe(page)
        await shoot(page, tmp_path, "item-answered")
        async with page.expect_navigation():
            await page.keyboard.press("e")
        assert "for a rating?" in await page.inner_text("h1")
        assert "How satisfied" in await page.inner_text("blockquote")
        await axe(page)
        await shoot(page, tmp_path, "item-resolve-check")
        async with page.expect_navigation():
            await page.get_by_role("link", name="Cancel: back to the item").click()
        still = await bot.store.inbox.item(item_id=item)
        assert still is not None and still.row.status != "resolved" and not still.csat_asked
        await page.get_by_role("button", name="Resolve…").click()
        await page.get_by_role("button", name="Resolve and send the question").click()
        assert "Resolved." in await page.inner_text("[role=status]")
        done = await bot.store.inbox.item(item_id=item)
        await context.close()
    assert done is not None and done.row.status == "resolved" and done.csat_asked


async def test_without_javascript_the_check_is_a_page_of_its_own_on_a_phone(
    sqlite_url: str, make_settings: Callable[..., Settings], browser: Any, axe: Axe, tmp_path: Path
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        await add_staff(bot.store, AGENT, name="Ann")
        item = await answered_item(bot, "Can I book a group room for Friday?")
        quiet = await widget_item(bot, "Just saying the new chairs are great", session="s-other-9")
        context = await browser.new_context(viewport=PHONE, java_script_enabled=False)
        page = await context.new_page()
        await page.goto(f"{bot.url}/inbox/login")
        await page.fill("#email", AGENT)
        await page.fill("#password", PASSWORD)
        await page.get_by_role("button", name="Log in").click()
        await page.goto(f"{bot.url}/inbox/items/{quiet}")
        await page.get_by_role("button", name="Resolve", exact=True).click()  # nobody messaged
        assert "Resolved." in await page.inner_text("[role=status]")
        await page.goto(f"{bot.url}/inbox/items/{item}")
        await page.get_by_role("button", name="Resolve…").click()
        assert "for a rating?" in await page.inner_text("h1")
        await shoot(page, tmp_path, "item-resolve-check-phone-nojs")
        await page.get_by_role("button", name="Resolve and send the question").click()
        assert "Resolved." in await page.inner_text("[role=status]")
        await context.close()
        views = [await bot.store.inbox.item(item_id=i) for i in (quiet, item)]
    assert [(v.row.status, v.csat_asked) for v in views if v] == [
        ("resolved", False),
        ("resolved", True),
    ]
