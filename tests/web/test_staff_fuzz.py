"""Property: whatever query string, form values and path ids a logged-in admin sends to any
staff page or action (over real HTTP, to `python -m bot run` on SQLite and on PostgreSQL), the
answer is never a 5xx and the bot logs no traceback."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers.staff.passwords import Passwords
from models.store import Store
from models.store.inbox.types import STATUSES, QueueFilter
from tests.fakes.process import bot_env, bot_process, free_port
from tests.fakes.waiting import wait_until
from tests.support.databases import drop_pg_database, empty_pg_database

PASSWORD = "a long enough fuzz password"
ADMIN = "fuzz@lib.example.ac.uk"
ROUTES = (
    ("GET", "/inbox/"), ("GET", "/inbox/items/{id}"), ("GET", "/inbox/items/{id}/erase"),
    ("GET", "/inbox/audit"), ("GET", "/inbox/staff"), ("GET", "/inbox/canned"),
    ("GET", "/digests/{week}"), ("GET", "/digests/{week}/topics.png"),
    *(("POST", f"/inbox/items/{{id}}/{a}") for a in (
        "claim", "unclaim", "assign", "priority", "reply", "note", "relabel", "snooze",
        "resolve", "reopen", "retry", "export", "erase", "move", "split",
    )),
    ("POST", "/inbox/bulk"), ("POST", "/inbox/seen"), ("POST", "/inbox/staff/{id}/disable"),
    ("POST", "/inbox/staff/add"), ("POST", "/inbox/staff/{id}/change"),
    ("POST", "/inbox/staff/{id}/enable"), ("POST", "/inbox/staff/{id}/password"),
    ("POST", "/inbox/canned/save"), ("POST", "/inbox/canned/delete"), ("POST", "/inbox/actions"),
    ("GET", "/inbox/polls"), ("GET", "/inbox/polls/new"), ("POST", "/inbox/polls/new"),
    ("GET", "/inbox/polls/known"), ("GET", "/inbox/polls/related"),
    ("GET", "/inbox/sends/new"), ("POST", "/inbox/sends/preview"), ("POST", "/inbox/sends"),
)  # fmt: skip
KEYS = (
    "page", "view", "status", "team", "channel", "topic", "sentiment", "priority", "overdue",
    "new", "created", "responded", "resolved", "before", "canned", "done", "recorded", "told",
    "actor", "action", "subject", "text", "hours", "entry_id", "staff_id", "field", "value",
    "ids", "back", "confirm", "name", "said", "answer", "why", "outcome", "since", "notify",
    "email", "role", "password", "message_ids", "question", "kind", "options", "to",
    "chat_slack", "follow_up", "opens_at", "closes_at", "anonymous", "post_results",
    "even_in_quiet", "check", "poll",
    "email", "role", "password", "message_ids", "group", "sample", "silent_since",
    "panel", "sent",
)  # fmt: skip
NUMBERISH = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.text("0123456789²\u0663\u0661", min_size=1, max_size=25),
    st.integers(1, 6000).map(lambda n: "9" * n),
    st.sampled_from(["2147483647", "2147483648", "0", "", "1e3", "0x1f", " 4", "NaN"]),
)
WEEKISH = st.one_of(
    st.from_regex(r"[0-9]{4}-W[0-9]{2}", fullmatch=True),
    st.sampled_from(["0001-W01", "9999-W52", "٢٠٢٦-W01", "2026-W48x"]),
)
VALUES = st.one_of(
    NUMBERISH, WEEKISH, st.text(st.characters(codec="utf-8"), max_size=60), st.just("erase")
)


@dataclass(frozen=True)
class Site:
    """A running bot with a logged-in admin's client, its CSRF token, and ids to aim at."""

    http: httpx.Client
    token: str
    items: tuple[int, ...]
    victim: int
    admin: int
    log: Path


