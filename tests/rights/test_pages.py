"""The admin data-rights pages as the staff side serves them, over real HTTP through its
session gate and CSRF check: the audit log (filtered, paged), the item page's export download
and the erase action with its typed confirmation. Refused, on the server, to agents and leads,
and to any post without the page's CSRF token; each export and erasure is audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import select

from config.settings import Settings
from models.store.jobs.cursors import audit
from models.store.tables import AuditEntry
from tests.fakes.running import RunningBot, running_bot
from tests.support import scan
from tests.support.staff import add_staff, csrf_of, log_in, widget_item

TEXT = "RIGHTSPAGE my library card number is 99887766, please delete me"


async def rights_audit(bot: RunningBot) -> list[tuple[str, str, str, dict[str, Any]]]:
    """The export and erasure entries of the audit log, oldest first."""
    query = (
        select(AuditEntry.actor, AuditEntry.action, AuditEntry.subject, AuditEntry.detail)
        .where(AuditEntry.action.in_(["export_person", "erase_person"]))
        .order_by(AuditEntry.id)
    )
    return await bot.store.read(lambda c: [tuple(r) for r in c.execute(query)])


async def held(bot: RunningBot) -> bool:
    """Whether the person's text is anywhere in the database."""
    return bool(await bot.store.read(scan.find, (TEXT,)))


async def test_agents_and_leads_are_refused_on_the_server(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url)) as bot:
        item = await widget_item(bot, TEXT)
        for role in ("agent", "lead"):
            await add_staff(bot.store, f"{role}@lib.example.ac.uk", role=role)
            async with httpx.AsyncClient(base_url=bot.url) as http:
                await log_in(http, f"{role}@lib.example.ac.uk")
                page = await http.get(f"/inbox/items/{item}")
                token = csrf_of(page.text)
                answers = [
                    await http.get("/inbox/audit"),
                    await http.post(f"/inbox/items/{item}/export", data={"csrftoken": token}),
                    await http.get(f"/inbox/items/{item}/erase"),
                    await http.post(
                        f"/inbox/items/{item}/erase", data={"csrftoken": token, "confirm": "erase"}
                    ),
                ]
            assert "Export their data" not in page.text and "Audit log" not in page.text
            for answer in answers:
                assert answer.status_code == 403, (role, answer.request.url)
                assert "Only inbox administrators" in answer.text
        assert await held(bot) and await rights_audit(bot) == []


async def test_posts_without_the_page_token_are_refused_and_change_nothing(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        item = await widget_item(bot, TEXT)
        await add_staff(bot.store, "admin@lib.example.ac.uk", role="admin")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "admin@lib.example.ac.uk")
            for path in (f"/inbox/items/{item}/export", f"/inbox/items/{item}/erase"):
                missing = await http.post(path, data={"confirm": "erase"})
                forged = await http.post(path, data={"confirm": "erase", "csrftoken": "x.y"})
                assert (missing.status_code, forged.status_code) == (403, 403), path
                assert "This form has expired" in missing.text
        assert await held(bot) and await rights_audit(bot) == []


