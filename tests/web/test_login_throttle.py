"""Login throttling over real HTTP: atomic counts under parallel guessing, the proxy's forwarded
address, a known device's own allowance, and refusals that do not extend a lock-out."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import httpx
from sqlalchemy import select, update

from bot.events import utcnow
from config.settings import Settings
from models.store.staff.tables import LoginFailure
from models.store.tables import AuditEntry
from tests.fakes.running import RunningBot, running_bot
from tests.support.staff import PASSWORD, add_staff, csrf_of, log_in

WRONG = "not the password at all"
WINDOW = timedelta(minutes=15)


async def _post_login(
    http: httpx.AsyncClient, token: str, email: str, password: str, **headers: str
) -> int:
    form = {"csrftoken": token, "email": email, "password": password, "next": ""}
    return (await http.post("/inbox/login", data=form, headers=headers)).status_code


async def _expire_failures_in(bot: RunningBot, seconds: float) -> None:
    """As if the failures recorded so far happened so long ago that they leave the window in
    ``seconds``."""
    at = utcnow() - WINDOW + timedelta(seconds=seconds)
    await bot.store._db.write(lambda c: c.execute(update(LoginFailure).values(at=at)))


async def test_parallel_wrong_passwords_get_429_once_the_limit_is_reached(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url)) as bot:
        await add_staff(bot.store, "pa@lib.example.ac.uk")
        async with httpx.AsyncClient(base_url=bot.url, timeout=60) as http:
            token = csrf_of((await http.get("/inbox/login")).text)
            guesses = [_post_login(http, token, "pa@lib.example.ac.uk", WRONG) for _ in range(16)]
            answers = Counter(await asyncio.gather(*guesses))
    assert answers == {401: 5, 429: 11}


async def test_behind_a_proxy_the_forwarded_address_is_counted_and_audited(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(database_url=sqlite_url, trusted_proxy_header="X-Forwarded-For")
    async with running_bot(settings) as bot:
        await add_staff(bot.store, "admin@lib.example.ac.uk", role="admin")
        async with httpx.AsyncClient(base_url=bot.url, timeout=60) as http:
            token = csrf_of((await http.get("/inbox/login")).text)
            them = {"x-forwarded-for": "10.9.9.9, 203.0.113.7"}  # the proxy added the last one
            for batch in range(5):  # 50 failures from one address, on ten unknown accounts
                emails = [f"guess{batch}-{n}@lib.example.ac.uk" for n in range(10)]
                await asyncio.gather(*[_post_login(http, token, e, WRONG, **them) for e in emails])
            blocked = await _post_login(http, token, "new@lib.example.ac.uk", WRONG, **them)
            admin = {"x-forwarded-for": "198.51.100.2"}
            allowed = await _post_login(http, token, "admin@lib.example.ac.uk", PASSWORD, **admin)
        audit = await bot.store.read(
            lambda c: c.execute(
                select(AuditEntry.action, AuditEntry.actor, AuditEntry.detail)
            ).all()
        )
    assert blocked == 429 and allowed == 303
    failed = [(actor, detail["ip"]) for action, actor, detail in audit if action == "login.failed"]
    assert set(failed) == {("ip:203.0.113.7", "203.0.113.7")} and len(failed) == 50
    assert [d["ip"] for a, _, d in audit if a == "login"] == ["198.51.100.2"]


async def test_a_known_device_still_signs_in_while_a_stranger_is_locked_out(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url)) as bot:
        await add_staff(bot.store, "kd@lib.example.ac.uk")
        async with (
            httpx.AsyncClient(base_url=bot.url) as owner,
            httpx.AsyncClient(base_url=bot.url) as stranger,
        ):
            first = await log_in(owner, "kd@lib.example.ac.uk")
            queue = await owner.get("/inbox/")
            await owner.post("/inbox/logout", data={"csrftoken": csrf_of(queue.text)})
            guesses = [(await log_in(stranger, "kd@lib.example.ac.uk", WRONG)) for _ in range(6)]
            strangers_right = await log_in(stranger, "kd@lib.example.ac.uk")
            owners = await log_in(owner, "kd@lib.example.ac.uk")
    assert first.status_code == 303 and "feedbot_device=" in first.headers["set-cookie"]
    assert [g.status_code for g in guesses] == [401] * 5 + [429]
    assert strangers_right.status_code == 429  # the account is locked for strangers
    assert owners.status_code == 303 and owners.headers["location"] == "/inbox/"


async def test_a_device_cookie_for_another_account_gives_no_allowance(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        await add_staff(bot.store, "mine@lib.example.ac.uk")
        await add_staff(bot.store, "yours@lib.example.ac.uk")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "mine@lib.example.ac.uk")  # this browser is known to 'mine' only
            await http.post(
                "/inbox/logout", data={"csrftoken": csrf_of((await http.get("/inbox/")).text)}
            )
            guesses = [(await log_in(http, "yours@lib.example.ac.uk", WRONG)) for _ in range(6)]
    assert [g.status_code for g in guesses] == [401] * 5 + [429]


async def test_a_strangers_refused_attempts_do_not_extend_the_lock(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url)) as bot:
        await add_staff(bot.store, "rf@lib.example.ac.uk")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            wrong = [(await log_in(http, "rf@lib.example.ac.uk", WRONG)) for _ in range(5)]
            await _expire_failures_in(bot, 3)
            refused = [(await log_in(http, "rf@lib.example.ac.uk", WRONG)) for _ in range(5)]
            await asyncio.sleep(3.5)
            after = await log_in(http, "rf@lib.example.ac.uk")  # a stranger's browser, too
        counted = await bot.store.read(lambda c: c.execute(select(LoginFailure.id)).all())
    assert [w.status_code for w in wrong] == [401] * 5
    assert [r.status_code for r in refused] == [429] * 5
    assert after.status_code == 303
    assert len(counted) == 5  # the five wrong ones, aged; refusals left no row
