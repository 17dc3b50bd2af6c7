""" "You said, we did" from the topic's view of the inbox: the form shows for leads and admins,
a post without its CSRF token or by an agent changes nothing, a lead's post records the action
once (audited) and, with notify, tells the person who raised the topic once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from config.settings import Settings
from models.store.digest.tables import Action, ActionNotice
from models.store.tables import AuditEntry
from tests.fakes.running import RunningBot, running_bot
from tests.support.browser import Axe
from tests.support.browser_staff import DESKTOP, keyboard_login, shoot, tab_to
from tests.support.staff import add_staff, csrf_of, log_in, widget_item_about

TOPIC = "printing_and_scanning"
VIEW = f"/inbox/?topic={TOPIC}"
FORM = {
    "topic": TOPIC,
    "said": "The level 2 printer <b>jams</b>",
    "outcome": "did",
    "answer": "We replaced both printers on level 2",
    "why": "",
    "since": "",
}


async def _counts(bot: RunningBot) -> tuple[int, int, int]:
    def read(conn: Connection) -> tuple[int, int, int]:
        one = conn.execute
        audited = select(func.count()).where(AuditEntry.action == "you_said.add")
        return (
            int(one(select(func.count()).select_from(Action)).scalar_one()),
            int(one(select(func.count()).select_from(ActionNotice)).scalar_one()),
            int(one(audited).scalar_one()),
        )

    return await bot.store.read(read)


async def test_a_lead_records_an_action_and_tells_the_raiser_once(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url)) as bot:
        await widget_item_about(bot, "The printer on level 2 jams every day", TOPIC)
        lead = await add_staff(bot.store, "lee@lib.example.ac.uk", role="lead")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "lee@lib.example.ac.uk")
            page = (await http.get(VIEW)).text
            token = csrf_of(page)
            form = {"csrftoken": token, **FORM, "notify": "1"}
            first = await http.post("/inbox/actions", data=form)
            again = await http.post("/inbox/actions", data=form)
            shown = (await http.get(first.headers["location"])).text
        audit = await bot.store.read(
            lambda c: c.execute(
                select(AuditEntry.actor, AuditEntry.subject, AuditEntry.detail).where(
                    AuditEntry.action == "you_said.add"
                )
            ).all()
        )
        counts = await _counts(bot)
        public = (await httpx.AsyncClient(base_url=bot.url).get("/widget/you-said-we-did")).text
    assert 'action="/inbox/actions"' in page and "You said, we did: Printing and scanning" in page
    assert first.status_code == 303 and again.status_code == 303
    assert first.headers["location"].endswith("&told=1")
    assert again.headers["location"].endswith("&told=0")  # the same action: nobody told twice
    assert counts == (1, 1, 2)  # one action, one notice, both posts audited
    assert {(a, s) for a, s, _ in audit} == {(f"staff:{lead.id}", "action:1")}
    assert audit[0][2] == {"topic": TOPIC, "outcome": "did"}
    assert "Action 1 recorded" in shown and "1 person was told" in shown
    assert "We replaced both printers on level 2" in public
    assert "<b>jams</b>" not in public and "&lt;b&gt;jams&lt;/b&gt;" in public


async def test_no_csrf_token_no_role_or_bad_fields_change_nothing(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        await add_staff(bot.store, "ann@lib.example.ac.uk", role="agent")
        await add_staff(bot.store, "lee@lib.example.ac.uk", role="lead")
        async with (
            httpx.AsyncClient(base_url=bot.url) as agent,
            httpx.AsyncClient(base_url=bot.url) as lead,
        ):
            await log_in(agent, "ann@lib.example.ac.uk")
            await log_in(lead, "lee@lib.example.ac.uk")
            agent_page = (await agent.get(VIEW)).text
            agent_token = csrf_of(agent_page)
            as_agent = await agent.post("/inbox/actions", data={"csrftoken": agent_token, **FORM})
            agent_bad = await agent.post(
                "/inbox/actions", data={"csrftoken": agent_token, **FORM, "outcome": "x"}
            )
            no_token = await lead.post("/inbox/actions", data=FORM)
            token = csrf_of((await lead.get(VIEW)).text)
            bad = [
                await lead.post("/inbox/actions", data={"csrftoken": token, **FORM, **change})
                for change in (
                    {"topic": "pizza"},
                    {"said": " "},
                    {"outcome": "cannot", "why": ""},
                    {"outcome": "maybe"},
                    {"since": "last tuesday"},
                )
            ]
            queue_only = (await lead.get("/inbox/")).text
        counts = await _counts(bot)
    assert 'action="/inbox/actions"' not in agent_page  # agents do not see the form
    assert as_agent.status_code == 403
    assert "an agent cannot record what the library did" in as_agent.text
    assert agent_bad.status_code == 403  # the role is checked before the form
    assert no_token.status_code == 403 and "This form has expired" in no_token.text
    assert [r.status_code for r in bad] == [400] * 5
    assert (
        "unknown topic &#39;pizza&#39;" in bad[0].text
        and "say why we cannot change it" in bad[2].text
    )
    assert 'action="/inbox/actions"' not in queue_only  # only on a topic's view
    assert counts == (0, 0, 0)


async def test_every_topic_is_in_the_filter_so_a_lead_reaches_its_view_with_no_open_items(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        await add_staff(bot.store, "lead@lib.example.ac.uk", role="lead")
        async with httpx.AsyncClient(base_url=bot.url) as lead:
            await log_in(lead, "lead@lib.example.ac.uk")
            queue = (await lead.get("/inbox/")).text
            view = (await lead.get(VIEW)).text
    assert f'<option value="{TOPIC}" >Printing and scanning (0)</option>' in queue
    assert 'action="/inbox/actions"' in view


async def test_the_form_by_keyboard_alone_passes_axe(
    sqlite_url: str, make_settings: Callable[..., Settings], browser: Any, axe: Axe, tmp_path: Path
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        await widget_item_about(bot, "The scanner on level 1 is broken again", TOPIC)
        await add_staff(bot.store, "lee@lib.example.ac.uk", role="lead")
        context = await browser.new_context(viewport=DESKTOP, bypass_csp=True)  # axe is injected
        page = await context.new_page()
        await keyboard_login(page, bot.url, "lee@lib.example.ac.uk")
        await page.goto(bot.url + VIEW)
        await axe(page)
        await tab_to(page, "ys-said", most=150)
        outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        await page.keyboard.type("The scanner on level 1 keeps breaking")
        await page.keyboard.press("Tab")  # the outcome radios: "we did" is chosen
        await page.keyboard.press("ArrowDown")  # "we cannot change it"
        await page.keyboard.press("Tab")
        await page.keyboard.type("We cannot buy a new scanner this year")
        await page.keyboard.press("Tab")
        await page.keyboard.type("The equipment budget is spent until April")
        await tab_to(page, "ys-notify", most=10)  # past the date's fields, left empty
        await page.keyboard.press("Space")
        await page.keyboard.press("Tab")
        assert await page.evaluate("document.activeElement.textContent") == "Record the action"
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        status = await page.inner_text(".you-said [role=status]")
        await axe(page)
        await shoot(page, tmp_path, "you-said-form")
        await context.close()
        [action] = await bot.store.actions.latest()
    assert outline != "none"
    assert "Action 1 recorded" in status and "1 person was told" in status
    assert (action.outcome, action.did, action.why) == (
        "cannot",
        "We cannot buy a new scanner this year",
        "The equipment budget is spent until April",
    )
