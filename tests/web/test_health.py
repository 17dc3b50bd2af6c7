"""/healthz for load balancers and people; /metrics for Prometheus."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from config.settings import Settings
from tests.fakes.running import running_bot
from tests.fakes.waiting import wait_until

MESSAGE = {"session": "session-health1", "client_id": "client-health1", "text": "Lovely staff"}


async def test_healthz_reports_the_store_and_each_channel(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        async with httpx.AsyncClient(base_url=bot.url) as http:
            health = (await http.get("/healthz")).json()
    assert health["status"] == "ok" and health["store"] == "up"
    assert health["channels"]["widget"]["state"] == "up"


async def test_metrics_count_events_duplicates_and_outbox(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        async with httpx.AsyncClient(base_url=bot.url) as http:
            for _ in range(2):
                await http.post("/widget/api/messages", json=MESSAGE)
            await wait_until(lambda: _sent(bot.store), what="the acknowledgement")
            text = (await http.get("/metrics")).text
    assert 'feedbot_events_received_total{channel="widget",kind="message"} 2.0' in text
    assert 'feedbot_events_duplicate_total{channel="widget"} 1.0' in text
    assert 'feedbot_outbox_depth{status="sent"} 1.0' in text
    assert "feedbot_ingest_seconds_bucket" in text


async def _sent(store: object) -> bool:
    counts = await store.outbox_counts()  # type: ignore[attr-defined]
    return bool(counts.get("sent") == 1)
