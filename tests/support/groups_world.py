"""A term of feedback from people of known groups, for coverage tests and the coverage page:
8 undergraduates and 2 academics wrote (on Telegram and the widget), 3 people of no known
group; the public, 5,000 of the 16,500 people served, wrote nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.events import Address, Channel, ConversationKind, EventKind, InboundEvent
from config.groups import CustomerGroups, Group
from models.classification import Classification
from models.store import Store
from models.store.inbound.record import pseudonym
from models.store.tables import Contact

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)
POPULATION = {
    "undergraduate": 10_000,
    "public": 5_000,
    "academic_staff": 1_000,
    "postgraduate_research": 500,
}
WROTE = {"undergraduate": 8, "academic_staff": 2, "": 3}


def groups() -> CustomerGroups:
    """The default groups with the populations above (the others not known)."""
    base = CustomerGroups()
    filled = {n: Group(population=POPULATION.get(n, 0)) for n in base.groups}
    return CustomerGroups(groups=filled, small_count=5, under_heard_below=0.5)


def _event(n: int, channel: Channel, at: datetime) -> InboundEvent:
    user = f"person-{n}"
    kind = ConversationKind.WIDGET if channel == Channel.WIDGET else ConversationKind.DIRECT
    return InboundEvent(
        channel=channel,
        platform_id=f"m-{n}-{at.timestamp()}",
        kind=EventKind.MESSAGE,
        sender=user,
        address=Address(channel, chat=user, kind=kind),
        text=f"feedback {n}",
        occurred_at=at,
    )


async def fill(store: Store, at: datetime = NOW) -> None:
    """The people above, each with one message in the days before ``at``, placed in their
    groups."""
    events, who, n = [], {}, 0
    for group, count in WROTE.items():
        for _ in range(count):
            channel = Channel.WIDGET if n % 2 else Channel.TELEGRAM
            events.append(_event(n, channel, at - timedelta(days=3, minutes=n)))
            who[n] = group
            n += 1
    recorded = await store.messages.record(events=events)
    verdict = Classification("negative", {"negative": 0.9}, "noise", 0.9, "test")
    await store.classifications.save(verdicts=[(r.message_id, verdict) for r in recorded])
    query = select(Contact.pseudonym, Contact.id)
    contacts = dict(await store.read(lambda c: [tuple(r) for r in c.execute(query)]))
    for i, group in who.items():
        key = pseudonym(store.pseudonym_key, events[i].channel, events[i].sender)
        if group:
            await store.people.place(contact_ids=[contacts[key]], group=group, source="import")
