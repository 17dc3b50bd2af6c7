"""The widget's session cookie is Secure when the bot's public URL is https (and only then,
so that a plain-http development server keeps working)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from config.settings import Settings
from tests.fakes.running import running_bot


@pytest.mark.parametrize(
    ("public_url", "secure"), [("https://feedback.lib.example.ac.uk", True), ("", False)]
)
async def test_the_widget_cookie_is_secure_on_https(
    sqlite_url: str, make_settings: Callable[..., Settings], public_url: str, secure: bool
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url, public_url=public_url)) as bot:
        async with httpx.AsyncClient(base_url=bot.url) as http:  # no TLS here: cookie by hand
            page = await http.get("/widget")
            session = page.cookies["feedbot_session"]
            ended = await http.post(
                "/widget/end",
                data={"session": session},
                headers={"cookie": f"feedbot_session={session}"},
            )
    set_cookie, cleared = page.headers["set-cookie"], ended.headers["set-cookie"]
    assert set_cookie.startswith("feedbot_session=") and "HttpOnly" in set_cookie
    assert ("Secure" in set_cookie, "Secure" in cleared) == (secure, secure)
