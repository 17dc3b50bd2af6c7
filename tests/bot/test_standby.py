"""One process holds an exclusive platform connection: the other stands by (and leaves that
channel's outbox to the holder), and takes over when the holder stops or cannot renew."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from datetime import datetime, timedelta

import pytest

from bot.adapters.widget import WidgetAdapter
from bot.channel import ChannelState, EventSink
from bot.events import Address, Channel, ConversationKind, OutboundMessage
from bot.standby import Exclusive
from config.settings import Settings
from models.store import Store
from models.store.jobs.leases import Leases
from models.store.migrate import upgrade_async
from tests.fakes.adapter import RecordingAdapter
from tests.fakes.running import RunningBot, running_bot
from tests.fakes.waiting import wait_until
from tests.fakes.x import FakeX

TTL = timedelta(seconds=0.6)
LEASE_S = 3.0  # FEEDBOT_CONNECTION_LEASE_S's floor
SECRET = "standby-session-secret-0123456789"
HOSTS = ("127.0.0.1", "localhost")  # one name of the fake X per process, to tell their reads apart


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


def x_on(fake: FakeX, host: str) -> dict[str, object]:
    """Settings that switch polling X on through the composition root, reaching the fake as
    ``host`` (X's OAuth signature covers api.twitter.com, not the host the request went to)."""
    keys = fake.keys
    return {
        "x_consumer_key": keys.consumer_key,
        "x_consumer_secret": keys.consumer_secret,
        "x_access_token": keys.access_token,
        "x_access_token_secret": keys.access_token_secret,
        "x_api_url": fake.url.replace("127.0.0.1", host),
        "x_poll_interval_s": 1,
        "connection_lease_s": LEASE_S,
    }


def x_of(bot: RunningBot) -> Exclusive:
    found = next(a for a in bot.app.adapters if a.channel is Channel.X)
    assert isinstance(found, Exclusive), "polling X runs under the connection lease"
    return found


def reads_by(fake: FakeX, host: str) -> int:
    """The X API reads (mentions, DMs, sign-in) one process made."""
    return len([c for c in fake.calls if c.method == "GET" and c.host.startswith(f"{host}:")])


def replies_to(fake: FakeX, tweet_id: str) -> int:
    refs = [t.get("referenced_tweets") or [{}] for t in fake.created_tweets()]
    return len([r for r in refs if r[0].get("id") == tweet_id])


async def test_one_process_polls_x_and_the_other_takes_over_when_it_stops(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip("several processes share a PostgreSQL database, not a SQLite file")
    stacks = (AsyncExitStack(), AsyncExitStack())
    async with FakeX() as fake, stacks[0], stacks[1]:
        bots = [
            await stack.enter_async_context(
                running_bot(
                    make_settings(database_url=db_url, session_secret=SECRET, **x_on(fake, host))
                )
            )
            for stack, host in zip(stacks, HOSTS, strict=True)
        ]
        await wait_until(
            lambda: sorted(x_of(b).state.value for b in bots) == ["standby", "up"],
            what="one process to poll X and the other to stand by",
        )
        held = next(n for n, b in enumerate(bots) if x_of(b).holding)
        holder, other = HOSTS[held], HOSTS[1 - held]
        mention = fake.mention("@uni_library is the wifi down on the 2nd floor?")
        await wait_until(lambda: replies_to(fake, mention["id"]) == 1, what="the acknowledgement")
        rounds = reads_by(fake, holder)
        await wait_until(lambda: reads_by(fake, holder) >= rounds + 4, what="more polling rounds")
        assert reads_by(fake, other) == 0, "the standby process read X"
        stored = [m for m in await bots[0].store.messages.find() if m.platform_id == mention["id"]]
        assert len(stored) == 1 and replies_to(fake, mention["id"]) == 1

        await stacks[held].aclose()  # a clean stop gives the lease up
        survivor = x_of(bots[1 - held])
        stopped_reads = reads_by(fake, holder)
        await wait_until(lambda: survivor.holding, within=LEASE_S, what="the standby to take over")
        later = fake.mention(  # someone else: X refuses a duplicate of the same reply
            "@uni_library are the printers down too?", author_id="2200000000000000009", username="b"
        )
        await wait_until(lambda: replies_to(fake, later["id"]) == 1, what="the survivor's reply")
        assert reads_by(fake, other) > 0 and reads_by(fake, holder) == stopped_reads
        found = await bots[1 - held].store.messages.find(channel="x")
        assert sorted(m.platform_id for m in found if m.direction == "in") == sorted(
            [mention["id"], later["id"]]
        )
        assert replies_to(fake, mention["id"]) == 1  # the first is not answered again


async def test_x_in_webhook_mode_runs_in_every_process(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with FakeX() as fake:
        settings = make_settings(
            database_url=sqlite_url, x_webhook_enabled=True, **x_on(fake, HOSTS[0])
        )
        async with running_bot(settings) as bot:
            found = next(a for a in bot.app.adapters if a.channel is Channel.X)
            assert not isinstance(found, Exclusive)
