"""The pages wave 3 added, with a stored message full of markup and control characters: each
page a lead opens renders it as text (no script runs, no element is injected), passes axe and
fits a phone; logged out they send to the login page, and an agent gets 403."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from bot.adapters.widget import WidgetAdapter
from bot.events import Channel
from config.settings import Settings
from tests.fakes.adapter import RecordingAdapter
from tests.fakes.running import running_bot
from tests.support.browser import Axe
from tests.support.browser_staff import keyboard_login, no_horizontal_scroll, shoot
from tests.support.staff import add_staff, log_in, platform_item

LEAD, AGENT = "lead@lib.example.ac.uk", "agent@lib.example.ac.uk"
HOSTILE = (
    '<script>window.pwned=1</script><img src=x onerror="window.pwned=1"> *bold* _x_ '
    "<@U123> <https://evil.example|click> \u202eevil wifi broken again"
)
PAGES = ("/inbox/themes", "/inbox/coverage", "/inbox/polls", "/inbox/polls/new", "/inbox/sends/new")
PHONE = {"width": 390, "height": 800}


async def test_new_pages_render_hostile_text_as_text_and_check_roles(
    sqlite_url: str, make_settings: Callable[..., Settings], browser: Any, axe: Axe, tmp_path: Any
) -> None:
    telegram = RecordingAdapter(Channel.TELEGRAM)  # it delivers U+202E; the widget refuses it
    settings = make_settings(database_url=sqlite_url)
    async with running_bot(settings, adapters=[WidgetAdapter(), telegram]) as bot:
        await platform_item(bot, telegram, HOSTILE)
        await add_staff(bot.store, LEAD, role="lead", name="Lee")
        await add_staff(bot.store, AGENT, role="agent", name="Ada")
        [mine] = [m for m in await bot.store.messages.find() if m.text == HOSTILE]
        pages = (*PAGES, f"/inbox/messages?message={mine.id}", "/inbox/polls/known?question=wifi")
        async with httpx.AsyncClient(base_url=bot.url) as anonymous:
            for path in pages:
                answer = await anonymous.get(path)
                assert answer.status_code in (302, 303, 401), path
        async with httpx.AsyncClient(base_url=bot.url) as agent:
            await log_in(agent, AGENT)
            for path in PAGES[:2] + PAGES[3:]:
                assert (await agent.get(path)).status_code == 403, path
        context = await browser.new_context(viewport=PHONE, bypass_csp=True)
        page = await context.new_page()
        await keyboard_login(page, bot.url, LEAD)
        for path in pages[:-1]:
            await page.goto(f"{bot.url}{path}")
            assert await page.evaluate("window.pwned === undefined"), path
            assert await page.locator("main script, main img[src=x]").count() == 0, path
            assert await no_horizontal_scroll(page), path
            await axe(page)  # no serious or critical violation
            await shoot(page, tmp_path, path.strip("/").replace("/", "-").split("?")[0])
        await page.goto(f"{bot.url}/inbox/messages?message={mine.id}")
        assert "<script>window.pwned=1</script>" in await page.inner_text("main")
        await context.close()
