"""The browser fixtures themselves: Chromium starts offline, axe-core runs and reports."""

from __future__ import annotations

from typing import Any

from tests.support.browser import Axe, run_axe

PAGE = (
    "<!doctype html><html lang='en'><head><title>t</title></head>"
    "<body><main>{}</main></body></html>"
)
GOOD = PAGE.format("<h1>Hi</h1>")
BAD = PAGE.format("<img src='x.png'>")


async def test_a_page_with_no_problems_passes_axe(browser: Any, axe: Axe) -> None:
    page = await browser.new_page()
    await page.set_content(GOOD)
    assert await axe(page) == []


async def test_axe_finds_an_image_without_alternative_text(browser: Any) -> None:
    page = await browser.new_page()
    await page.set_content(BAD)
    found = {v["id"]: v["impact"] for v in await run_axe(page)}
    assert found.get("image-alt") == "critical"
