"""The poll page in Chromium: typing a question like last month's poll shows that poll's result
and the related messages (the panel updates as the question is typed); a lead creates and sends
a poll by keyboard alone; axe finds nothing serious at desktop and phone widths, and the page
fits a 390 px phone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from config.settings import Settings
from tests.fakes.embedder import EmbeddingClassifier
from tests.fakes.running import running_bot
from tests.support.browser import Axe
from tests.support.browser_staff import (
    DESKTOP,
    focused,
    keyboard_login,
    no_horizontal_scroll,
    shoot,
)
from tests.support.staff import add_staff
from tests.web.poll_data import SIMILAR, last_months_poll, recent_messages

LEAD = "lead@lib.example.ac.uk"
PHONE_390 = {"width": 390, "height": 844}


async def test_typing_shows_what_we_know_and_the_poll_is_sent_by_keyboard(
    sqlite_url: str, make_settings: Callable[..., Settings], browser: Any, axe: Axe, tmp_path: Path
) -> None:
    settings = make_settings(database_url=sqlite_url)
    async with running_bot(settings, classifier=EmbeddingClassifier()) as bot:
        await add_staff(bot.store, LEAD, role="lead", name="Lee")
        earlier = await last_months_poll(bot)
        await recent_messages(bot)
        context = await browser.new_context(viewport=DESKTOP, bypass_csp=True)  # axe injected
        page = await context.new_page()
        await keyboard_login(page, bot.url, LEAD)
        await page.goto(f"{bot.url}/inbox/")
        await page.get_by_role("link", name="Polls").focus()
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        await page.get_by_role("link", name="New poll").focus()
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        await axe(page)

        await page.focus("#f-question")
        await page.keyboard.type(SIMILAR, delay=15)
        panel = page.locator("#known")
        await panel.locator(f"[data-poll='{earlier}']").wait_for()
        shown = await panel.inner_text()
        assert "How satisfied are you with the wifi in the library?" in shown
        assert "CSAT 75%" in shown and "4 answers" in shown
        assert "3 messages: 1 negative, 1 neutral, 1 positive" in shown
        assert "wifi so slow in the reading room" in shown and "printer" not in shown
        await axe(page)
        await shoot(page, tmp_path, "poll-page-known")

        await page.keyboard.press("Tab")
        assert await focused(page) == "f-kind"
        await page.keyboard.type("Yes")  # a select picks by typing: "Yes or no"
        for _ in range(2):
            await page.keyboard.press("Tab")  # choices, then the widget box (ticked)
        assert await focused(page) == "to-widget"
        await page.get_by_role("button", name="Send now").focus()
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        status = await page.inner_text("[role=status]")
        assert "is open" in status, status
        await axe(page)
        await page.set_viewport_size(PHONE_390)
        await page.goto(f"{bot.url}/inbox/polls/new")
        await page.fill("#f-question", SIMILAR)
        await panel.locator(f"[data-poll='{earlier}']").wait_for()
        await axe(page)
        assert await no_horizontal_scroll(page)
        await shoot(page, tmp_path, "poll-page-phone")
        await context.close()
        polls = await bot.store.polls.all()
    sent = polls[0]
    assert (sent.question, sent.kind, sent.status) == (SIMILAR, "yes_no", "open")
