"""A poll on the feedback page in Chromium: a changed answer shows as the new answer (the
pressed button and the "Your answer" line) without reloading the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from config.settings import Settings
from handlers.polls.kinds import standard_options
from models.store.polls.definitions import Target
from tests.fakes.running import running_bot


async def test_a_changed_vote_shows_without_a_reload(
    sqlite_url: str, make_settings: Callable[..., Settings], browser: Any
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        poll_id = await bot.store.polls.create(
            targets=[Target("widget")],
            options=standard_options("csat", []),
            question="How satisfied are you with the library today?",
            kind="csat",
        )
        await bot.app.polls.send(poll_id)
        page = await browser.new_page()
        await page.goto(f"{bot.url}/widget")
        poll = page.locator(f"#poll-{poll_id}")
        loads = await page.evaluate("performance.getEntriesByType('navigation').length")
        await poll.get_by_role("button", name="2 Poor").click()
        await poll.locator("p.answer").get_by_text("2 Poor").wait_for()
        await poll.get_by_role("button", name="5 Excellent").click()
        await poll.locator("p.answer").get_by_text("5 Excellent").wait_for()
        answer = await poll.locator("p.answer").text_content() or ""
        pressed = await poll.locator("button[aria-pressed=true]").all_text_contents()
        same_page = await page.evaluate("performance.getEntriesByType('navigation').length")
        await page.close()
    assert "Your answer: 5 Excellent." in " ".join(answer.split()) and "2 Poor" not in answer
    assert [p.strip() for p in pressed] == ["5 Excellent"]
    assert same_page == loads  # no navigation happened
