"""/healthz for load balancers and people; /metrics for Prometheus."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from config.settings import Settings
from tests.fakes.running import running_bot
from tests.fakes.waiting import wait_until
from tests.fakes.widget_sessions import new_session

MESSAGE = {"client_id": "client-health1", "text": "Lovely staff"}


async def test_healthz_reports_the_store_and_each_channel(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        async with httpx.AsyncClient(base_url=bot.url) as http:
            health = (await http.get("/healthz")).json()
    assert health["status"] == "ok" and health["store"] == "up"
    assert health["channels"]["widget"]["state"] == "up"
    for channel in ("slack", "telegram", "x"):
        assert health["channels"][channel]["state"] == "not_configured"


async def test_metrics_count_events_duplicates_and_outbox(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        async with httpx.AsyncClient(base_url=bot.url) as http:
            message = {**MESSAGE, "session": await new_session(http)}
            for _ in range(2):
                await http.post("/widget/api/messages", json=message)
            await wait_until(lambda: _sent(bot.store), what="the acknowledgement")
            text = (await http.get("/metrics")).text
    assert 'feedbot_events_received_total{channel="widget",kind="message"} 2.0' in text
    assert 'feedbot_events_duplicate_total{channel="widget"} 1.0' in text
    assert 'feedbot_outbox_depth{status="sent"} 1.0' in text
    assert "feedbot_ingest_seconds_bucket" in text
    assert 'feedbot_http_responses_total{route="/widget/api/messages",status="202"} 2.0' in text


async def _sent(store: object) -> bool:
    counts = await store.outbox.counts()  # type: ignore[attr-defined]
    return bool(counts.get("sent") == 1)


async def test_metrics_count_client_errors_by_route_template_and_need_the_token(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    token = "metrics-token-0123456789"
    async with running_bot(make_settings(database_url=sqlite_url, metrics_token=token)) as bot:
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await http.post("/widget/api/messages", content=b"{", headers=JSON)
            await http.get("/no/such/page")
            refused = await http.get("/metrics")
            wrong = await http.get("/metrics", headers={"authorization": "Bearer nope"})
            text = (await http.get("/metrics", headers={"authorization": f"Bearer {token}"})).text
    assert (refused.status_code, wrong.status_code) == (401, 401)
    assert 'feedbot_http_responses_total{route="/widget/api/messages",status="400"} 1.0' in text
    assert 'feedbot_http_responses_total{route="unmatched",status="404"} 1.0' in text
    assert "/no/such/page" not in text


JSON = {"content-type": "application/json"}
