"""Helpers for staff-page tests: accounts, the login form, CSRF tokens from pages."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import select

from bot.events import ConversationKind
from handlers.staff.passwords import Passwords
from models.classification import Classification
from models.store import Store
from models.store.inbox.types import STATUSES, QueueFilter
from models.store.staff.facade import StaffView
from models.store.tables import Message
from tests.fakes.adapter import RecordingAdapter
from tests.fakes.running import RunningBot
from tests.fakes.waiting import wait_until
from tests.support.events import message

PASSWORD = "a long enough test password"
CSRF = re.compile(r'name="csrftoken" value="([^"]+)"')


class _TestPasswordHash:
    """One real argon2 hash of PASSWORD, made once per test process (argon2 is deliberately
    slow, and every staff test adds accounts); logging in still verifies it for real."""

    hashed = ""

    @classmethod
    async def get(cls) -> str:
        if not cls.hashed:
            cls.hashed = await Passwords().hash(PASSWORD)
        return cls.hashed


async def add_staff(
    store: Store, email: str, *, role: str = "agent", team: str = "", name: str = ""
) -> StaffView:
    """Create an account with the test password."""
    return await store.staff.add(
        email=email,
        name=name or email.split("@")[0].title(),
        role=role,
        team=team,
        password_hash=await _TestPasswordHash.get(),
        actor="test",
    )


def csrf_of(html: str) -> str:
    """The CSRF token in a page's forms."""
    found = CSRF.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


async def log_in(
    http: httpx.AsyncClient, email: str, password: str = PASSWORD, *, page: str = "/inbox/login"
) -> httpx.Response:
    """Fill in and post the login form as a browser would (the token read from ``page``)."""
    token = csrf_of((await http.get(page)).text)
    form = {"csrftoken": token, "email": email, "password": password, "next": ""}
    return await http.post("/inbox/login", data=form)


async def widget_item(bot: RunningBot, text: str, *, session: str = "session-abcdef12") -> int:
    """A person (a new widget session each call) writes on the widget; the pipeline queues it;
    returns the queue item's id."""
    async with httpx.AsyncClient(base_url=bot.url) as http:
        issued = await http.post("/widget/api/sessions", json={})  # where the server issues them
        session = issued.json()["session"] if issued.status_code == 201 else session
        body = {"session": session, "client_id": f"c-{abs(hash(text)):x}", "text": text}
        answer = await http.post("/widget/api/messages", json=body)
    assert answer.status_code == 202, answer.text
    return await queued_id(bot, text)


async def platform_item(bot: RunningBot, platform: RecordingAdapter, text: str) -> int:
    """A person writes ``text`` privately on ``platform`` (a running bot's fake Telegram, say:
    it delivers what the widget refuses, e.g. a direction override); returns the item's id."""
    assert platform.sink is not None, "start the bot with this adapter"
    sender = f"p-{abs(hash(text)):x}"
    await platform.sink(
        message(
            text,
            pid=f"m-{sender}",
            sender=sender,
            chat=sender,
            channel=platform.channel,
            conversation=ConversationKind.DIRECT,
        )
    )
    return await queued_id(bot, text)


async def widget_item_about(bot: RunningBot, text: str, topic: str) -> None:
    """A widget writer (their session still open) whose message is classified as ``topic``."""
    await widget_item(bot, text)
    found = select(Message.id).where(Message.text == text)
    message_id = await bot.store.read(lambda c: c.execute(found).scalar_one())
    verdict = Classification("negative", {}, topic, 0.95, "test")
    await bot.store.classifications.save(verdicts=[(message_id, verdict)])


async def queued_id(bot: RunningBot, text: str) -> int:
    """The id of the queue item ``text`` joined, once the pipeline queued it."""
    found: list[int] = []

    async def queued() -> bool:
        rows = await bot.store.inbox.listing(filter=QueueFilter(statuses=STATUSES), limit=500)
        found[:] = [r.id for r in rows if r.text == text]
        return bool(found)

    await wait_until(queued, what=f"{text!r} in the queue")
    return found[0]


async def two_messages(bot: RunningBot, first: str, second: str) -> int:
    """One widget visitor writes twice; their item, once both joined it."""
    async with httpx.AsyncClient(base_url=bot.url) as http:
        session = (await http.post("/widget/api/sessions", json={})).json()["session"]
        for n, text in enumerate((first, second)):
            body = {"session": session, "client_id": f"c-{n:08x}", "text": text}
            assert (await http.post("/widget/api/messages", json=body)).status_code == 202
    found: list[int] = []

    async def joined() -> bool:
        rows = await bot.store.inbox.listing(filter=QueueFilter(statuses=STATUSES))
        found[:] = [r.id for r in rows if r.text == second]
        return bool(found)

    await wait_until(joined, what="both messages in one item")
    return found[0]
