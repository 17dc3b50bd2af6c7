"""One process holds an exclusive platform connection: the other stands by (and leaves that
channel's outbox to the holder), and takes over when the holder stops or cannot renew."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

import pytest

from bot.adapters.widget import WidgetAdapter
from bot.channel import ChannelState, EventSink
from bot.events import Address, Channel, ConversationKind, OutboundMessage
from bot.standby import Exclusive
from config.settings import Settings
from models.store import Store
from models.store.leases import Leases
from models.store.migrate import upgrade_async
from tests.fakes.adapter import RecordingAdapter
from tests.fakes.running import running_bot
from tests.fakes.waiting import wait_until

TTL = timedelta(seconds=0.6)


class Journaled(RecordingAdapter):
    """A recording adapter that notes when it starts and stops."""

    def __init__(self, name: str, journal: list[tuple[str, str, float]]) -> None:
        super().__init__(Channel.TELEGRAM)
        self.name = name
        self.journal = journal

    async def start(self, sink: EventSink) -> None:
        self.journal.append((self.name, "start", time.monotonic()))
        await super().start(sink)

    async def stop(self) -> None:
        self.journal.append((self.name, "stop", time.monotonic()))
        await super().stop()


class Unreachable(Leases):
    """A store's leases whose database can be cut off, as a partitioned process sees it."""

    def __init__(self, real: Leases) -> None:
        self._real = real
        self.cut = False

    async def acquire(self, *, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        if self.cut:
            raise OSError("database unreachable (injected)")
        return await self._real.acquire(name=name, holder=holder, now=now, ttl=ttl)

    async def release(self, *, name: str, holder: str, now: datetime) -> bool:
        return await self._real.release(name=name, holder=holder, now=now)


@pytest.fixture
async def stores(db_url: str) -> AsyncIterator[tuple[Store, Store]]:
    await upgrade_async(db_url)
    async with Store.open(db_url) as first, Store.open(db_url) as second:
        yield first, second


async def sink(_: object) -> None:
    raise AssertionError("nothing is received in these tests")


async def test_the_standby_takes_over_when_the_holder_stops(stores: tuple[Store, Store]) -> None:
    journal: list[tuple[str, str, float]] = []
    a, b = Journaled("a", journal), Journaled("b", journal)
    first = Exclusive(a, stores[0].leases, holder="a", ttl=TTL)
    second = Exclusive(b, stores[1].leases, holder="b", ttl=TTL)
    await first.start(sink)  # type: ignore[arg-type]
    await wait_until(lambda: first.holding, what="the first to hold the connection")
    await second.start(sink)  # type: ignore[arg-type]
    await wait_until(lambda: second.state is ChannelState.STANDBY, what="standby")
    assert first.state is ChannelState.UP and "another process" in second.detail
    await first.stop()
    await wait_until(lambda: second.holding, what="the standby to take over")
    await second.stop()
    assert [(n, e) for n, e, _ in journal] == [
        ("a", "start"),
        ("a", "stop"),
        ("b", "start"),
        ("b", "stop"),
    ]
    assert second.state is ChannelState.STOPPED


async def test_a_holder_that_cannot_renew_lets_go_before_another_may_take_over(
    db_url: str,
) -> None:
    await upgrade_async(db_url)
    journal: list[tuple[str, str, float]] = []
    async with Store.open(db_url) as one, Store.open(db_url) as two:
        flaky = Unreachable(one.leases)
        ttl = timedelta(seconds=3)  # a second's margin: the holder lets go a renewal early
        first = Exclusive(Journaled("a", journal), flaky, holder="a", ttl=ttl)
        second = Exclusive(Journaled("b", journal), two.leases, holder="b", ttl=ttl)
        await first.start(sink)  # type: ignore[arg-type]
        await wait_until(lambda: first.holding, what="the first to hold the connection")
        await second.start(sink)  # type: ignore[arg-type]
        flaky.cut = True
        await wait_until(lambda: second.holding, what="the standby to take over", within=10)
        assert not first.holding
        await first.stop()
        await second.stop()
    stopped = next(t for n, e, t in journal if (n, e) == ("a", "stop"))
    started = next(t for n, e, t in journal if (n, e) == ("b", "start"))
    assert stopped < started, "two processes held the connection at once"


async def test_a_standby_channel_leaves_its_outbox_to_the_holder(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    telegram = RecordingAdapter(Channel.TELEGRAM)
    telegram.state = ChannelState.STANDBY
    async with running_bot(
        make_settings(database_url=sqlite_url), adapters=[WidgetAdapter(), telegram]
    ) as bot:
        address = Address(Channel.TELEGRAM, chat="42", kind=ConversationKind.DIRECT)
        await bot.store.outbox.enqueue(
            message=OutboundMessage(address=address, text="hello"), author="test"
        )
        assert await bot.app.delivery.run_once() == 0
        [item] = await bot.store.outbox.items(status="pending")
        assert item.attempts == 0 and not telegram.attempts  # not claimed, no attempt spent
        telegram.state = ChannelState.UP
        bot.app.delivery.wake()
        await wait_until(lambda: len(telegram.sent) == 1, what="the holder to send it")
