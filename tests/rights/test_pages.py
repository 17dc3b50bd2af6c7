"""The admin pages staffweb mounts: the audit log with filters, the item's export download and
the erase action with its typed confirmation; refused to anyone but an admin. (The session gate
and CSRF are staffweb's: here the logged-in staff member comes from a header.)"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jinja2
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from bot.web.rights_pages import RightsPages, routes
from models.store import Store
from models.store.migrate import upgrade_async
from tests.rights import scan
from tests.rights.world import NEEDLES, TEXTS, build

TEMPLATES = Path(__file__).resolve().parents[2] / "bot" / "web" / "templates"
STAFF_SIDE = {  # stand-ins for staffweb's layout and error page
    "inbox/base.html": "<title>{% block title %}{% endblock %}</title>"
    "{% block main %}{% endblock %}",
    "inbox/error.html": "<h1>{{ title }}</h1><p>{{ message }}</p>",
}


@dataclass(frozen=True)
class Staff:
    role: str
    actor: str


def staff_of(request: Request) -> Staff:
    role = request.headers.get("x-role", "agent")
    return Staff(role=role, actor="staff:1")


@pytest.fixture
async def site(db_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, Store, Any]]:
    await upgrade_async(db_url)
    loader = jinja2.ChoiceLoader(
        [jinja2.DictLoader(STAFF_SIDE), jinja2.FileSystemLoader(TEMPLATES)]
    )
    templates = Jinja2Templates(env=jinja2.Environment(loader=loader, autoescape=True))

    def render(request: Request, name: str, context: dict[str, Any], status: int) -> Response:
        return templates.TemplateResponse(request, name, context, status)

    async with Store.open(db_url, pseudonym_key=b"k" * 32) as store:
        world = await build(store)
        app = Starlette(routes=routes(RightsPages(store, staff_of, render)))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield client, store, world


ADMIN = {"x-role": "admin"}


async def test_only_admins_get_the_pages(site: Any) -> None:
    client, _, world = site
    for call in (
        client.get("/inbox/audit", headers={"x-role": "lead"}),
        client.get(f"/inbox/items/{world.item_id}/export"),
        client.post(f"/inbox/items/{world.item_id}/erase", data={"confirm": "erase"}),
    ):
        answer = await call
        assert answer.status_code == 403 and "Only inbox administrators" in answer.text


async def test_the_audit_log_lists_and_filters(site: Any) -> None:
    client, _, _ = site
    page = await client.get("/inbox/audit", headers=ADMIN)
    assert page.status_code == 200 and "link_contacts" in page.text and "resolve" in page.text
    narrowed = await client.get("/inbox/audit?action=reply", headers=ADMIN)
    assert "resolve" not in narrowed.text and ">reply<" in narrowed.text
    assert page.headers["cache-control"] == "no-store"


async def test_export_downloads_and_erase_needs_the_word(site: Any) -> None:
    client, store, world = site
    got = await client.get(f"/inbox/items/{world.item_id}/export", headers=ADMIN)
    assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
    assert TEXTS[0] in {m["text"] for m in got.json()["messages"]}
    refused = await client.post(
        f"/inbox/items/{world.item_id}/erase", data={"confirm": "yes"}, headers=ADMIN
    )
    assert refused.status_code == 400 and await store.read(scan.find, NEEDLES) != []
    done = await client.post(
        f"/inbox/items/{world.item_id}/erase", data={"confirm": "erase"}, headers=ADMIN
    )
    assert (done.status_code, done.headers["location"]) == (
        303,
        f"/inbox/items/{world.item_id}?done=erased",
    )
    assert await store.read(scan.find, NEEDLES) == []
    after = await client.get(f"/inbox/items/{world.item_id}/export", headers=ADMIN)
    assert after.status_code == 200 and not [n for n in NEEDLES if n in after.text]
