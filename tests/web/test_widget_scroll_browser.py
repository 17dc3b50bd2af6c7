"""The widget on a phone (390 by 844, Chromium): after sending, the message, its acknowledgement
and a later staff reply are scrolled into view; the acknowledgement shows within seconds, not at
the next 15-second check; every time on the page is in one format, in the page's language."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.events import Address, Channel, ConversationKind, OutboundMessage
from config.settings import Settings
from tests.fakes.running import RunningBot, running_bot
from tests.fakes.waiting import wait_until
from tests.support.browser import Axe

PHONE = {"width": 390, "height": 844}
EARLIER = "Earlier news from the library: the group study rooms on level 3 are open again. " * 3
MESSAGE = "The self-issue machine by the door keeps rejecting my card"
REPLY = "Thanks: the machine is reset, and the desk can issue books meanwhile."
EN_GB = re.compile(r"^[A-Z][a-z]{2},? \d{1,2} [A-Z][a-z]{2} \d{4},? \d\d:\d\d (GMT|BST)$")

WELSH_MONTHS = r"\b(Ion|Chwef|Maw|Ebr|Mai|Meh|Gorff|Awst|Medi|Hyd|Tach|Rhag)"

ANSWERED = """() => {
  const mine = [...document.querySelectorAll('#messages li.from-you')];
  const sent = mine.length ? Number(mine[mine.length - 1].dataset.id) : NaN;
  return [...document.querySelectorAll('#messages li.from-library')]
    .some(li => Number(li.dataset.id) > sent);
}"""
IN_VIEW = """(text) => {
  const items = [...document.querySelectorAll('#messages li')];
  const mine = items.filter(li => li.classList.contains('from-you'));
  const first = mine[mine.length - 1], last = items[items.length - 1];
  if (!first || !last || (text && !last.textContent.includes(text))) { return false; }
  const top = first.getBoundingClientRect().top, bottom = last.getBoundingClientRect().bottom;
  return first !== last && top >= 0 && bottom <= window.innerHeight;
}"""


async def staff_says(bot: RunningBot, session: str, text: str) -> None:
    """A message from the library into the widget conversation (as the inbox sends one)."""
    address = Address(Channel.WIDGET, chat=session, kind=ConversationKind.WIDGET)
    await bot.store.outbox.enqueue(
        message=OutboundMessage(address=address, text=text), author="staff:test"
    )
    bot.app.delivery.wake()


async def delivered(bot: RunningBot, session: str, count: int) -> None:
    """Wait until the library's messages in the conversation number ``count``."""

    async def enough() -> bool:
        found = await bot.store.messages.find(channel="widget", limit=100)
        return sum(1 for m in found if m.direction == "out") >= count

    await wait_until(enough, what=f"{count} library messages in the widget conversation")


async def test_on_a_phone_the_message_its_acknowledgement_and_the_reply_come_into_view(
    sqlite_url: str, make_settings: Callable[..., Settings], browser: Any, axe: Axe, tmp_path: Path
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        context = await browser.new_context(
            viewport=PHONE, locale="en-GB", timezone_id="Europe/London", bypass_csp=True
        )
        page = await context.new_page()
        await page.goto(f"{bot.url}/widget")
        session = await page.input_value("#feedback-form input[name=session]")
        for n in range(5):  # a long conversation already: the list reaches far above the box
            await staff_says(bot, session, f"{n + 1}. {EARLIER}")
        await delivered(bot, session, 5)
        await page.reload()
        stamps = await page.locator("#messages time").all_inner_texts()
        assert len(stamps) == 5 and all(EN_GB.match(s) for s in stamps), stamps

        await page.focus("#feedback-text")
        await page.keyboard.type(MESSAGE)
        await page.keyboard.press("Tab")
        sent_at = time.monotonic()
        await page.keyboard.press("Enter")
        await page.wait_for_function(ANSWERED, timeout=10_000)
        waited = time.monotonic() - sent_at
        await page.wait_for_function(IN_VIEW, arg="", timeout=5_000)
        await shoot_viewport(page, tmp_path, "widget-phone-after-send")

        await staff_says(bot, session, REPLY)
        await page.wait_for_function(IN_VIEW, arg=REPLY, timeout=25_000)
        await shoot_viewport(page, tmp_path, "widget-phone-staff-reply")
        stamps = await page.locator("#messages time").all_inner_texts()
        await axe(page)
        await context.close()
    assert waited < 10, f"the acknowledgement took {waited:.1f} s"
    assert len(stamps) == 8 and all(EN_GB.match(s) for s in stamps), stamps


async def shoot_viewport(page: Any, tmp_path: Path, name: str) -> None:
    """What the person sees on the phone's screen (not the whole page)."""
    folder = Path(os.environ.get("FEEDBOT_TEST_SHOTS", "") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once, before a screenshot
    await page.screenshot(path=str(folder / f"{name}.png"))


def served_in(lang: str) -> Callable[[Any], Any]:
    """A route handler serving the widget page as a page in ``lang`` would be."""

    async def handle(route: Any) -> None:
        answer = await route.fetch()
        body = (await answer.text()).replace('lang="en-GB"', f'lang="{lang}"', 1)
        await route.fulfill(response=answer, body=body)

    return handle


async def test_the_page_language_decides_how_times_read(
    sqlite_url: str, make_settings: Callable[..., Settings], browser: Any
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        context = await browser.new_context(
            viewport=PHONE, locale="en-US", timezone_id="Europe/London"
        )
        page = await context.new_page()
        await page.goto(f"{bot.url}/widget")
        session = await page.input_value("#feedback-form input[name=session]")
        await staff_says(bot, session, "Croeso i'r llyfrgell")
        await delivered(bot, session, 1)
        shown: dict[str, str] = {}
        for lang in ("en-GB", "es", "cy", "not a language"):
            await page.unroute(re.compile(r".*/widget$"))
            await page.route(re.compile(r".*/widget$"), served_in(lang))
            await page.goto(f"{bot.url}/widget")
            shown[lang] = await page.inner_text("#messages time")
        welsh_known = await page.evaluate("Intl.DateTimeFormat.supportedLocalesOf(['cy']).length")
        await context.close()
    assert EN_GB.match(shown["en-GB"]), shown  # not the browser's US English
    assert re.search(r"\bdic\b", shown["es"]) and not EN_GB.match(shown["es"]), shown
    assert EN_GB.match(shown["not a language"]), shown
    if welsh_known:
        assert re.search(WELSH_MONTHS, shown["cy"]), shown
    else:  # this Chromium has no Welsh dates: the page's own month names, day first, 24-hour
        assert re.match(r"^\d{1,2} \w+ \d{4}, \d\d:\d\d \S+$", shown["cy"]), shown