async def test_an_admin_exports_then_erases_once_and_both_are_audited(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url)) as bot:
        item = await widget_item(bot, TEXT)
        admin = await add_staff(bot.store, "admin@lib.example.ac.uk", role="admin")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, admin.email)
            page = await http.get(f"/inbox/items/{item}")
            token = csrf_of(page.text)
            got = await http.post(f"/inbox/items/{item}/export", data={"csrftoken": token})
            confirm = await http.get(f"/inbox/items/{item}/erase")
            wrong = await http.post(
                f"/inbox/items/{item}/erase", data={"csrftoken": token, "confirm": "yes"}
            )
            still_held = await held(bot)
            done = await http.post(
                f"/inbox/items/{item}/erase", data={"csrftoken": token, "confirm": " Erase "}
            )
            again = await http.post(
                f"/inbox/items/{item}/erase", data={"csrftoken": token, "confirm": "erase"}
            )
            after = await http.post(f"/inbox/items/{item}/export", data={"csrftoken": token})
        entries = await rights_audit(bot)
        gone = not await held(bot)
    assert "Export their data (JSON)" in page.text and 'href="/inbox/audit"' in page.text
    assert got.status_code == 200 and got.headers["cache-control"] == "no-store"
    assert got.headers["content-disposition"] == f'attachment; filename="person-item-{item}.json"'
    doc = got.json()
    assert TEXT in {m["text"] for m in doc["messages"]} and doc["summary"]
    assert confirm.status_code == 200 and 'name="confirm"' in confirm.text
    assert wrong.status_code == 400 and "Nothing was erased" in wrong.text and still_held
    assert done.status_code == 200 and "<h1>Erased</h1>" in done.text and "messages" in done.text
    assert again.status_code == 200 and "Nothing to erase" in again.text
    assert gone and TEXT not in after.text
    person, name = doc["person_id"], doc["person"]  # the queue's short pseudonym
    actor = f"staff:{admin.id}"
    assert len(name) == 8 and entries == [
        (actor, "export_person", f"person:{person}", {"person": name}),
        (actor, "erase_person", f"person:{person}", {"held": True, "person": name}),
        (actor, "erase_person", "", {"held": False}),
        (actor, "export_person", f"person:{person}", {"person": ""}),  # erased: no name left
    ]


async def test_the_audit_log_filters_and_pages(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        admin = await add_staff(bot.store, "admin@lib.example.ac.uk", role="admin")

        def fill(conn: Any) -> None:
            for n in range(1, 71):
                action = "reply" if n % 2 else "resolve"
                audit(conn, actor=f"staff:{n % 3}", action=action, subject=f"item:{n}", detail={})

        await bot.store._db.write(fill)
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, admin.email)
            first = await http.get("/inbox/audit")
            older = await http.get(f"/inbox/audit?before={_older(first.text)}")
            replies = await http.get("/inbox/audit", params={"action": "reply", "actor": "staff:1"})
            prefix = await http.get("/inbox/audit", params={"subject": "item:7*"})
            exact = await http.get("/inbox/audit", params={"subject": "item:7"})
            odd = await http.get("/inbox/audit", params={"before": "²", "actor": "<b>x</b>"})
    assert first.status_code == 200 and first.headers["cache-control"] == "no-store"
    assert first.text.count("<tr><td>") == 50 and "item:70<" in first.text
    assert "item:20<" not in first.text and "Newest entries</a>" not in first.text
    assert "item:20<" in older.text and "item:70<" not in older.text
    assert "Newest entries</a>" in older.text and "Older entries</a>" not in older.text
    rows = replies.text.count("<tr><td>")
    assert (
        rows == len([n for n in range(1, 71) if n % 2 and n % 3 == 1])
        and "resolve<" not in replies.text
    )
    assert prefix.text.count("<tr><td>") == 2 and exact.text.count("<tr><td>") == 1
    named = f'{admin.name} <span class="hint">(staff:{admin.id})</span>'
    assert named in first.text  # staff are named; ids without a member stay as they are
    assert (
        odd.status_code == 200 and "&lt;b&gt;x&lt;/b&gt;" in odd.text and "No entries" in odd.text
    )


def _older(html: str) -> str:
    start = html.index("before=") + len("before=")
    return html[start : html.index('"', start)]


async def test_the_item_page_says_whether_the_person_opted_out(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        item = await widget_item(bot, TEXT)
        await add_staff(bot.store, "agent@lib.example.ac.uk")
        view = await bot.store.inbox.item(item_id=item)
        assert view is not None
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "agent@lib.example.ac.uk")
            before = await http.get(f"/inbox/items/{item}")
            await bot.store.opt_outs.choose(contact_id=view.contact_id, opted_out=True)
            after = await http.get(f"/inbox/items/{item}")
    assert "<dt>Opted out</dt><dd>No</dd>" in before.text
    assert "<dt>Opted out</dt><dd>Yes: said “stop”" in after.text
