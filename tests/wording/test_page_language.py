"""The public pages in the reader's language: chosen by ?lang= (the embed snippet's data-lang),
else the browser's Accept-Language, else English; kept across the no-JavaScript forms; times
written one way, in the library's zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx

from bot.web.page_language import accepted, lifetime
from config.settings import Settings
from tests.fakes.running import running_bot
from tests.fakes.wording import shipped_wording

LONDON = ZoneInfo("Europe/London")


def test_the_browsers_first_language_the_bot_speaks_wins() -> None:
    spoken = ("en", "cy")
    assert accepted("cy-GB,cy;q=0.9,en-GB;q=0.8", spoken) == "cy"
    assert accepted("fr-FR, cy;q=0.8, en;q=0.5", spoken) == "cy"
    assert accepted("en;q=0.4, cy;q=0.9", spoken) == "cy"
    assert accepted("cy;q=0, fr", spoken) == "en"
    assert accepted("", spoken) == accepted("garbage;;q=x,,", spoken) == "en"


def test_lifetimes_in_the_pages_language() -> None:
    welsh, english = shipped_wording().speaking("cy"), shipped_wording().speaking("en")
    assert lifetime(7 * 86400, welsh) == "7 diwrnod" and lifetime(1800, english) == "30 minutes"


async def test_the_widget_speaks_welsh_to_a_welsh_browser_and_keeps_it(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        welsh = {"accept-language": "cy-GB,cy;q=0.9,en;q=0.5"}
        async with httpx.AsyncClient(base_url=bot.url, headers=welsh) as http:
            page = (await http.get("/widget")).text
            client_id = page.split('name="client_id" value="')[1].split('"')[0]
            form = {
                "session": http.cookies["feedbot_session"],
                "client_id": client_id,
                "text": "Mae'n oer ar y pedwerydd llawr",
                "lang": "cy",
            }
            posted = await http.post("/widget/send", data=form)
            shown = (await http.get(posted.headers["location"], headers={})).text
        async with httpx.AsyncClient(base_url=bot.url) as http:
            english = (await http.get("/widget")).text
            asked = (await http.get("/widget?lang=cy")).text
            unknown = (await http.get("/widget?lang=zz")).text
            snippet = (await http.get("/widget/embed.js")).text
    assert '<html lang="cy">' in page and "Anfon neges" in page and "Send message" not in page
    assert "Dywedwch wrth y Llyfrgell beth yw eich barn" in page
    assert '"you": "Chi"' in page  # the script's words, in Welsh
    assert "&lang=cy" in posted.headers["location"]
    assert "Diolch, mae eich neges wedi" in shown and "Your message" not in shown
    assert '<html lang="en-GB">' in english and "Send message" in english
    assert '<html lang="cy">' in asked and '<html lang="en-GB">' in unknown
    assert '"open_button": "Adborth"' in snippet and '"open_button": "Feedback"' in snippet


async def test_you_said_we_did_in_welsh(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        await bot.store.actions.add(
            topic="noise",
            said="Roedd y llawr tawel yn swnllyd.",
            outcome="did",
            did="Rydym wedi symud y grwpiau i'r ail lawr.",
            why="",
            since=datetime(2026, 11, 1, tzinfo=UTC),
            created_by="test",
        )
        async with httpx.AsyncClient(base_url=bot.url) as http:
            page = (await http.get("/widget/you-said-we-did?lang=cy")).text
            english = (await http.get("/widget/you-said-we-did")).text
    assert '<html lang="cy">' in page and "<h1>Dywedoch chi, gwnaethom ni</h1>" in page
    assert "<strong>Gwnaethom ni:</strong> <bdi>Rydym wedi symud" in page and "Cofnodwyd " in page
    assert "<h1>You said, we did</h1>" in english and "Recorded " in english
