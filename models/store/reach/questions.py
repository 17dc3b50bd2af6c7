"""The once-only questions a person may be asked after they have been answered: "may we
contact you again now and then?" (consent) and the optional "which of these are you?" (group).
At most one per occasion, each at most once ever (remembered even when skipped), never to an
opted-out person, and counted towards (and held back by) the per-person contact cap."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from sqlalchemy import select, union_all
from sqlalchemy.engine import Connection

from bot.events import Address, OutboundMessage, utcnow
from models.store.inbound.opt_outs import opted_out
from models.store.outbox import queue as outbox
from models.store.polls import definitions as polls
from models.store.polls.tables import Vote
from models.store.reach import ledger
from models.store.reach.tables import GroupQuestion, ReengageConsent
from models.store.tables import Contact
from models.store.upsert import insert_ignore

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


@dataclass(frozen=True, slots=True)
class Asking:
    """A person who may be asked after their vote: where (the vote's conversation), in which
    language, and the vote's message id (a vote that answers one of these questions occasions
    none)."""

    contact_id: int
    address: Address
    language: str
    answering: int | None = None
    conversation_id: int = 0
    """The id of the conversation at ``address`` (0: looked up when the question is queued)."""


def still_to_ask(conn: Connection, contact_ids: Sequence[int], topics: Sequence[str]) -> set[int]:
    """Those of these contacts with a question of ``topics`` never asked (the group question
    only while their group is unknown): a read, so a person asked everything costs no write."""
    wanted = list(contact_ids)
    left: set[int] = set()
    for topic in topics:
        left |= set(wanted) - _covered(conn, topic, wanted)
    return left


def ask_once_many(
    conn: Connection,
    people: Sequence[Asking],
    asks: Sequence[OnceAsk],
    cap: tuple[int, timedelta] | None,
) -> dict[int, str]:
    """Ask each of these people the first of ``asks`` they were never asked (the group question
    only while their group is unknown): store a poll of their own, remember it, queue its
    message and note the contact in the ledger, with a few statements for them all. Contact id
    → the topic asked; nothing for a person asked everything, opted out, at the cap, or whose
    vote answers one of these. The asking is remembered under the person's key, skipping a
    clash: someone another process asked meanwhile is asked nothing here (their poll dropped)."""
    who = _eligible(conn, list({p.contact_id: p for p in people}.values()), cap)
    if not who:
        return {}
    chosen = _first_unasked(conn, [p.contact_id for p in who], asks)
    asked: dict[int, str] = {}
    for ask in asks:
        asked |= _put(conn, ask, [p for p in who if chosen.get(p.contact_id) is ask])
    return asked


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


def _eligible(
    conn: Connection, people: list[Asking], cap: tuple[int, timedelta] | None
) -> list[Asking]:
    """Those not opted out, under the cap, and not answering one of these questions."""
    ids = [p.contact_id for p in people]
    skip = opted_out(conn, ids) | _capped(conn, ids, cap)
    answers = _answers(conn, [p.answering for p in people if p.answering is not None])
    return [p for p in people if p.contact_id not in skip and p.answering not in answers]


def _first_unasked(
    conn: Connection, contact_ids: list[int], asks: Sequence[OnceAsk]
) -> dict[int, OnceAsk]:
    """Each contact's first question never asked (those asked everything: absent)."""
    covered = {ask.topic: _covered(conn, ask.topic, contact_ids) for ask in asks}
    firsts = ((c, next((a for a in asks if c not in covered[a.topic]), None)) for c in contact_ids)
    return {c: ask for c, ask in firsts if ask is not None}


def _put(conn: Connection, ask: OnceAsk, people: list[Asking]) -> dict[int, str]:
    """Ask these people ``ask``: their polls, remembered (a clash: that poll dropped), their
    messages queued and the contacts noted; contact id → topic, for those asked here."""
    if not people:
        return {}
    targets = [polls.Target(p.address.channel.value, p.address.chat) for p in people]
    poll_ids = polls.open_many(
        conn, targets=targets, options=ask.options, question=ask.question, kind=ask.kind
    )
    now, table = utcnow(), TABLES[ask.topic]
    rows = [
        {"contact_id": p.contact_id, "poll_id": i, "asked_at": now}
        for p, i in zip(people, poll_ids, strict=True)
    ]
    remember = insert_ignore(conn.dialect.name, table).returning(table.contact_id)
    kept = {int(c) for c in conn.execute(remember, rows).scalars()}
    asked = [(p, i) for p, i in zip(people, poll_ids, strict=True) if p.contact_id in kept]
    polls.drop(conn, [i for p, i in zip(people, poll_ids, strict=True) if p.contact_id not in kept])
    messages = [ask.message(i, p.address, p.language) for p, i in asked]
    known = {_key(p.address): p.conversation_id for p, _ in asked if p.conversation_id}
    outbox.enqueue_many(conn, messages, author=AUTHORS[ask.topic], known=known)
    refs = {p.contact_id: f"{ask.topic}:{i}" for p, i in asked}
    ledger.record_each(conn, refs, LEDGER_KIND, now)
    return dict.fromkeys(refs, ask.topic)


def _key(address: Address) -> tuple[str, str, str]:
    return address.channel.value, address.chat, address.thread


def _covered(conn: Connection, topic: str, contact_ids: list[int]) -> set[int]:
    """Those of these contacts never to be asked the question of ``topic`` again: asked it,
    or (the group question) with a known group."""
    table = TABLES[topic]
    asked = select(table.contact_id).where(table.contact_id.in_(contact_ids))
    covered = {int(c) for c in conn.execute(asked).scalars()}
    if topic == "group":
        placed = select(Contact.id).where(
            Contact.id.in_(contact_ids), Contact.customer_group.is_not(None)
        )
        covered |= {int(c) for c in conn.execute(placed).scalars()}
    return covered


def _answers(conn: Connection, message_ids: list[int]) -> set[int]:
    """Those of these votes that answer one of the once-only questions."""
    if not message_ids:
        return set()
    asking = union_all(*(select(t.poll_id) for t in TABLES.values()))
    voted = select(Vote.message_id).where(
        Vote.message_id.in_(message_ids), Vote.poll_id.in_(asking)
    )
    return {int(m) for m in conn.execute(voted).scalars()}


def _capped(
    conn: Connection, contact_ids: list[int], cap: tuple[int, timedelta] | None
) -> set[int]:
    """Those of these contacts reached out to as often as the cap allows."""
    if cap is None or cap[0] <= 0:
        return set()
    asked = ledger.asked_since(conn, contact_ids, utcnow() - cap[1])
    return {c for c, n in asked.items() if n >= cap[0]}
