"""Text-direction controls in Chromium: a message hiding a right-to-left override (delivered by a
platform; the widget refuses it) reads on the staff pages in the order it was written, with the
override shown as [U+202E]; an Arabic message still reads right to left, in its own isolate,
and the page around it stays left to right. The widget refuses an override and echoes Arabic
right to left."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bot.adapters.widget import WidgetAdapter
from bot.events import Channel
from config.settings import Settings
from tests.fakes.adapter import RecordingAdapter
from tests.fakes.running import running_bot
from tests.support.browser_staff import DESKTOP, keyboard_login, shoot
from tests.support.rtl import ARABIC, RLM
from tests.support.staff import add_staff, platform_item, widget_item

SPOOF = "pay here \u202egpj.exe"
LEAD = "lee@lib.example.ac.uk"
LEFTS = """([selector, needle]) => {
  // The left edge, on screen, of the first and the sixth character of needle ("g" and "x" of
  // "gpj.exe") inside the first element matching selector that holds it.
  for (const holder of document.querySelectorAll(selector)) {
    const walk = document.createTreeWalker(holder, NodeFilter.SHOW_TEXT);
    for (let node = walk.nextNode(); node; node = walk.nextNode()) {
      const at = node.data.indexOf(needle);
      if (at < 0) continue;
      const left = (i) => {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        return range.getBoundingClientRect().left;
      };
      return [left(at), left(at + 5)];
    }
  }
  return null;
}"""


async def _reads_in_order(page: Any, selector: str) -> bool:
    """Whether "gpj.exe" inside ``selector`` shows its "g" left of its "x", as written."""
    lefts = await page.evaluate(LEFTS, [selector, "gpj.exe"])
    assert lefts is not None, f"no gpj.exe in {selector}"
    return bool(lefts[0] < lefts[1])


async def _direction(page: Any, selector: str) -> str:
    """The direction Chromium gives the first element matching ``selector``."""
    return str(await page.locator(selector).first.evaluate("e => getComputedStyle(e).direction"))


async def test_staff_pages_show_the_override_and_keep_arabic_right_to_left(
    sqlite_url: str, make_settings: Callable[..., Settings], browser: Any, tmp_path: Path
) -> None:
    telegram = RecordingAdapter(Channel.TELEGRAM)
    settings = make_settings(database_url=sqlite_url)
    async with running_bot(settings, adapters=[WidgetAdapter(), telegram]) as bot:
        spoofed = await platform_item(bot, telegram, SPOOF)
        arabic = await widget_item(bot, f"{ARABIC} 42")  # ends in digits: they must not spill
        [stored] = [m for m in await bot.store.messages.find() if "gpj" in m.text]
        await add_staff(bot.store, LEAD, role="lead")
        context = await browser.new_context(viewport=DESKTOP, bypass_csp=True)
        page = await context.new_page()
        await keyboard_login(page, bot.url, LEAD)

        await page.goto(f"{bot.url}/inbox/items/{spoofed}")
        item_text = await page.inner_text(".entry.person p.text")
        item_in_order = await _reads_in_order(page, ".entry.person p.text")
        await shoot(page, tmp_path, "item-override")

        await page.goto(f"{bot.url}/inbox/messages?message={stored.id}")
        listed_text = await page.inner_text("main p.text")
        listed_in_order = await _reads_in_order(page, "main p.text")

        await page.goto(f"{bot.url}/inbox/")
        link = page.locator(f'a.title[href="/inbox/items/{arabic}"]')
        queue_in_order = await _reads_in_order(page, "a.title bdi")
        arabic_way = await link.locator("bdi").evaluate("e => e.matches(':dir(rtl)')")
        link_way = await link.evaluate("e => getComputedStyle(e).direction")
        isolated = await link.locator("bdi").evaluate("e => getComputedStyle(e).unicodeBidi")
        await shoot(page, tmp_path, "queue-arabic")

        await page.goto(f"{bot.url}/inbox/items/{arabic}")
        item_way = await _direction(page, ".entry.person p.text")
        heading_way = await _direction(page, "h1")
        await shoot(page, tmp_path, "item-arabic")
        await context.close()
    assert "pay here [U+202E]gpj.exe" in item_text and "[U+202E]gpj.exe" in listed_text
    assert item_in_order and listed_in_order and queue_in_order
    assert arabic_way and link_way == "ltr" and isolated == "isolate"
    assert (item_way, heading_way) == ("rtl", "ltr")
    assert stored.text == SPOOF  # the record keeps what the platform delivered


async def test_the_widget_refuses_an_override_and_echoes_arabic_right_to_left(
    sqlite_url: str, make_settings: Callable[..., Settings], browser: Any, tmp_path: Path
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        page = await (await browser.new_context()).new_page()
        await page.goto(f"{bot.url}/widget")
        await page.fill("#feedback-text", SPOOF)
        await page.click("#feedback-form button[type=submit]")
        await page.wait_for_function("document.getElementById('feedback-status').textContent")
        refused = await page.inner_text("#feedback-status")
        await page.fill("#feedback-text", f"{RLM}{ARABIC}")
        await page.click("#feedback-form button[type=submit]")
        echoed = page.locator("#messages li.from-you p", has_text=ARABIC)
        await echoed.wait_for()
        echo_way = await echoed.evaluate("e => getComputedStyle(e).direction")
        await shoot(page, tmp_path, "widget-arabic")
        await page.reload()  # as the server renders it
        rendered_way = await _direction(page, "#messages li.from-you p")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            session = (await http.post("/widget/api/sessions", json={})).json()["session"]
            body = {"session": session, "client_id": "c-override1", "text": SPOOF}
            api = await http.post("/widget/api/messages", json=body)
        kept = [m.text for m in await bot.store.messages.find()]
    assert "text-direction override ([U+202E])" in refused
    assert api.status_code == 400 and "override" in api.json()["error"]
    assert (echo_way, rendered_way) == ("rtl", "rtl")
    assert f"{RLM}{ARABIC}" in kept and not [t for t in kept if "gpj" in t]  # refused: not kept
