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
        stored = [
            m.text for m in await bot.store.messages.find(channel="widget") if m.direction == "in"
        ]
    assert "Thank you, your message has been sent." in shown.text
    assert shown.text.count("Too cold on floor 4") == 1
    assert stored == ["Too cold on floor 4"]


async def test_a_form_post_with_a_session_not_issued_here_is_refused_readably(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        async with httpx.AsyncClient(base_url=bot.url) as http:
            form = {"session": "someone-elses-session", "client_id": "client-xyz1", "text": "hi"}
            answer = await http.post("/widget/send", data=form, headers={"accept": "text/html"})
        assert await bot.store.messages.find() == []
    assert answer.status_code == 403
    assert "<h1>Not sent</h1>" in answer.text and "was not issued here" in answer.text


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
    assert "aria-expanded" in snippet.text and "currentScript" in snippet.text
    assert bot.url not in snippet.text  # never built from the request's Host header


async def test_the_snippet_uses_the_public_url_never_the_host_header(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(database_url=sqlite_url, public_url="https://feedback.example.ac.uk/")
    async with running_bot(settings) as bot:
        async with httpx.AsyncClient(base_url=bot.url) as http:
            snippet = await http.get("/widget/embed.js", headers={"host": "evil.example"})
    assert '"https://feedback.example.ac.uk"' in snippet.text and "evil" not in snippet.text


async def test_ending_the_conversation_on_this_computer(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        async with httpx.AsyncClient(base_url=bot.url) as http:
            page = await http.get("/widget")
            assert "End this conversation on this computer" in page.text
            session = http.cookies["feedbot_session"]
            ended = await http.post("/widget/end", data={"session": session})
            assert ended.status_code == 303 and "feedbot_session" not in http.cookies
            gone = await http.get("/widget/api/messages", params={"session": session})
            fresh = await http.get(ended.headers["location"])
            assert gone.status_code == 403
            assert "This conversation has ended on this computer" in fresh.text
            assert http.cookies["feedbot_session"] != session


async def test_the_session_lifetime_is_a_setting_the_page_states(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(database_url=sqlite_url, widget_session_hours=2)
    async with running_bot(settings) as bot:
        async with httpx.AsyncClient(base_url=bot.url) as http:
            page = await http.get("/widget")
    cookie = page.headers["set-cookie"].lower()
    assert "max-age=7200" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "ends by itself after 2 hours without use" in page.text
