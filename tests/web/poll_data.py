"""What the poll-page tests share: last month's poll with its result, and recent widget
messages (classified and embedded by the running bot's fake classifier)."""

from __future__ import annotations

from datetime import timedelta

import httpx

from bot.events import utcnow
from models.store.polls.definitions import Target
from tests.fakes.running import RunningBot
from tests.fakes.waiting import wait_until

LAST_MONTH = "How satisfied are you with the wifi in the library?"
SIMILAR = "Are you happy with the library wifi?"
WIFI = (
    "the wifi keeps dropping, awful",
    "wifi so slow in the reading room",
    "wifi is great now, thanks",
)
OTHER = ("the printer on floor 2 is broken",)


async def last_months_poll(bot: RunningBot) -> int:
    """A closed CSAT poll from a month ago on the wifi, answered three 5s and one 2 on X."""
    month_ago = utcnow() - timedelta(days=30)
    poll_id = await bot.store.polls.create(
        targets=[Target("widget")],
        options=[(str(n), f"{n}") for n in range(1, 6)],
        question=LAST_MONTH,
        kind="csat",
        status="closed",
        opens_at=month_ago,
        closes_at=month_ago + timedelta(days=7),
    )
    await bot.store.polls.save_counts(poll_id=poll_id, channel="x", counts={"5": 3, "2": 1})
    return poll_id


async def recent_messages(bot: RunningBot, texts: tuple[str, ...] = WIFI + OTHER) -> None:
    """People write on the widget; wait until each message's embedding is stored."""
    async with httpx.AsyncClient(base_url=bot.url) as http:
        for n, text in enumerate(texts):
            session = (await http.post("/widget/api/sessions", json={})).json()["session"]
            body = {"session": session, "client_id": f"poll-page-{n:04d}", "text": text}
            assert (await http.post("/widget/api/messages", json=body)).status_code == 202

    async def embedded() -> bool:
        rows = await bot.store.known.embeddings_after(
            since=utcnow() - timedelta(days=1), after_id=0
        )
        return len(rows) >= len(texts)

    await wait_until(embedded, what="the messages embedded")
