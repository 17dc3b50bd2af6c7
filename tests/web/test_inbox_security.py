"""The inbox's locks: no session, no page; no CSRF token, no change; no role, no action;
and whatever people wrote is shown as text, never run as markup."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from starlette.routing import Route

from bot.adapters.widget import WidgetAdapter
from bot.events import Channel
from config.settings import Settings
from models.store.inbox.tables import InboxEntry, InboxItem
from models.store.tables import AuditEntry
from tests.fakes.adapter import RecordingAdapter
from tests.fakes.running import RunningBot, running_bot
from tests.support.staff import add_staff, csrf_of, log_in, platform_item, widget_item

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def staff_routes(bot: RunningBot) -> list[tuple[str, str]]:
    """(method, concrete path) for every /inbox and /digests route but the login page."""
    found = []
    for route in bot.app.web.routes:
        if not isinstance(route, Route) or not route.path.startswith(("/inbox", "/digests")):
            continue
        path = re.sub(r"\{item_id[^}]*\}|\{staff_id[^}]*\}", "1", route.path)
        path = re.sub(r"\{action[^}]*\}", "claim", path)
        path = re.sub(r"\{[^}]+\}", "2026-W01", path)
        for method in sorted((route.methods or set()) - {"HEAD"}):
            if path != "/inbox/login":
                found.append((method, path))
    return [*found, ("GET", "/inbox/no-such-page"), ("GET", "/digests/")]


async def _state(bot: RunningBot) -> tuple[Any, ...]:
    """Everything an action could change."""

    def read(conn: Any) -> tuple[Any, ...]:
        items = conn.execute(select(InboxItem.status, InboxItem.assignee_id, InboxItem.priority))
        entries = conn.execute(select(func.count()).select_from(InboxEntry)).scalar_one()
        audit = conn.execute(
            select(AuditEntry.action)
            .where(AuditEntry.actor.like("staff:%"))
            .order_by(AuditEntry.id)
        )
        return (sorted(items.all()), entries, [a for (a,) in audit.all()])

    return await bot.store.read(read)


async def test_every_staff_route_without_a_session_goes_to_login_or_401(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        await widget_item(bot, "Where can I print?")
        before = await _state(bot)
        routes = staff_routes(bot)
        async with httpx.AsyncClient(base_url=bot.url) as http:
            html = [(m, p, await http.request(m, p, data={"text": "x"})) for m, p in routes]
            json = [
                (m, p, await http.request(m, p, headers={"accept": "application/json"}))
                for m, p in routes
            ]
        after = await _state(bot)
    assert len(routes) >= 8  # queue, item, actions, bulk, seen, staff, logout …
    for method, path, answer in html:
        assert answer.status_code == 303, (method, path, answer.status_code)
        assert answer.headers["location"].startswith("/inbox/login"), (method, path)
    for _method, path, answer in json:
        assert (answer.status_code, answer.json()) == (401, {"error": "log in first"}), path
    assert after == before


@pytest.mark.parametrize(
    "action, fields",
    [
        ("claim", {}),
        ("reply", {"text": "hello"}),
        ("note", {"text": "psst"}),
        ("priority", {"priority": "urgent"}),
        ("resolve", {}),
        ("assign", {"team": "estates"}),
        ("snooze", {"hours": "1"}),
    ],
)
async def test_an_action_without_a_valid_csrf_token_is_403_and_changes_nothing(
    sqlite_url: str, make_settings: Callable[..., Settings], action: str, fields: dict[str, str]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        item = await widget_item(bot, "The printer ate my card")
        await add_staff(bot.store, "lead@lib.example.ac.uk", role="lead")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "lead@lib.example.ac.uk")
            before = await _state(bot)
            path = f"/inbox/items/{item}/{action}"
            missing = await http.post(path, data=fields)
            forged = await http.post(path, data={**fields, "csrftoken": "forged.token"})
            as_json = await http.post(path, json=fields)
            after = await _state(bot)
            token = csrf_of((await http.get(f"/inbox/items/{item}")).text)
            works = await http.post(path, data={**fields, "csrftoken": token})
    assert (missing.status_code, forged.status_code, as_json.status_code) == (403, 403, 403)
    assert after == before
    assert works.status_code == 303  # the same post with the page's token is done


async def test_an_agent_cannot_do_lead_or_admin_actions(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url)) as bot:
        item = await widget_item(bot, "Card reader broken")
        agent = await add_staff(bot.store, "agent@lib.example.ac.uk")
        lead = await add_staff(bot.store, "lead@lib.example.ac.uk", role="lead")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, agent.email)
            page = await http.get(f"/inbox/items/{item}")
            token = csrf_of(page.text)
            before = await _state(bot)
            assign = await http.post(
                f"/inbox/items/{item}/assign", data={"csrftoken": token, "staff_id": str(lead.id)}
            )
            bulk = await http.post(
                "/inbox/bulk",
                data={"csrftoken": token, "action": "assign", "ids": str(item), "staff_id": "1"},
            )
            staff_page = await http.get("/inbox/staff")
            disable = await http.post(f"/inbox/staff/{lead.id}/disable", data={"csrftoken": token})
            canned = await http.post(
                "/inbox/canned/save", data={"csrftoken": token, "name": "x", "text": "y"}
            )
            after = await _state(bot)
        lead_now = await bot.store.staff.get(staff_id=lead.id)
    assert "Assign to a person" not in page.text  # not offered …
    refused = (assign, bulk, staff_page, disable, canned)
    assert [r.status_code for r in refused] == [403] * 5  # … nor done
    assert after == before and not lead_now.disabled


async def test_stored_html_is_shown_as_text_on_every_inbox_page(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        item = await widget_item(bot, EVIL)
        await add_staff(bot.store, "ann@lib.example.ac.uk", role="admin", name=EVIL)
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "ann@lib.example.ac.uk")
            token = csrf_of((await http.get(f"/inbox/items/{item}")).text)
            for action in ("reply", "note"):
                await http.post(
                    f"/inbox/items/{item}/{action}", data={"csrftoken": token, "text": EVIL}
                )
            pages = {
                path: (await http.get(path, headers=headers)).text
                for path, headers in [
                    ("/inbox/", {}),
                    ("/inbox/", {"x-fragment": "queue"}),
                    (f"/inbox/items/{item}", {}),
                    ("/inbox/staff", {}),
                    ("/inbox/?team=" + EVIL, {}),
                ]
            }
    for path, html in pages.items():
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;" in html or path.startswith("/inbox/?team"), path
    assert pages[f"/inbox/items/{item}"].count("&lt;script&gt;alert") >= 3  # message, reply, note


async def test_text_direction_controls_in_a_message_are_shown_not_obeyed(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    spoof = "my receipt is here: invoice\u202egpj.exe please refund"
    telegram = RecordingAdapter(Channel.TELEGRAM)  # a platform delivers what the widget refuses
    settings = make_settings(database_url=sqlite_url)
    async with running_bot(settings, adapters=[WidgetAdapter(), telegram]) as bot:
        item = await platform_item(bot, telegram, spoof)
        await add_staff(bot.store, "ann@lib.example.ac.uk", role="admin")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "ann@lib.example.ac.uk")
            pages = [(await http.get(p)).text for p in ("/inbox/", f"/inbox/items/{item}")]
        stored = [m.text for m in await bot.store.messages.find() if "invoice" in m.text]
    for html in pages:
        assert "\u202e" not in html and "invoice[U+202E]gpj.exe" in html
    assert stored == [spoof]  # the person's words are kept as they wrote them
