"""Logging in and out of the staff inbox: sessions, cookies, CSRF, throttling, disabling."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import httpx
from argon2 import PasswordHasher
from itsdangerous import URLSafeSerializer
from sqlalchemy import select, update

from bot.events import utcnow
from config.settings import Settings
from models.store.staff.tables import StaffSession
from models.store.tables import AuditEntry
from tests.fakes.running import running_bot
from tests.support.staff import PASSWORD, add_staff, csrf_of, log_in


async def _audit(bot_store: object) -> list[tuple[str, str, str]]:
    rows = await bot_store.read(  # type: ignore[attr-defined]
        lambda c: c.execute(
            select(AuditEntry.actor, AuditEntry.action, AuditEntry.subject).order_by(AuditEntry.id)
        ).all()
    )
    return [tuple(r) for r in rows]


async def test_login_sets_a_signed_session_cookie_and_rotates_it(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url)) as bot:
        ann = await add_staff(bot.store, "ann@lib.example.ac.uk")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            page = await http.get("/inbox/login")
            assert 'name="email"' in page.text and 'name="password"' in page.text
            first = await log_in(http, "Ann@Lib.example.ac.uk")
            cookie = first.headers["set-cookie"]
            old = http.cookies["feedbot_staff"]
            second = await log_in(http, ann.email, page="/inbox/")  # logged in: no form there
            new = http.cookies["feedbot_staff"]
        sessions = await bot.store.read(
            lambda c: c.execute(
                select(StaffSession.token_hash, StaffSession.ended_at).order_by(StaffSession.id)
            ).all()
        )
    assert first.status_code == 303 and first.headers["location"] == "/inbox/"
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert old != new and second.status_code == 303
    assert [ended is None for _, ended in sessions] == [False, True]  # the old id is dead
    assert all(old not in h and h not in old for h, _ in sessions)  # only a hash is stored


async def test_cookies_are_secure_when_the_public_url_is_https(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(database_url=sqlite_url, public_url="https://library.example.ac.uk")
    async with running_bot(settings) as bot:
        await add_staff(bot.store, "al@lib.example.ac.uk")
        async with httpx.AsyncClient(base_url=bot.url) as http:  # no TLS here: cookies by hand
            page = await http.get("/inbox/login")
            token = page.cookies["feedbot_csrf"]
            form = {"csrftoken": csrf_of(page.text), "email": "al@lib.example.ac.uk"}
            answer = await http.post(
                "/inbox/login",
                data={**form, "password": PASSWORD},
                headers={"cookie": f"feedbot_csrf={token}"},
            )
    assert "Secure" in page.headers["set-cookie"]
    assert answer.status_code == 303
    assert "Secure" in answer.headers["set-cookie"] and "HttpOnly" in answer.headers["set-cookie"]


async def test_logout_ends_the_session_even_for_a_copied_cookie(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        await add_staff(bot.store, "bo@lib.example.ac.uk")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            answer = await log_in(http, "bo@lib.example.ac.uk")
            stolen = http.cookies["feedbot_staff"]
            queue = await http.get("/inbox/")
            out = await http.post("/inbox/logout", data={"csrftoken": csrf_of(queue.text)})
        async with httpx.AsyncClient(base_url=bot.url, cookies={"feedbot_staff": stolen}) as other:
            after = await other.get("/inbox/")
        actions = [a for _, a, _ in await _audit(bot.store)]
    assert "Secure" not in answer.headers["set-cookie"]
    assert queue.status_code == 200
    assert out.status_code == 303 and out.headers["location"] == "/inbox/login?bye=1"
    assert after.status_code == 303 and after.headers["location"].startswith("/inbox/login")
    assert actions[-2:] == ["login", "logout"]


async def test_login_without_a_valid_csrf_token_is_refused(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        await add_staff(bot.store, "cy@lib.example.ac.uk")
        form = {"email": "cy@lib.example.ac.uk", "password": PASSWORD}
        async with httpx.AsyncClient(base_url=bot.url) as http:
            bare = await http.post("/inbox/login", data=form)
            await http.get("/inbox/login")  # has the CSRF cookie now, but sends a wrong token
            forged = await http.post("/inbox/login", data={**form, "csrftoken": "forged"})
        sessions = await bot.store.read(lambda c: c.execute(select(StaffSession.id)).all())
    assert bare.status_code == forged.status_code == 403
    assert "Nothing was changed" in forged.text
    assert sessions == []


async def test_five_wrong_passwords_throttle_even_the_right_one(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url)) as bot:
        await add_staff(bot.store, "di@lib.example.ac.uk")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            wrong = [
                await log_in(http, "di@lib.example.ac.uk", "not the password!") for _ in range(5)
            ]
            right = await log_in(http, "di@lib.example.ac.uk")
        audit = await _audit(bot.store)
    assert [w.status_code for w in wrong] == [401] * 5
    assert "do not match" in wrong[0].text and 'value="di@lib.example.ac.uk"' in wrong[0].text
    assert right.status_code == 429 and "Too many failed attempts" in right.text
    assert "feedbot_staff" not in right.headers.get("set-cookie", "")
    failed = [(actor, subject) for actor, action, subject in audit if action == "login.failed"]
    assert len(failed) == 5 and failed[0] == ("ip:127.0.0.1", "email:di@lib.example.ac.uk")
    assert [action for _, action, _ in audit][-1] == "login.refused"  # audited, not counted


async def test_a_disabled_accounts_session_stops_at_once(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url)) as bot:
        await add_staff(bot.store, "ed@lib.example.ac.uk")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "ed@lib.example.ac.uk")
            before = await http.get("/inbox/")
            await bot.store.staff.disable(email="ed@lib.example.ac.uk", actor="test")
            after = await http.get("/inbox/")
            as_json = await http.get("/inbox/", headers={"accept": "application/json"})
            again = await log_in(http, "ed@lib.example.ac.uk")
    assert before.status_code == 200
    assert after.status_code == 303 and as_json.status_code == 401
    assert again.status_code == 401


async def test_an_idle_session_ends(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:

    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        await add_staff(bot.store, "fi@lib.example.ac.uk")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "fi@lib.example.ac.uk")
            long_ago = utcnow() - timedelta(minutes=31)
            await bot.store._db.write(  # as if 31 minutes passed without a request
                lambda c: c.execute(update(StaffSession).values(last_seen_at=long_ago))
            )
            after = await http.get("/inbox/")
    assert after.status_code == 303


async def test_next_only_leads_to_our_own_pages(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        await add_staff(bot.store, "gu@lib.example.ac.uk")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            page = await http.get("/inbox/login?next=//evil.example/x")
            form = {
                "csrftoken": csrf_of(page.text),
                "email": "gu@lib.example.ac.uk",
                "password": PASSWORD,
                "next": "https://evil.example/",
            }
            answer = await http.post("/inbox/login", data=form)
    assert answer.headers["location"] == "/inbox/"


async def test_a_filtered_link_opened_logged_out_leads_back_to_its_filter_after_login(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        await add_staff(bot.store, "ha@lib.example.ac.uk")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            away = await http.get("/inbox/?topic=wifi_and_it&resolved=2026-W48")
            login = away.headers["location"]
            page = (await http.get(login)).text
            form = {
                "csrftoken": csrf_of(page),
                "email": "ha@lib.example.ac.uk",
                "password": PASSWORD,
                "next": page.split('name="next" value="')[1].split('"')[0].replace("&amp;", "&"),
            }
            back = (await http.post("/inbox/login", data=form)).headers["location"]
    assert login == "/inbox/login?next=/inbox/%3Ftopic%3Dwifi_and_it%26resolved%3D2026-W48"
    assert back == "/inbox/?topic=wifi_and_it&resolved=2026-W48"


async def test_a_hash_made_with_weaker_parameters_is_upgraded_at_login(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        await bot.store.staff.add(
            email="old@lib.example.ac.uk", name="Old", role="agent", team="",
            password_hash=weak, actor="test",
        )  # fmt: skip
        async with httpx.AsyncClient(base_url=bot.url) as http:
            answer = await log_in(http, "old@lib.example.ac.uk")
        found = await bot.store.staff.credentials(email="old@lib.example.ac.uk")
    assert answer.status_code == 303 and found is not None
    assert found[1] != weak and not PasswordHasher().check_needs_rehash(found[1])


async def test_the_cookie_holds_only_a_signed_random_id_and_a_forged_one_is_refused(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(database_url=sqlite_url)
    async with running_bot(settings) as bot:
        await add_staff(bot.store, "hu@lib.example.ac.uk", role="admin")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "hu@lib.example.ac.uk")
            cookie = http.cookies["feedbot_staff"]
        secret = (settings.state_dir / "session.key").read_bytes().strip()
        token = URLSafeSerializer(secret, salt="feedbot-staff-session").loads(cookie)
        forged = URLSafeSerializer(b"not the secret", salt="feedbot-staff-session").dumps(token)
        tampered = cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB")
        answers = []
        for value in (forged, tampered, token):
            async with httpx.AsyncClient(base_url=bot.url, cookies={"feedbot_staff": value}) as c:
                answers.append((await c.get("/inbox/")).status_code)
    assert isinstance(token, str) and len(token) == 43 and "hu@" not in cookie
    assert answers == [303, 303, 303]  # wrong key, altered, or the bare id unsigned
