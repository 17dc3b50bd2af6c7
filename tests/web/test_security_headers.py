"""Pages safe by default: the same security headers on every response the web server gives."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import httpx
from starlette.routing import Mount

from bot.web.security import FramePolicy, security_headers
from config.settings import Settings
from tests.fakes.running import running_bot
from tests.support.headers import LIBRARY, check


async def test_every_route_and_error_carries_the_headers(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(database_url=sqlite_url, widget_frame_ancestors=LIBRARY)
    async with running_bot(settings) as bot:
        paths = [getattr(r, "path", "") for r in bot.app.web.routes]
        assert {"/widget", "/widget/api/messages", "/healthz", "/metrics"} <= set(paths)
        async with httpx.AsyncClient(base_url=bot.url) as http:
            for route in bot.app.web.routes:
                path = route.path + ("/widget.css" if isinstance(route, Mount) else "")
                methods = sorted(getattr(route, "methods", None) or {"GET"})
                for method in methods:
                    answer = await http.request(method, path)
                    check(answer, framable=path.startswith("/widget"))
            for path in ("/no/such/page", "/inbox/", "/digests/"):
                check(await http.get(path), framable=False)
            check(await http.post("/healthz"), framable=False)  # 405


async def test_conversation_pages_are_not_stored_and_static_files_are_revalidated(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        async with httpx.AsyncClient(base_url=bot.url) as http:
            page = await http.get("/widget")
            session = http.cookies["feedbot_session"]
            api = await http.get("/widget/api/messages", params={"session": session})
            css = await http.get("/static/widget.css")
    assert page.headers["cache-control"] == api.headers["cache-control"] == "no-store"
    assert css.headers["cache-control"] == "no-cache"


async def test_the_widget_page_has_no_inline_script_or_style(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        async with httpx.AsyncClient(base_url=bot.url) as http:
            page = (await http.get("/widget")).text
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, flags=re.S)
    # The page's words for its script are a JSON data block: never run, and its JSON escapes
    # "<", so no text inside can close the element. Every script that runs is a file.
    data = [body for attrs, body in scripts if 'type="application/json"' in attrs]
    code = [(attrs, body) for attrs, body in scripts if 'type="application/json"' not in attrs]
    assert code and all('src="/static/' in attrs and not body.strip() for attrs, body in code)
    assert all("<" not in body and isinstance(json.loads(body), dict) for body in data)
    assert not re.search(r"\son[a-z]+\s*=", page) and " style=" not in page and "<style" not in page


def test_the_policy_is_one_pure_function_others_reuse() -> None:
    frames = FramePolicy(framable_prefixes=("/widget",), ancestors=(LIBRARY,))
    inbox = dict(security_headers("/inbox/items/3", frames))
    widget = dict(security_headers("/widget", frames))
    lookalike = dict(security_headers("/widgetry", frames))
    assert "frame-ancestors 'none'" in inbox["content-security-policy"]
    assert LIBRARY in widget["content-security-policy"] and "x-frame-options" not in widget
    assert lookalike["x-frame-options"] == "DENY"
