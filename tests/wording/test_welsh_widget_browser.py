"""The feedback page in Welsh, in Debian's Chromium: its script speaks Welsh too, and every time
on the page, whether the server or the script wrote it, reads the same way."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from config.settings import Settings
from tests.fakes.running import running_bot
from tests.support.browser import Axe

WELSH_TIME = re.compile(
    r"^\d{1,2} (Ion|Chwef|Maw|Ebr|Mai|Meh|Gorff|Awst|Medi|Hyd|Tach|Rhag) \d{4}, \d\d:\d\d \w+$"
)


async def test_a_welsh_page_sends_and_shows_times_one_way(
    sqlite_url: str, make_settings: Callable[..., Settings], browser: Any, axe: Axe
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        context = await browser.new_context(bypass_csp=True)  # axe is injected
        page = await context.new_page()
        await page.goto(f"{bot.url}/widget?lang=cy")
        assert await page.get_attribute("html", "lang") == "cy"
        await page.get_by_label("Eich neges").fill("Mae'r argraffydd ar y llawr cyntaf wedi torri")
        await page.get_by_role("button", name="Anfon neges").click()
        await page.get_by_role("status").filter(has_text="Diolch, mae eich neges").wait_for()
        await page.locator("#messages li.from-library").first.wait_for(timeout=15_000)
        scripted = await page.locator("#messages time").all_inner_texts()
        await page.reload()
        served = await page.locator("#messages time").all_inner_texts()
        who = await page.locator("#messages .who").all_inner_texts()
        assert await axe(page) == []
        await context.close()
    assert len(scripted) == 2 and all(WELSH_TIME.match(t) for t in scripted), scripted
    assert served == scripted
    assert who == ["Chi", "Y Llyfrgell"]
