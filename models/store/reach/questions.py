"""The once-only questions a person may be asked after they have been answered: "may we
contact you again now and then?" (consent) and the optional "which of these are you?" (group).
At most one per occasion, each at most once ever (remembered even when skipped), never to an
opted-out person, and counted towards (and held back by) the per-person contact cap."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol

from sqlalchemy import insert, select, union_all
from sqlalchemy.engine import Connection

from bot.events import Address, OutboundMessage, utcnow
from models.store.inbound.opt_outs import opted_out
from models.store.outbox import queue as outbox
from models.store.polls import definitions as polls
from models.store.polls.tables import Vote
from models.store.reach import ledger
from models.store.reach.tables import GroupQuestion, ReengageConsent
from models.store.tables import Contact

TABLES: dict[str, type[ReengageConsent] | type[GroupQuestion]] = {
    "consent": ReengageConsent,
    "group": GroupQuestion,
}
"""Where each question's asking is remembered (one row per person: the poll that asked)."""
AUTHORS = {"consent": "feedbot:reengage-consent", "group": "feedbot:group-question"}
LEDGER_KIND = "question"


class OnceAsk(Protocol):
    """How one once-only question is asked (decided in handlers)."""

    @property
    def topic(self) -> str:
        """ "consent" or "group" (a key of TABLES)."""
        ...

    @property
    def question(self) -> str:
        """The question, stored with its poll (in English)."""
        ...

    @property
    def kind(self) -> str:
        """The poll kind ("yes_no", "single")."""
        ...

    @property
    def options(self) -> list[tuple[str, str]]:
        """(key, English label) of each option."""
        ...

    def message(self, poll_id: int, address: Address, language: str) -> OutboundMessage:
        """The question as this conversation's channel shows it, in the person's language."""
        ...


def still_to_ask(conn: Connection, contact_ids: Sequence[int], topics: Sequence[str]) -> set[int]:
    """Those of these contacts with a question of ``topics`` never asked (the group question
    only while their group is unknown): a read, so a person asked everything costs no write."""
    left: set[int] = set()
    wanted = list(contact_ids)
    for topic in topics:
        table = TABLES[topic]
        covered = set(
            conn.execute(select(table.contact_id).where(table.contact_id.in_(wanted))).scalars()
        )
        if topic == "group":
            placed = select(Contact.id).where(
                Contact.id.in_(wanted), Contact.customer_group.is_not(None)
            )
            covered |= set(conn.execute(placed).scalars())
        left |= set(wanted) - covered
    return left


def ask_once(
    conn: Connection,
    contact_id: int,
    address: Address,
    asks: Sequence[OnceAsk],
    language: str,
    cap: tuple[int, timedelta] | None,
    answering: int | None = None,
) -> str | None:
    """Ask the first of ``asks`` this person was never asked (the group question only while
    their group is unknown): store its poll, remember it, queue its message and note the
    contact in the ledger. None (nothing queued) when every one was asked, the person opted
    out, reached the cap, or ``answering`` (the vote's message id) answers one of these."""
    if (
        opted_out(conn, [contact_id])
        or _answers_one(conn, answering)
        or _capped(conn, contact_id, cap)
    ):
        return None
    for ask in asks:
        table = TABLES[ask.topic]
        asked = select(table.contact_id).where(table.contact_id == contact_id)
        if conn.execute(asked).first() is not None:
            continue
        if ask.topic == "group" and _has_group(conn, contact_id):
            continue
        poll_id = polls.create(
            conn,
            targets=[polls.Target(address.channel.value, address.chat)],
            options=ask.options,
            question=ask.question,
            kind=ask.kind,
            status="open",
        )
        now = utcnow()
        conn.execute(insert(table).values(contact_id=contact_id, poll_id=poll_id, asked_at=now))
        message = ask.message(poll_id, address, language)
        outbox.enqueue_many(conn, [message], author=AUTHORS[ask.topic])
        ledger.record(conn, [contact_id], LEDGER_KIND, f"{ask.topic}:{poll_id}", now)
        return ask.topic
    return None


def group_answers(conn: Connection, message_ids: Sequence[int]) -> dict[int, str]:
    """For votes that answer a person's own group question: contact id → the option chosen."""
    query = (
        select(Vote.contact_id, Vote.options)
        .join(
            GroupQuestion,
            (GroupQuestion.poll_id == Vote.poll_id) & (GroupQuestion.contact_id == Vote.contact_id),
        )
        .where(Vote.message_id.in_(list(message_ids)))
        .order_by(Vote.id)
    )
    return {int(c): str(options[0]) for c, options in conn.execute(query) if options}


def _answers_one(conn: Connection, message_id: int | None) -> bool:
    """Whether this vote answers one of the once-only questions (then no second is asked)."""
    if message_id is None:
        return False
    asking = union_all(*(select(t.poll_id) for t in TABLES.values()))
    voted = select(Vote.id).where(Vote.message_id == message_id, Vote.poll_id.in_(asking))
    return conn.execute(voted).first() is not None


def _has_group(conn: Connection, contact_id: int) -> bool:
    found = select(Contact.customer_group).where(Contact.id == contact_id)
    return conn.execute(found).scalar() is not None


def _capped(conn: Connection, contact_id: int, cap: tuple[int, timedelta] | None) -> bool:
    """Whether the person was reached out to as often as the cap allows."""
    if cap is None or cap[0] <= 0:
        return False
    asked = ledger.asked_since(conn, [contact_id], utcnow() - cap[1])
    return asked.get(contact_id, 0) >= cap[0]
