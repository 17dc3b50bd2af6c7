"""Hundreds of valid messages sent at once with dozens that cannot be stored as sent, through the
real ingress of the running bot: the widget's JSON API, signed Slack events and Telegram webhook
updates. Every valid one is stored exactly once; every bad widget message gets a 400 naming the
problem; platform messages (which cannot be refused) are cleaned and stored. SQLite and
PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any, TypeVar

import httpx

from bot.adapters.slack import SlackAdapter
from bot.adapters.telegram import from_settings
from bot.adapters.widget import WidgetAdapter
from bot.storable import clean_text, problems
from config.settings import Settings
from models.store import Store
from models.store.migrate import upgrade_async
from tests.fakes import telegram_payloads as tp
from tests.fakes.running import RunningBot, running_bot
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_driver import SlackDriver, event_envelope
from tests.fakes.telegram import SECRET_HEADER, FakeTelegram

T = TypeVar("T")
SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TELEGRAM_SECRET = "isolation-webhook-secret-7"
UNSTORABLE = [
    "lone high surrogate \ud83d here",
    "lone low surrogate \udca9",
    "NUL \x00 inside",
    "terminal \x1b[2J\x1b[31m escape",
    "C1 control \x85 next line",
    "DEL \x7f and bell \x07",
    "\ud800",
    "vertical tab \x0b",
]
"""Texts that cannot be stored as sent (on PostgreSQL, or on any database)."""


async def new_session(http: httpx.AsyncClient, n: int) -> str:
    """A widget session for person ``n`` (the one place that says how a session is obtained):
    issued by the server, as the feedback page gets one."""
    answer = await http.post("/widget/api/sessions", json={})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["session"])


async def at_most(limit: int, calls: list[Awaitable[T]]) -> list[T]:
    """Await ``calls`` concurrently, ``limit`` at a time."""
    gate = asyncio.Semaphore(limit)

    async def one(call: Awaitable[T]) -> T:
        async with gate:
            return await call

    return await asyncio.gather(*(one(c) for c in calls))


@asynccontextmanager
async def full_bot(
    make_settings: Callable[..., Settings], db_url: str
) -> AsyncIterator[tuple[RunningBot, FakeSlack]]:
    """The bot with the widget, Slack (HTTP mode) and Telegram (webhook mode) against fakes."""
    async with FakeSlack() as slack, FakeTelegram() as telegram, AsyncExitStack() as stack:
        settings = make_settings(
            database_url=db_url,
            telegram_token=telegram.token,
            telegram_api_url=telegram.url,
            telegram_webhook_secret=TELEGRAM_SECRET,
            widget_new_session_rate=10_000,  # hundreds of people, all on one test address
        )
        await upgrade_async(settings.database_url)
        own = await stack.enter_async_context(Store.open(settings.database_url))
        telegram_adapter = from_settings(settings, own.cursors)
        assert telegram_adapter is not None
        slack_adapter = SlackAdapter(
            bot_token=slack.identity.bot_token,
            signing_secret=SLACK_SECRET,
            api_url=slack.api_url,
            max_backoff_s=0.05,
        )
        adapters = [WidgetAdapter(), slack_adapter, telegram_adapter]
        async with running_bot(settings, adapters=adapters) as bot:
            yield bot, slack


async def widget_post(http: httpx.AsyncClient, n: int, text: str) -> httpx.Response:
    """One widget message, its JSON written with \\u escapes (lone surrogates travel as JSON)."""
    body = {"session": await new_session(http, n), "client_id": f"client-{n:06d}", "text": text}
    raw = json.dumps(body).encode()
    return await http.post(
        "/widget/api/messages", content=raw, headers={"content-type": "application/json"}
    )


def slack_event(n: int, text: str) -> dict[str, Any]:
    """A DM to the bot from person ``n``, with a display name as odd as the text."""
    event = {
        "type": "message",
        "channel": f"D{n:08d}",
        "channel_type": "im",
        "user": f"U{n:08d}",
        "text": text,
        "ts": f"1763856100.{n:06d}",
        "user_profile": {"display_name": f"name {text}"},
    }
    return event_envelope(event, event_id=f"Ev{n:08d}")


def telegram_update(n: int, text: str) -> dict[str, Any]:
    """A private message from person ``n`` whose first name is as odd as the text."""
    person = tp.user(7_000_000 + n, first=f"first {text}", last="Last")
    return {"update_id": 10_000 + n, **tp.message_update(text, message_id=n, sender=person)}


async def inbound(bot: RunningBot, channel: str) -> dict[str, str]:
    """platform_id → text of every inbound message stored on ``channel``."""
    views = await bot.store.messages.find(channel=channel, limit=100_000)
    ids = [m.platform_id for m in views if m.direction == "in"]
    assert len(ids) == len(set(ids)), "a message was stored twice"
    return {m.platform_id: m.text for m in views if m.direction == "in"}


async def test_valid_messages_all_land_beside_unstorable_ones_on_every_channel(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    good_widget = {n: f"widget feedback number {n}" for n in range(300)}
    bad_widget = {1000 + i: UNSTORABLE[i % len(UNSTORABLE)] + f" #{i}" for i in range(40)}
    platform = {n: f"platform message {n}" for n in range(60)}
    platform |= {100 + i: UNSTORABLE[i % len(UNSTORABLE)] + f" #{i}" for i in range(16)}
    async with (
        full_bot(make_settings, db_url) as (bot, _),
        httpx.AsyncClient(base_url=bot.url, timeout=60) as http,
    ):
        slack = SlackDriver(f"{bot.url}/slack/events", SLACK_SECRET, client=http)
        tg_headers = {SECRET_HEADER: TELEGRAM_SECRET, "content-type": "application/json"}
        mixed = {("w", n): widget_post(http, n, t) for n, t in (good_widget | bad_widget).items()}
        mixed |= {("s", n): slack.post_event(slack_event(n, t)) for n, t in platform.items()}
        mixed |= {
            ("t", n): http.post(
                "/telegram/webhook",
                content=json.dumps(telegram_update(n, t)).encode(),  # \u escapes
                headers=tg_headers,
            )
            for n, t in platform.items()
        }
        answers = dict(zip(mixed, await at_most(64, list(mixed.values())), strict=True))
        widget = await inbound(bot, "widget")
        slack_stored = await inbound(bot, "slack")
        telegram_stored = await inbound(bot, "telegram")

    for n in good_widget:
        assert answers["w", n].status_code == 202, answers["w", n].text
    ids = {answers["w", n].json()["id"] for n in good_widget}
    assert len(ids) == len(good_widget)
    for n in bad_widget:
        assert answers["w", n].status_code == 400, (n, answers["w", n].text)
        assert answers["w", n].json()["error"].startswith("'text' ")
    by_client = {pid.rsplit(":", 1)[-1]: text for pid, text in widget.items()}
    assert len(by_client) == len(widget)
    assert by_client == {f"client-{n:06d}": t for n, t in good_widget.items()}
    assert all(answers[k].status_code == 200 for k in answers if k[0] in "st")
    assert slack_stored == {
        f"D{n:08d}:1763856100.{n:06d}": clean_text(t) for n, t in platform.items()
    }
    assert telegram_stored == {f"{7_000_000 + n}:{n}": clean_text(t) for n, t in platform.items()}
    assert all(problems(t) == [] for t in [*slack_stored.values(), *telegram_stored.values()])
