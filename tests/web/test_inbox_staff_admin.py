"""An admin manages staff accounts from the staff page: add (a password made up and shown once,
or set by the admin under the CLI's rules), change role and team, disable and enable, set a new
password. Only admins, checked in the use cases; every change audited."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx

from config.settings import Settings
from models.store.rights.audit_list import AuditFilter
from tests.fakes.running import running_bot
from tests.support.staff import PASSWORD, add_staff, csrf_of, log_in

SHOWN = re.compile(r'id="handover-password"[^>]*value="([^"]+)"')


async def test_an_admin_adds_an_account_whose_made_up_password_is_shown_once_and_works(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url)) as bot:
        admin = await add_staff(bot.store, "admin@lib.example.ac.uk", role="admin")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, admin.email)
            token = csrf_of((await http.get("/inbox/staff")).text)
            form = {"csrftoken": token, "email": "Bo@Lib.example.ac.uk", "name": " Bo  Jones "}
            added = await http.post(
                "/inbox/staff/add", data=form | {"role": "lead", "team": "estates", "password": ""}
            )
            again = await http.get("/inbox/staff")
        found = SHOWN.search(added.text)
        # the team selects show each team's name and send its key
        assert '<option value="it_services" >IT services</option>' in again.text
        assert ">it_services<" not in again.text
        assert added.status_code == 200 and found, added.text
        password = found.group(1)
        assert len(password) >= 12 and password not in again.text  # shown once
        assert added.headers["cache-control"] == "no-store"
        async with httpx.AsyncClient(base_url=bot.url) as http:
            assert (await log_in(http, "bo@lib.example.ac.uk", password)).status_code == 303
        bo = await bot.store.staff.credentials(email="bo@lib.example.ac.uk")
        audit = await bot.store.rights.audit_log(filter=AuditFilter(action="staff.add"), limit=5)
    assert bo is not None and (bo[0].name, bo[0].role, bo[0].team) == (
        "Bo Jones",
        "lead",
        "estates",
    )
    mine = [(a.actor, a.subject) for a in audit if a.actor != "test"]  # not the test's own add
    assert mine == [(f"staff:{admin.id}", f"staff:{bo[0].id}")]
    assert password not in str(audit[0].detail)


async def test_an_admin_changes_role_and_team_disables_enables_and_sets_a_password(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url)) as bot:
        admin = await add_staff(bot.store, "admin@lib.example.ac.uk", role="admin")
        cy = await add_staff(bot.store, "cy@lib.example.ac.uk", team="estates")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, admin.email)
            token = csrf_of((await http.get("/inbox/staff")).text)
            base = f"/inbox/staff/{cy.id}"
            changed = await http.post(
                f"{base}/change", data={"csrftoken": token, "role": "lead", "team": "it_services"}
            )
            disabled = await http.post(f"{base}/disable", data={"csrftoken": token})
            enabled = await http.post(f"{base}/enable", data={"csrftoken": token})
            chosen = "a password the admin chose"
            reset = await http.post(
                f"{base}/password", data={"csrftoken": token, "password": chosen}
            )
        async with httpx.AsyncClient(base_url=bot.url) as http:
            assert (await log_in(http, cy.email, PASSWORD)).status_code != 303  # the old one
        async with httpx.AsyncClient(base_url=bot.url) as http:
            assert (await log_in(http, cy.email, chosen)).status_code == 303
        now = await bot.store.staff.get(staff_id=cy.id)
        rows = await bot.store.rights.audit_log(
            filter=AuditFilter(subject=f"staff:{cy.id}"), limit=9
        )
    assert [r.status_code for r in (changed, disabled, enabled)] == [303, 303, 303]
    assert reset.status_code == 200 and "has a new password" in reset.text
    assert 'id="handover-password"' not in reset.text  # the admin chose it: nothing to show
    assert now is not None and (now.role, now.team, now.disabled) == ("lead", "it_services", False)
    actions = [r.action for r in reversed(rows) if r.actor == f"staff:{admin.id}"]
    assert actions == ["staff.change", "staff.disable", "staff.enable", "staff.password"]
    change = next(r for r in rows if r.action == "staff.change")
    assert change.detail == {"role": ["agent", "lead"], "team": ["estates", "it_services"]}


async def test_refusals_change_nothing_and_say_why(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url)) as bot:
        admin = await add_staff(bot.store, "admin@lib.example.ac.uk", role="admin")
        lead = await add_staff(bot.store, "lead@lib.example.ac.uk", role="lead")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, admin.email)
            token = csrf_of((await http.get("/inbox/staff")).text)
            new = {
                "csrftoken": token,
                "email": "dd@lib.example.ac.uk",
                "name": "Dd",
                "role": "agent",
            }
            team = await http.post("/inbox/staff/add", data=new | {"team": "it-services"})
            weak = await http.post("/inbox/staff/add", data=new | {"password": "short"})
            role = await http.post("/inbox/staff/add", data=new | {"role": "boss"})
            taken = await http.post("/inbox/staff/add", data=new | {"email": lead.email})
            myself = await http.post(f"/inbox/staff/{admin.id}/disable", data={"csrftoken": token})
            demote = await http.post(
                f"/inbox/staff/{admin.id}/change", data={"csrftoken": token, "role": "agent"}
            )
            missing = await http.post("/inbox/staff/999999/enable", data={"csrftoken": token})
            no_csrf = await http.post(f"/inbox/staff/{lead.id}/disable", data={})
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, lead.email)
            token = csrf_of((await http.get("/inbox/")).text)
            as_lead = [
                await http.post("/inbox/staff/add", data=new | {"csrftoken": token}),
                await http.post(f"/inbox/staff/{admin.id}/password", data={"csrftoken": token}),
                await http.post(
                    f"/inbox/staff/{lead.id}/change", data={"csrftoken": token, "role": "admin"}
                ),
            ]
        accounts = await bot.store.staff.all()
    assert team.status_code == 400
    assert "Unknown team &#39;it-services&#39;; the teams are: academic_liaison," in team.text
    assert weak.status_code == 400 and "at least 12 characters" in weak.text
    assert role.status_code == 400 and "the roles are: agent, lead, admin" in role.text
    assert taken.status_code == 409
    assert myself.status_code == 400 and "cannot disable your own account" in myself.text
    assert demote.status_code == 400 and "cannot change your own role" in demote.text
    assert missing.status_code == 404 and no_csrf.status_code == 403
    assert [r.status_code for r in as_lead] == [403, 403, 403]
    assert [(a.email, a.role, a.disabled) for a in accounts] == [
        ("admin@lib.example.ac.uk", "admin", False),
        ("lead@lib.example.ac.uk", "lead", False),
    ]


async def test_an_admin_records_the_languages_a_member_of_staff_reads(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url)) as bot:
        admin = await add_staff(bot.store, "admin@lib.example.ac.uk", role="admin")
        lead = await add_staff(bot.store, "lead@lib.example.ac.uk", role="lead")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, admin.email)
            token = csrf_of((await http.get("/inbox/staff")).text)
            new = {
                "csrftoken": token,
                "email": "eu@lib.example.ac.uk",
                "name": "Eu",
                "role": "agent",
            }
            added = await http.post("/inbox/staff/add", data=new | {"languages": " CY, en,cy "})
            eu = await bot.store.staff.credentials(email="eu@lib.example.ac.uk")
            assert eu is not None
            base, keep = f"/inbox/staff/{eu[0].id}/change", {"csrftoken": token, "role": "agent"}
            changed = await http.post(base, data=keep | {"languages": "pl"})
            bad = await http.post(base, data=keep | {"languages": "pl, welsh"})
            role_only = await http.post(base, data=keep | {"role": "lead"})  # no languages field
            shown = (await http.get("/inbox/staff")).text
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, lead.email)
            token = csrf_of((await http.get("/inbox/")).text)
            as_lead = await http.post(
                base, data={"csrftoken": token, "role": "lead", "languages": "de"}
            )
            page_as_lead = await http.get("/inbox/staff")
        now = await bot.store.staff.get(staff_id=eu[0].id)
        rows = await bot.store.rights.audit_log(
            filter=AuditFilter(action="staff.languages"), limit=9
        )
    assert added.status_code == 200 and eu[0].languages == ("cy", "en")
    assert changed.status_code == 303 and role_only.status_code == 303
    assert bad.status_code == 400 and "&#39;welsh&#39; is not an ISO 639-1" in bad.text
    assert as_lead.status_code == 403 and page_as_lead.status_code == 403
    assert now is not None and (now.role, now.languages) == ("lead", ("pl",))
    assert f'id="languages-{eu[0].id}" name="languages" type="text" value="pl"' in shown
    assert [(r.actor, r.subject, r.detail) for r in rows] == [
        (f"staff:{admin.id}", f"staff:{eu[0].id}", {"languages": "pl"})
    ]
