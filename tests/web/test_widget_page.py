"""The feedback page as a person sees it: no JavaScript needed, labelled, embeddable."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from config.settings import Settings
from tests.fakes.running import running_bot


async def test_the_form_works_without_javascript(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        async with httpx.AsyncClient(base_url=bot.url) as http:
            page = await http.get("/widget")
            session = http.cookies["feedbot_session"]
            client_id = page.text.split('name="client_id" value="')[1].split('"')[0]
            form = {"session": session, "client_id": client_id, "text": "Too cold on floor 4"}
            posted = await http.post("/widget/send", data=form)
            again = await http.post("/widget/send", data=form)
            assert posted.status_code == again.status_code == 303
            shown = await http.get(posted.headers["location"])
        stored = [m.text for m in await bot.store.messages(channel="widget") if m.direction == "in"]
    assert "Thank you, your message has been sent." in shown.text
    assert shown.text.count("Too cold on floor 4") == 1
    assert stored == ["Too cold on floor 4"]


async def test_a_form_post_from_another_browser_session_is_refused(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        async with httpx.AsyncClient(base_url=bot.url) as http:
            form = {"session": "someone-elses-session", "client_id": "client-xyz1", "text": "hi"}
            answer = await http.post("/widget/send", data=form)
        assert await bot.store.messages() == []
    assert answer.status_code == 400


async def test_the_page_is_labelled_and_the_snippet_is_served(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        async with httpx.AsyncClient(base_url=bot.url) as http:
            page = (await http.get("/widget")).text
            snippet = await http.get("/widget/embed.js")
    assert '<html lang="en-GB">' in page
    assert '<label for="feedback-text">' in page and 'id="feedback-text"' in page
    assert 'role="status"' in page and 'aria-live="polite"' in page
    assert snippet.status_code == 200
    assert snippet.headers["content-type"].startswith("application/javascript")
    assert f'"{bot.url}"' in snippet.text and "aria-expanded" in snippet.text
