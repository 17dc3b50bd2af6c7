"""A store where staff wrote two polls and many people were asked the consent question (one
poll each), stored through the store's own calls; the answers are written as votes."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, select

from bot.adapters.catalog import CAPABILITIES
from bot.events import Address, Channel, ConversationKind, EventKind, InboundEvent
from handlers.reach.once import ConsentQuestion
from models.store import Store
from models.store.polls.definitions import Target
from models.store.polls.tables import Vote
from models.store.reach.questions import Asking
from models.store.reach.tables import ReengageConsent
from models.store.tables import Message
from tests.fakes.wording import shipped_wording

REAL_POLLS = ("Should the library open on Sundays?", "Which workshop next term?")
VOTED_AT = datetime(2026, 10, 28, 12, tzinfo=UTC)


async def real_polls(store: Store) -> list[int]:
    """The two polls staff wrote (one open yes/no, one draft choice poll)."""
    sundays = await store.polls.create(
        targets=[Target("widget")],
        options=[("yes", "Yes"), ("no", "No")],
        question=REAL_POLLS[0],
        kind="yes_no",
        status="open",
    )
    workshop = await store.polls.create(
        targets=[Target("telegram", "-100123")],
        options=[("ref", "Referencing"), ("lit", "Literature searching")],
        question=REAL_POLLS[1],
        kind="single",
    )
    return [sundays, workshop]


async def asked_consent(
    store: Store, *, people: int, yes: int, no: int, voted_at: datetime = VOTED_AT
) -> list[int]:
    """``people`` people who each wrote once on Telegram and were asked the consent question;
    the first ``yes`` answered yes, the next ``no`` answered no (at ``voted_at``). Their
    polls' ids."""
    addresses = [
        Address(Channel.TELEGRAM, chat=str(7000 + i), kind=ConversationKind.DIRECT)
        for i in range(people)
    ]
    events = [
        InboundEvent(
            channel=Channel.TELEGRAM,
            platform_id=f"asked-{i}",
            kind=EventKind.MESSAGE,
            sender=f"asked-{i}",
            address=a,
            text="thanks for the help",
            occurred_at=datetime(2026, 10, 1, tzinfo=UTC),
        )
        for i, a in enumerate(addresses)
    ]
    messages = [r.message_id for r in await store.messages.record(events=events)]
    contacts = await _contacts(store, messages)
    asking = [Asking(c, a, "en") for c, a in zip(contacts, addresses, strict=True)]
    ask = ConsentQuestion(shipped_wording(), CAPABILITIES)
    assert len(await store.reach.ask_once_many(people=asking, asks=[ask])) == people
    polls = await _polls(store, contacts)
    answers = ["yes"] * yes + ["no"] * no
    votes = [
        {
            "poll_id": p,
            "contact_id": c,
            "channel": "telegram",
            "options": [answer],
            "message_id": m,
            "voted_at": voted_at,
        }
        for p, c, m, answer in zip(polls, contacts, messages, answers, strict=False)
    ]
    await store._db.write(lambda c: c.execute(insert(Vote), votes))
    return polls


async def _contacts(store: Store, messages: list[int]) -> list[int]:
    query = select(Message.id, Message.contact_id).where(Message.id.in_(messages))
    found = {m: c for m, c in await store.read(lambda c: c.execute(query).all()) if c is not None}
    return [int(found[m]) for m in messages]


async def _polls(store: Store, contacts: list[int]) -> list[int]:
    query = select(ReengageConsent.contact_id, ReengageConsent.poll_id)
    found = dict(await store.read(lambda c: c.execute(query).all()))
    return [int(found[c]) for c in contacts]
