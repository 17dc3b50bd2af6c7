"""The outbox: retried with back-off, honouring the platform's wait; failures stay visible."""

from __future__ import annotations

from collections.abc import Callable

from bot.adapters.widget import WidgetAdapter
from bot.channel import SendError
from bot.events import Channel
from config.settings import Settings
from handlers.delivery import retry_wait
from tests.fakes.adapter import RecordingAdapter
from tests.fakes.running import running_bot
from tests.fakes.waiting import wait_until
from tests.support.events import message


def test_retry_wait_grows_is_capped_and_honours_retry_after() -> None:
    waits = [retry_wait(n, base=1.0, cap=30.0) for n in range(1, 10)]
    assert all(
        0.5 * min(30, 2 ** (n - 1)) <= w <= min(30, 2 ** (n - 1)) for n, w in enumerate(waits, 1)
    )
    assert retry_wait(3, base=1.0, cap=30.0, retry_after=7.5) == 7.5


async def test_a_rate_limited_reply_is_delivered_once_after_the_wait(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    slack = RecordingAdapter(Channel.SLACK, [SendError("429", retry_after=0.2), SendError("503")])
    async with running_bot(
        make_settings(database_url=db_url), adapters=[WidgetAdapter(), slack]
    ) as bot:
        assert slack.sink is not None
        await slack.sink(message("Is the library open on Sunday?"))

        async def delivered() -> bool:
            return (await bot.store.outbox.counts()).get("sent") == 1

        await wait_until(delivered, what="the acknowledgement to be delivered")
        assert slack.attempts == 3 and len(slack.sent) == 1
        assert slack.sent[0].address.chat == "C42" and slack.sent[0].reply_ref == "m-1"


async def test_after_the_retry_budget_the_message_is_failed_and_visible(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    slack = RecordingAdapter(Channel.SLACK, [SendError("503")] * 10)
    settings = make_settings(database_url=sqlite_url, outbox_max_attempts=3)
    async with running_bot(settings, adapters=[slack]) as bot:
        assert slack.sink is not None
        await slack.sink(message("Are the printers fixed yet?"))  # answered: a question

        async def failed() -> bool:
            return (await bot.store.outbox.counts()).get("failed") == 1

        await wait_until(failed, what="the item to be marked failed")
        [item] = await bot.store.outbox.items(status="failed")
        assert (item.attempts, item.last_error) == (3, "503")
        assert b'feedbot_outbox_failed_total{channel="slack"} 1.0' in bot.app.metrics.render()


async def test_a_permanent_error_is_not_retried(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    slack = RecordingAdapter(Channel.SLACK, [SendError("channel_not_found", permanent=True)])
    async with running_bot(make_settings(database_url=sqlite_url), adapters=[slack]) as bot:
        assert slack.sink is not None
        await slack.sink(message("Are the printers fixed yet?"))  # answered: a question

        async def failed() -> bool:
            return (await bot.store.outbox.counts()).get("failed") == 1

        await wait_until(failed, what="the item to be marked failed")
        assert slack.attempts == 1
