"""The web chat's "Join the advisory panel" button (a plain form: it works without JavaScript)
joins the panel, and the visitor is told so in their conversation."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
from sqlalchemy import select

from config.settings import Settings
from models.store.reach.tables import PanelMember
from tests.fakes.running import RunningBot, running_bot
from tests.fakes.waiting import wait_until
from tests.fakes.wording import shipped_wording


def _panel_form(page: str) -> dict[str, str]:
    form = page[
        page.index('id="panel-form"') : page.index("</form>", page.index('id="panel-form"'))
    ]
    return dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', form))


async def test_the_button_joins_the_panel(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        async with httpx.AsyncClient(base_url=bot.url) as http:
            first = await http.get("/widget")
            fields = _panel_form(first.text)
            if not fields.get("session"):  # the page issues a session on the first message
                issued = await http.post("/widget/api/sessions", json={})
                fields["session"] = issued.json()["session"]
            posted = await http.post("/widget/send", data=fields)

            async def joined() -> bool:
                return [v for *_, v in await _members(bot)] == ["widget"]

            await wait_until(joined, what="the visitor on the panel")
            page = (await http.get(f"/widget?session={fields['session']}")).text
    assert posted.status_code == 303
    assert fields["text"] == shipped_wording().text("widget.panel_word")
    assert "advisory panel" in page


async def _members(bot: RunningBot) -> list[tuple[int, str]]:
    query = select(PanelMember.contact_id, PanelMember.via)
    rows = await bot.store.read(lambda c: c.execute(query).all())
    return [(int(c), str(v)) for c, v in rows]