def _write_in(http: httpx.Client) -> None:
    """Three people ask a question on the widget (each becomes a queue item)."""
    for n in range(3):
        session = http.post("/widget/api/sessions", json={}).json()["session"]
        body = {"session": session, "client_id": f"fuzz-item-{n:04d}", "text": f"Q {n}?"}
        assert http.post("/widget/api/messages", json=body).status_code == 202


async def _seed(db_url: str) -> tuple[tuple[int, ...], int, int]:
    """A victim account, then the admin; the queue items' ids once they are queued."""
    hashed = await Passwords().hash(PASSWORD)
    async with Store.open(db_url) as store:
        made = [
            await store.staff.add(
                email=email, name="Fuzz", role=role, team="", password_hash=hashed, actor="test"
            )
            for email, role in (("victim@lib.example.ac.uk", "agent"), (ADMIN, "admin"))
        ]
        found: list[int] = []

        async def queued() -> bool:
            rows = await store.inbox.listing(filter=QueueFilter(statuses=STATUSES), limit=50)
            found[:] = [r.id for r in rows]
            return len(found) >= 3

        await wait_until(queued, what="three queue items")
    return tuple(found), made[0].id, made[1].id


def _log_in(http: httpx.Client) -> str:
    token = re.search(r'name="csrftoken" value="([^"]+)"', http.get("/inbox/login").text)
    assert token
    form = {"csrftoken": token[1], "email": ADMIN, "password": PASSWORD, "next": ""}
    assert http.post("/inbox/login", data=form).status_code == 303
    found = re.search(r'name="csrftoken" value="([^"]+)"', http.get("/inbox/").text)
    assert found, "not logged in"
    return found[1]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """One bot process per backend for every example."""
    tmp = tmp_path_factory.mktemp(f"staff-fuzz-{request.param}")
    db_url, name = f"sqlite+aiosqlite:///{tmp / 'feedbot.db'}", ""
    if request.param == "postgresql":
        name, db_url = asyncio.run(empty_pg_database())
    port = free_port()
    env = bot_env(
        state_dir=str(tmp / "var"),
        http_port=str(port),
        classifier="off",
        database_url=db_url,
        widget_new_session_rate="1000",
    )
    try:
        with (
            bot_process(env, tmp / "bot.log"),
            httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http,
        ):
            _write_in(http)
            items, victim, admin = asyncio.run(_seed(db_url))
            yield Site(http, _log_in(http), items, victim, admin, tmp / "bot.log")
    finally:
        if name:
            asyncio.run(drop_pg_database(name))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    route=st.sampled_from(ROUTES),
    query=st.lists(st.tuples(st.sampled_from(KEYS), VALUES), max_size=4),
    form=st.lists(st.tuples(st.sampled_from(KEYS), VALUES), max_size=5),
    path_id=st.one_of(st.sampled_from(["real", "victim"]), NUMBERISH.filter(bool)),
    week=WEEKISH,
    with_token=st.booleans(),
)
def test_no_staff_page_answers_5xx_whatever_it_is_sent(
    site: Site,
    route: tuple[str, str],
    query: list[tuple[str, str]],
    form: list[tuple[str, str]],
    path_id: str,
    week: str,
    with_token: bool,
) -> None:
    method, template = route
    ids = {"real": str(site.items[0]), "victim": str(site.victim)}
    target = ids.get(path_id, path_id)
    if template.startswith("/inbox/staff/") and target == str(site.admin):
        target = str(site.victim)  # the fuzz's own session must live on
    path = template.replace("{id}", quote(target, safe="")).replace("{week}", quote(week))
    body = urlencode(form + ([("csrftoken", site.token)] if with_token else []))
    answer = site.http.request(
        method,
        path + ("?" + urlencode(query) if query else ""),
        content=body.encode() if method == "POST" else None,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code < 500, (method, path[:80], query, form, answer.text[:300])
    assert "Traceback" not in site.log.read_text(errors="replace")
