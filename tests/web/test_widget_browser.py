"""The widget as a person meets it on the library's own site: embedded from another origin in
Debian's Chromium, the conversation survives a reload (with no cookies to help), a staff reply
shows up, Escape closes the panel, and axe-core finds nothing serious."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bot.events import Address, Channel, ConversationKind, OutboundMessage
from config.settings import Settings
from tests.fakes.process import free_port
from tests.fakes.running import RunningBot, running_bot
from tests.support.browser import Axe

HOST_PAGE = """<!doctype html><html lang="en-GB"><head><meta charset="utf-8">
<title>Library opening hours</title></head><body><main><h1>Opening hours</h1>
<p>Open 8am to 10pm.</p></main>
<script src="{bot}/widget/embed.js" defer></script></body></html>"""
REPLY = "Thanks for telling us: the heating on floor 4 is fixed today."


@contextmanager
def library_site() -> Iterator[tuple[str, list[str]]]:
    """A second web server, another origin (localhost, not 127.0.0.1), embedding the widget
    from the bot whose URL goes into the returned list."""
    bot_url: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(HOST_PAGE.format(bot=bot_url[0]).encode())

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}", bot_url
    finally:
        server.shutdown()
        server.server_close()


async def open_widget(page: Any, site: str) -> Any:
    """Load the library page, open the feedback panel, return the widget's frame."""
    await page.goto(site)
    await page.get_by_role("button", name="Feedback").click()
    await page.wait_for_selector("#feedbot-panel iframe")
    frame = page.frame_locator("#feedbot-panel iframe")
    await frame.get_by_label("Your message").wait_for()
    return frame


async def staff_reply(bot: RunningBot, session: str) -> None:
    """What the staff inbox does: an outbound message into the widget conversation."""
    address = Address(Channel.WIDGET, chat=session, kind=ConversationKind.WIDGET)
    await bot.store.outbox.enqueue(
        message=OutboundMessage(address=address, text=REPLY), author="staff:test"
    )
    bot.app.delivery.wake()


async def test_embedded_on_another_origin_the_conversation_survives_and_shows_staff_replies(
    sqlite_url: str, make_settings: Callable[..., Settings], browser: Any
) -> None:
    with library_site() as (site, embeds):
        settings = make_settings(database_url=sqlite_url, widget_frame_ancestors=site)
        async with running_bot(settings) as bot:
            embeds.append(bot.url)
            context = await browser.new_context()
            page = await context.new_page()
            problems: list[str] = []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            frame = await open_widget(page, site)
            await frame.get_by_label("Your message").fill("Floor 4 is freezing")
            await frame.get_by_role("button", name="Send message").click()
            await frame.get_by_text("Thank you, your message has been sent.").wait_for()
            session = await page.evaluate("localStorage.getItem('feedbot_session')")
            assert session, "the library page keeps the widget's session"
            await staff_reply(bot, session)

            await context.clear_cookies()  # as if third-party cookies were blocked
            await page.reload()
            frame = await open_widget(page, site)
            await frame.get_by_text(REPLY).wait_for(timeout=20_000)
            await frame.get_by_text("Floor 4 is freezing").wait_for()

            await frame.get_by_label("Your message").focus()
            await page.keyboard.press("Escape")
            await page.wait_for_selector("#feedbot-panel", state="hidden")
            focused = await page.evaluate("document.activeElement.textContent")
            await context.close()
    assert focused == "Feedback"
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems


async def test_errors_show_as_readable_text_and_axe_finds_nothing_serious(
    sqlite_url: str, make_settings: Callable[..., Settings], browser: Any, axe: Axe
) -> None:
    with library_site() as (site, embeds):
        settings = make_settings(database_url=sqlite_url, widget_frame_ancestors=site)
        async with running_bot(settings) as bot:
            embeds.append(bot.url)
            context = await browser.new_context(bypass_csp=True)  # axe is injected as a script
            page = await context.new_page()
            frame = await open_widget(page, site)
            await frame.get_by_label("Your message").fill("x")
            await page.evaluate("localStorage.clear()")
            await bot.store.sessions.end(
                session=await page.frames[1].evaluate(
                    "document.querySelector('input[name=session]').value"
                )
            )
            await frame.get_by_role("button", name="Send message").click()
            status = frame.locator("#feedback-status")
            await status.get_by_text("Not sent:").wait_for()
            shown = await status.text_content() or ""
            await axe(page.frames[1])
            standalone = await context.new_page()
            await standalone.goto(f"{bot.url}/widget")
            await axe(standalone)
            await context.close()
    assert "has ended" in shown or "was not issued" in shown
    assert "{" not in shown
