"""/inbox/sends/new: a lead builds an audience, sees the dry run's counts and sends (audited);
an agent, a post without its CSRF token and bad fields change nothing; the page works by
keyboard alone, passes axe and fits a 390 px phone."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import yaml
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from bot.events import utcnow
from config.settings import Settings
from models.store.reach.tables import TargetedSend
from models.store.tables import AuditEntry
from tests.fakes.running import RunningBot, running_bot
from tests.support.browser import Axe
from tests.support.browser_staff import keyboard_login, shoot, tab_to
from tests.support.staff import add_staff, csrf_of, log_in, widget_item_about

TOPIC = "printing_and_scanning"
FORM = {"text": "We fixed the level 2 printer", "topic": TOPIC, "sample": "100"}
PHONE = {"width": 390, "height": 844}


async def _sends(bot: RunningBot) -> tuple[int, int]:
    def read(conn: Connection) -> tuple[int, int]:
        sent = conn.execute(select(func.count()).select_from(TargetedSend)).scalar_one()
        audited = select(func.count()).where(AuditEntry.action == "send")
        return int(sent), int(conn.execute(audited).scalar_one())

    return await bot.store.read(read)


async def test_a_lead_counts_then_sends_once_audited(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url, poll_quiet_hours="")) as bot:
        await widget_item_about(bot, "The printer on level 2 jams every day", TOPIC)
        lead = await add_staff(bot.store, "lee@lib.example.ac.uk", role="lead")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "lee@lib.example.ac.uk")
            page = (await http.get("/inbox/sends/new")).text
            token = csrf_of(page)
            dry = await http.post("/inbox/sends/preview", data={"csrftoken": token, **FORM})
            before = await _sends(bot)
            sent = await http.post("/inbox/sends", data={"csrftoken": token, **FORM})
            shown = (await http.get(sent.headers["location"])).text
        audit = await bot.store.read(
            lambda c: c.execute(select(AuditEntry.actor).where(AuditEntry.action == "send")).all()
        )
    assert 'action="/inbox/sends/preview"' in page
    assert dry.status_code == 200 and "1 person: 1 on widget." in dry.text
    assert "Left out, opted out: 0" in dry.text
    assert before == (0, 0)  # the dry run sends nothing
    assert sent.status_code == 303 and sent.headers["location"].endswith("sent=1")
    assert "Send 1 is on its way: 1 person told" in shown
    assert [a for (a,) in audit] == [f"staff:{lead.id}"]


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
            agent_page = await agent.get("/inbox/sends/new")
            agent_token = csrf_of((await agent.get("/inbox/")).text)
            as_agent = await agent.post("/inbox/sends", data={"csrftoken": agent_token, **FORM})
            no_token = await lead.post("/inbox/sends", data=FORM)
            token = csrf_of((await lead.get("/inbox/sends/new")).text)
            bad = [
                await lead.post("/inbox/sends", data={"csrftoken": token, **FORM, **change})
                for change in (
                    {"topic": "pizza"},
                    {"text": ""},
                    {"poll": "12", "text": ""},
                    {"sample": "0"},
                    {"since": "last tuesday"},
                    {"group": "wizards"},
                )
            ]
        counts = await _sends(bot)
    assert agent_page.status_code == 403 and as_agent.status_code == 403
    assert "an agent cannot send" in as_agent.text
    assert no_token.status_code == 403
    assert [r.status_code for r in bad] == [400] * 6
    assert "unknown topic &#39;pizza&#39;" in bad[0].text and "no poll 12" in bad[2].text
    assert counts == (0, 0)


async def test_the_page_by_keyboard_on_a_phone_passes_axe(
    sqlite_url: str, make_settings: Callable[..., Settings], browser: Any, axe: Axe, tmp_path: Path
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url, poll_quiet_hours="")) as bot:
        await widget_item_about(bot, "The scanner printer on level 1 is broken again", TOPIC)
        await add_staff(bot.store, "lee@lib.example.ac.uk", role="lead")
        context = await browser.new_context(viewport=PHONE, bypass_csp=True)
        page = await context.new_page()
        await keyboard_login(page, bot.url, "lee@lib.example.ac.uk")
        await page.goto(bot.url + "/inbox/sends/new")
        await axe(page)
        await tab_to(page, "send-text", most=200)
        await page.keyboard.type("We fixed the scanner")
        await tab_to(page, f"t-{TOPIC}", most=200)
        await page.keyboard.press("Space")
        async with page.expect_navigation():
            await page.keyboard.press("Enter")  # submits the form: the count
        counted = await page.inner_text("#dry-heading + p")
        await axe(page)
        wide = await page.evaluate("document.documentElement.scrollWidth")
        await shoot(page, tmp_path, "sends-dry-run-phone")
        await tab_to(page, "send-text", most=400)  # the text was kept
        kept = await page.evaluate("document.activeElement.value")
        await context.close()
    assert counted == "1 person: 1 on widget."
    assert kept == "We fixed the scanner"
    assert wide <= PHONE["width"]


def _shipped_config(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    """The shipped config, changed by ``change``, written under ``tmp_path``."""
    root = Path(__file__).resolve().parents[2]
    data = yaml.safe_load((root / "config" / "feedbot.yaml").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "feedbot.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _config_in_exams(tmp_path: Path) -> Path:
    """The shipped config with exams from yesterday to tomorrow."""
    today = utcnow().date()
    period = {"name": "Winter exams", "kind": "exams"}
    period |= {"start": today - timedelta(days=1), "end": today + timedelta(days=1)}
    return _shipped_config(tmp_path, lambda data: data["calendar"].update(periods=[period]))


def _label_research(data: dict[str, Any]) -> None:
    data["customer_groups"]["groups"]["postgraduate_research"]["label"] = "PhD and MPhil students"


async def test_the_dry_run_shows_a_send_waiting_out_exams_unless_told(
    sqlite_url: str, make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    settings = make_settings(
        database_url=sqlite_url, poll_quiet_hours="", config_file=_config_in_exams(tmp_path)
    )
    async with running_bot(settings) as bot:
        await widget_item_about(bot, "The printer on level 2 jams every day", TOPIC)
        await add_staff(bot.store, "lee@lib.example.ac.uk", role="lead")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "lee@lib.example.ac.uk")
            page = (await http.get("/inbox/sends/new")).text
            token = csrf_of(page)
            waits = await http.post("/inbox/sends/preview", data={"csrftoken": token, **FORM})
            told = {"csrftoken": token, **FORM, "even_in_quiet": "1"}
            now = await http.post("/inbox/sends/preview", data=told)
    assert 'name="even_in_quiet"' in page
    assert waits.status_code == 200 and "waits out the quiet period “Winter exams”" in waits.text
    assert now.status_code == 200 and "Winter exams" not in now.text
    assert 'id="send-even_in_quiet" name="even_in_quiet" value="1" checked' in now.text


async def test_the_groups_read_as_their_configured_labels(
    sqlite_url: str, make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    config = _shipped_config(tmp_path, _label_research)
    settings = make_settings(database_url=sqlite_url, config_file=config)
    async with running_bot(settings) as bot:
        await add_staff(bot.store, "lee@lib.example.ac.uk", role="lead")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "lee@lib.example.ac.uk")
            page = (await http.get("/inbox/sends/new")).text
    labels = dict(re.findall(r'<label for="g-(\w+)" class="inline-label">([^<]*)</label>', page))
    assert labels["postgraduate_research"] == "PhD and MPhil students"
    assert labels["fe_partner"] == "further education partners"  # as the shipped config has it
    assert labels["academic_staff"] == "academic staff"  # no label: its name in words
