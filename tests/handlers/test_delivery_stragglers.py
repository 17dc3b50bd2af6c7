"""One send that hangs (an SMTP server that reads the message and says nothing) does not hold up
the others: a Slack reply queued after it is delivered at once, through the real adapters
against aiosmtpd and FakeSlack; the hanging send is recorded exactly once when it ends, and a
stop during it records it or leaves it leased for the next start (no loss, no double)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from bot.adapters.email import EmailAdapter, SmtpServer
from bot.adapters.slack import SlackAdapter
from bot.channel import ChannelState, Sender
from bot.events import Address, Channel, OutboundMessage
from handlers.delivery import BATCH, Delivery
from handlers.metrics import Metrics
from models.store import Store
from models.store.outbox.outcomes import Settled
from tests.fakes.adapter import RecordingAdapter
from tests.fakes.slack import FakeSlack
from tests.fakes.smtp import HoldingInbox, free_port, smtp_server
from tests.fakes.waiting import wait_until

MAIL = OutboundMessage(Address(Channel.EMAIL, chat="lead@lib.example"), "digest", subject="W45")
REPLY = OutboundMessage(Address(Channel.SLACK, chat="D01DSTUD1"), "We fixed the heating.")


@contextmanager
def silent_smtp() -> Iterator[tuple[HoldingInbox, int]]:
    """An SMTP server that reads each message and answers nothing until released."""
    inbox, port = HoldingInbox(), free_port()
    inbox.holding.set()
    with smtp_server(port, inbox):
        try:
            yield inbox, port
        finally:
            inbox.holding.clear()


def delivery(
    store: Store, adapters: dict[Channel, Sender], *, lease_s: float, grace_s: float = 10.0
) -> tuple[Delivery, list[Settled]]:
    """The outbox worker on these adapters, and the outcomes it records, in order."""
    recorded: list[Settled] = []

    async def follow(outcomes: list[Settled]) -> None:
        recorded.extend(outcomes)

    worker = Delivery(
        store,
        adapters,
        Metrics(),
        max_attempts=8,
        base_delay=0.1,
        max_delay=0.1,
        lease_s=lease_s,
        unsure_wait_s=0.2,
        grace_s=grace_s,
    )
    worker.follow(follow)
    return worker, recorded


def mail(port: int, *, timeout_s: float = 30.0) -> EmailAdapter:
    return EmailAdapter(
        SmtpServer("127.0.0.1", port, starttls=False, timeout_s=timeout_s), sender="bot@lib.example"
    )


async def queue(store: Store, worker: Delivery, message: OutboundMessage) -> int:
    await store.outbox.enqueue(message=message, author="bot")
    worker.wake()
    [item] = [i for i in await store.outbox.items() if i.text == message.text]
    return item.id


async def test_a_slack_reply_is_not_held_up_by_a_silent_mail_server(store: Store) -> None:
    with silent_smtp() as (inbox, port):
        async with FakeSlack() as slack:
            adapters: dict[Channel, Sender] = {
                Channel.EMAIL: mail(port, timeout_s=5),
                Channel.SLACK: SlackAdapter(
                    bot_token=slack.identity.bot_token, api_url=slack.api_url
                ),
            }
            worker, recorded = delivery(store, adapters, lease_s=20)
            worker.start()
            try:
                mail_id = await queue(store, worker, MAIL)
                await wait_until(lambda: inbox.held == 1, what="the server to sit on the mail")
                queued = time.monotonic()
                reply_id = await queue(store, worker, REPLY)
                await wait_until(lambda: slack.history.in_channel("D01DSTUD1"), within=2.5)
                assert time.monotonic() - queued < 2.5  # the mail hangs for 5 s
                await wait_until(lambda: reply_id in {o.item_id for o in recorded}, within=1)
                assert mail_id not in {o.item_id for o in recorded}  # still in flight
                await wait_until(lambda: mail_id in {o.item_id for o in recorded}, within=10)
            finally:
                await worker.stop()
    assert [o.item_id for o in recorded] == [reply_id, mail_id]  # each recorded once
    [late] = [o for o in recorded if o.item_id == mail_id]
    assert (late.status, late.unsure) == ("retry", 1)  # of unknown outcome: not resent blindly
    states = {i.id: (i.status, i.attempts) for i in await store.outbox.items()}
    assert states == {reply_id: ("sent", 1), mail_id: ("pending", 1)}
    assert len(inbox.messages) == 0


async def test_a_stop_during_a_hang_leaves_it_leased_and_the_next_start_sends_it_once(
    store: Store,
) -> None:
    with silent_smtp() as (inbox, port):
        worker, recorded = delivery(store, {Channel.EMAIL: mail(port)}, lease_s=4, grace_s=0.3)
        worker.start()
        mail_id = await queue(store, worker, MAIL)
        await wait_until(lambda: inbox.held == 1, what="the server to sit on the mail")
        began = time.monotonic()
        await worker.stop()
        assert time.monotonic() - began < 2
        assert recorded == []
        assert await store.outbox.claim(limit=5, lease=timedelta(seconds=1)) == []  # leased
        inbox.holding.clear()  # the held copy is refused: it never arrives
        await asyncio.sleep(4)  # the lease lapses
        again, recorded = delivery(store, {Channel.EMAIL: mail(port)}, lease_s=4)
        await wait_until(lambda: again.run_once(), what="the interrupted send to be taken")
        await wait_until(lambda: sent_once(store, again), what="the resend")
    [item] = await store.outbox.items()
    assert (item.id, item.status, item.maybe_twice) == (mail_id, "sent", True)
    assert len(inbox.messages) == 1
    assert [o.status for o in recorded] == ["retry", "sent"]  # looked on as interrupted, once


async def test_a_hang_that_ends_within_the_grace_period_is_recorded_by_stop(store: Store) -> None:
    with silent_smtp() as (inbox, port):
        worker, recorded = delivery(store, {Channel.EMAIL: mail(port)}, lease_s=20, grace_s=5)
        worker.start()
        mail_id = await queue(store, worker, MAIL)
        await wait_until(lambda: inbox.held == 1, what="the server to sit on the mail")
        threading.Timer(0.5, inbox.holding.clear).start()  # then it refuses the mail (451)
        await worker.stop()
    assert [(o.item_id, o.status, o.unsure) for o in recorded] == [(mail_id, "retry", None)]
    [item] = await store.outbox.items()
    assert (item.status, item.attempts) == ("pending", 1)


async def sent_once(store: Store, worker: Delivery) -> bool:
    """One more turn of the outbox; whether everything in it is sent."""
    await worker.run_once()
    return set(await store.outbox.counts()) == {"sent"}


class Dead:
    """A platform that takes each send and answers none until ``gate`` is set."""

    state = ChannelState.UP

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.waiting = self.most = self.sent = 0

    async def send(self, message: OutboundMessage) -> str:
        self.waiting += 1
        self.most = max(self.most, self.waiting)
        await self.gate.wait()
        self.waiting -= 1
        self.sent += 1
        return f"m{self.sent}"


async def test_a_dead_platform_holds_at_most_a_batch_in_flight_and_nothing_else(
    store: Store,
) -> None:
    dead, slack = Dead(), RecordingAdapter(Channel.SLACK)
    worker, recorded = delivery(store, {Channel.EMAIL: dead, Channel.SLACK: slack}, lease_s=20)
    mails = [OutboundMessage(MAIL.address, f"alert {n}") for n in range(3 * BATCH)]
    await store.outbox.enqueue_many(messages=mails, author="bot")
    worker.start()
    try:
        await wait_until(lambda: dead.waiting == BATCH, what="a batch of mail in flight")
        await queue(store, worker, REPLY)
        await wait_until(lambda: slack.sent, within=2, what="the reply past the dead platform")
        assert dead.most == BATCH  # no more of its items were claimed meanwhile
        dead.gate.set()
        await wait_until(lambda: len(recorded) == 3 * BATCH + 1, what="everything recorded")
    finally:
        await worker.stop()
    assert len({o.item_id for o in recorded}) == len(recorded)
    assert (await store.outbox.counts()) == {"sent": 3 * BATCH + 1}
