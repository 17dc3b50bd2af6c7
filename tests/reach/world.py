"""A small world of people for the send tests: who wrote what where, their groups, opt-outs
and earlier asks, stored through the store's own calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update

from bot.adapters.catalog import CAPABILITIES
from bot.events import Address, Channel, ConversationKind, EventKind, InboundEvent, utcnow
from config.reach import ContactCap
from handlers.reach.service import Reach, Sends
from handlers.reach.spec import Known
from handlers.speaking import Fixed
from models.classification import Classification
from models.store import Store
from models.store.polls.tables import Vote
from models.store.reach.tables import GroupQuestion, ReengageConsent
from models.store.tables import Contact, Message
from models.store.widget.sessions import Limits
from tests.fakes.wording import shipped_wording

OCT_1 = datetime(2026, 10, 1, tzinfo=UTC)
LIMITS = Limits(per_session=60, per_address=600, new_per_address=60, lifetime=timedelta(days=1))
KNOWN = Known(
    groups=frozenset({"postgraduate_taught", "postgraduate_research", "undergraduate", "public"}),
    channels=frozenset(c.value for c in CAPABILITIES),
    topics=frozenset({"e_resources", "printing_and_scanning", "other"}),
)


@dataclass
class World:
    """The store and the people in it, by name → contact id."""

    store: Store
    ids: dict[str, int] = field(default_factory=dict)
    n: int = 0

    async def person(
        self,
        name: str,
        *,
        channel: Channel,
        chat: str,
        kind: ConversationKind,
        topic: str = "e_resources",
        group: str | None = "postgraduate_research",
        days_ago: float = 3,
    ) -> int:
        """Someone who wrote about ``topic`` in a conversation of ``kind``, ``days_ago``."""
        self.n += 1
        event = InboundEvent(
            channel=channel,
            platform_id=f"w-{self.n}",
            kind=EventKind.MESSAGE,
            sender=name,
            address=Address(channel, chat=chat, kind=kind),
            text=f"about {topic}",
            occurred_at=datetime.now(UTC) - timedelta(days=days_ago),
        )
        [receipt] = await self.store.messages.record(events=[event])
        verdict = Classification("negative", {}, topic, 0.9, "v1")
        await self.store.classifications.save(verdicts=[(receipt.message_id, verdict)])
        found = select(Message.contact_id).where(Message.id == receipt.message_id)
        contact_id = int(await self.store.read(lambda c: c.execute(found).scalar_one()))
        grouped = update(Contact).where(Contact.id == contact_id).values(customer_group=group)
        await self.store._db.write(lambda c: c.execute(grouped))
        self.ids[name] = contact_id
        return contact_id

    async def widget_session(self) -> str:
        """A widget session the server issued (still open)."""
        token = await self.store.sessions.issue(address="192.0.2.1", limits=LIMITS)
        assert token is not None
        await self.store.sessions.flush()
        return token


def sends(store: Store, *, cap: int = 2, language: str = "en") -> Sends:
    """The send use case over every channel, with a cap of ``cap`` a week and no quiet hours."""
    return Sends(
        store,
        CAPABILITIES,
        wording=shipped_wording(),
        known=KNOWN,
        languages=Fixed(language),
        reach=Reach(
            cap=ContactCap(invitations=cap, days=7), quiet_hours=None, zone=ZoneInfo("UTC")
        ),
    )


async def answer_own_question(
    store: Store,
    table: type[GroupQuestion] | type[ReengageConsent],
    contact_id: int,
    option: str,
    *,
    ago: timedelta = timedelta(0),
) -> int:
    """The person's vote on their own question (its poll found in ``table``), ``ago`` before now,
    as the tally stores it; the id of the person's message it points at."""
    query = select(table.poll_id).where(table.contact_id == contact_id)
    poll_id = await store.read(lambda c: c.execute(query).scalar_one())
    message_id = await store.read(
        lambda c: c.execute(select(Message.id).where(Message.contact_id == contact_id)).scalar()
    )
    row = {
        "poll_id": poll_id,
        "contact_id": contact_id,
        "channel": "telegram",
        "options": [option],
        "message_id": message_id,
        "voted_at": utcnow() - ago,
    }
    await store._db.write(lambda c: c.execute(insert(Vote).values(row)))
    return int(message_id)
