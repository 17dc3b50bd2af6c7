"""A classification failure never loses the message: it stays stored and is retried."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from config.settings import Settings
from tests.fakes.classifier import KeywordClassifier
from tests.fakes.running import running_bot
from tests.fakes.waiting import wait_until
from tests.fakes.widget_sessions import new_session


async def test_a_failed_classification_is_retried_until_it_succeeds(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    classifier = KeywordClassifier()
    classifier.fail_next = 1
    async with running_bot(make_settings(database_url=db_url), classifier=classifier) as bot:
        async with httpx.AsyncClient(base_url=bot.url) as http:
            sent = {
                "session": await new_session(http),
                "client_id": "c-00000001",
                "text": "The wifi is terrible",
            }
            assert (await http.post("/widget/api/messages", json=sent)).status_code == 202

        async def classified() -> bool:
            [m] = [m for m in await bot.store.messages.find() if m.direction == "in"]
            return m.sentiment is not None

        await wait_until(classified, within=15, what="the retried classification")
        [m] = [m for m in await bot.store.messages.find() if m.direction == "in"]
        assert (m.sentiment, m.topic, classifier.calls) == ("negative", "wifi_and_it", 2)
        assert b"feedbot_process_failures_total" in bot.app.metrics.render()
