"""Finding a person (channel + platform user id, pseudonym, or a queue item), their linked
contacts, and every row that is theirs: the scope an export or an erasure works on."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, delete, insert, or_, select, tuple_, union
from sqlalchemy.engine import Connection

from models.store.bridge.tables import BridgePost
from models.store.inbound.record import pseudonym
from models.store.inbox.tables import InboxEntry, InboxItem
from models.store.people.handles import handle_hash
from models.store.people.names import pseudonym_prefix
from models.store.people.tables import ContactHandle
from models.store.polls.tables import PollTarget
from models.store.rights.tables import ContactLink
from models.store.tables import Contact, ContactAddress, Conversation, Cursor, Message

OWN_KINDS = ("direct", "widget")
"""Conversations that belong to the person who writes there (a DM, a widget session)."""


@dataclass(frozen=True, slots=True)
class Who:
    """How a request names a person: channel and platform user id, a pseudonym, or an item."""

    channel: str = ""
    user: str = ""
    pseudonym: str = ""
    item_id: int | None = None
    handle: str = ""
    """A handle on ``channel`` (Telegram @username or id, Slack user id, X @handle)."""

    def describe(self) -> str:
        """How the person was named, for messages (never stored in the audit log)."""
        if self.item_id is not None:
            return f"the person of queue item {self.item_id}"
        if self.handle:
            return f"{self.channel} handle {self.handle}"
        return f"pseudonym {self.pseudonym}" if self.pseudonym else f"{self.channel} {self.user}"


class Ambiguous(LookupError):
    """A short pseudonym that more than one person's starts with."""


@dataclass(frozen=True, slots=True)
class Scope:
    """Every row id that holds something of one person, found before anything changes."""

    person_id: int
    contact_ids: list[int]
    user_ids: list[str]
    conversation_ids: list[int]
    message_ids: list[int]
    item_ids: list[int]
    poll_target_ids: list[int]
    cursor_names: list[str]
    handle_hashes: list[str] = field(default_factory=list)
    """Their hashed handles: the keys of their rows in the library's imported group list."""

    def ids(self, name: str) -> list[int] | list[str]:
        """One of the id lists by name (the registry names them)."""
        found: list[int] | list[str] = getattr(self, name)
        return found


def find_contact(conn: Connection, who: Who, *, key: bytes) -> int | None:
    """The contact a request names, if any is held."""
    if who.item_id is not None:
        query = select(InboxItem.contact_id).where(InboxItem.id == who.item_id)
        return conn.execute(query).scalar_one_or_none()
    if who.pseudonym:
        return _by_pseudonym(conn, who.pseudonym)
    if who.handle:
        found = by_handle(conn, key, who.channel, who.handle)
        return found if found is not None else _by_user(conn, who.channel, who.handle, key)
    return _by_user(conn, who.channel, who.user, key)


def _by_user(conn: Connection, channel: str, user: str, key: bytes) -> int | None:
    found = _exact(conn, pseudonym(key, channel, user))
    return found if found is not None else _by_address(conn, channel, user)


def _by_pseudonym(conn: Connection, given: str) -> int | None:
    """By a full pseudonym, or the short one staff see ('Person 0B3A91C2', '0b3a91c2')."""
    found = _exact(conn, given)
    prefix = pseudonym_prefix(given)
    return found if found is not None or prefix is None else by_prefix(conn, prefix)


def _exact(conn: Connection, value: str) -> int | None:
    return conn.execute(select(Contact.id).where(Contact.pseudonym == value)).scalar_one_or_none()


def by_handle(conn: Connection, key: bytes, channel: str, handle: str) -> int | None:
    """The contact known by a handle on a channel (its keyed hash is looked up)."""
    wanted = handle_hash(key, channel, handle)
    query = select(ContactHandle.contact_id).where(ContactHandle.hash == wanted)
    return conn.execute(query).scalar_one_or_none() if wanted else None


def by_prefix(conn: Connection, prefix: str) -> int | None:
    """The contact of the person whose pseudonym starts with ``prefix`` (lower-case hex);
    ``Ambiguous`` when it names several people."""
    query = select(Contact.id).where(Contact.pseudonym.like(f"{prefix}%")).limit(5)
    contacts = list(conn.execute(query).scalars())
    if len({person_of(conn, c)[0] for c in contacts}) > 1:
        raise Ambiguous(f"several people have a pseudonym starting {prefix.upper()}")
    return contacts[0] if contacts else None


def _by_address(conn: Connection, channel: str, user: str) -> int | None:
    """By the stored address (a contact recorded under another pseudonym key)."""
    query = (
        select(Contact.id)
        .join(ContactAddress, ContactAddress.contact_id == Contact.id)
        .where(Contact.channel == channel, ContactAddress.platform_user_id == user)
    )
    return conn.execute(query.limit(1)).scalar_one_or_none()


def person_of(conn: Connection, contact_id: int) -> tuple[int, list[int]]:
    """The person id of a contact and all the contacts linked to it (itself included)."""
    query = select(ContactLink.person_id).where(ContactLink.contact_id == contact_id)
    person = conn.execute(query).scalar_one_or_none()
    if person is None:
        return contact_id, [contact_id]
    members = select(ContactLink.contact_id).where(ContactLink.person_id == person)
    return person, sorted(conn.execute(members).scalars())


def link(conn: Connection, a: int, b: int) -> list[int]:
    """Make two contacts (and whoever each is already linked to) one person; the contacts."""
    members = sorted(set(person_of(conn, a)[1]) | set(person_of(conn, b)[1]))
    conn.execute(delete(ContactLink).where(ContactLink.contact_id.in_(members)))
    rows = [{"contact_id": c, "person_id": members[0]} for c in members]
    conn.execute(insert(ContactLink), rows)
    return members


def scope(conn: Connection, contact_id: int) -> Scope:
    """Everything of the person a contact belongs to."""
    person, contacts = person_of(conn, contact_id)
    conversations = _own_conversations(conn, contacts)
    items = list(conn.execute(select(InboxItem.id).where(InboxItem.contact_id.in_(contacts))))
    item_ids = sorted(i for (i,) in items)
    users = select(ContactAddress.platform_user_id).where(ContactAddress.contact_id.in_(contacts))
    user_ids = sorted(set(conn.execute(users).scalars()))
    return Scope(
        person_id=person,
        contact_ids=contacts,
        user_ids=user_ids,
        conversation_ids=conversations,
        message_ids=sorted(
            int(i) for (i,) in conn.execute(_messages(contacts, conversations, item_ids))
        ),
        item_ids=item_ids,
        poll_target_ids=_poll_targets(conn, conversations),
        cursor_names=_cursors(conn, conn_chats(conn, conversations), user_ids),
        handle_hashes=_handles(conn, contacts),
    )


def _handles(conn: Connection, contacts: list[int]) -> list[str]:
    """The keyed hashes of the handles their contacts are known by."""
    query = select(ContactHandle.hash).where(ContactHandle.contact_id.in_(contacts))
    return sorted(conn.execute(query).scalars())


def _own_conversations(conn: Connection, contacts: list[int]) -> list[int]:
    """Their DMs and widget sessions: conversations of an own kind they wrote in."""
    query = (
        select(Conversation.id)
        .where(Conversation.kind.in_(OWN_KINDS))
        .where(
            Conversation.id.in_(
                select(Message.conversation_id).where(Message.contact_id.in_(contacts))
            )
        )
    )
    return sorted(conn.execute(query).scalars())


def _messages(contacts: list[int], conversations: list[int], items: list[int]) -> Select[Any]:
    """What they sent, what was said in their own conversations, replies to them, and the
    staff channel's copies (cards, thread lines) about their items."""
    theirs = Message.contact_id.in_(contacts)
    refs = union(
        select(Message.platform_id).where(theirs),
        select(Message.reply_ref).where(theirs, Message.reply_ref != ""),
    )
    replies = select(InboxEntry.message_id).where(
        InboxEntry.item_id.in_(items), InboxEntry.message_id.is_not(None)
    )
    staff_channel = select(BridgePost.message_id).where(BridgePost.item_id.in_(items))
    return select(
        union(
            select(Message.id).where(
                or_(Message.contact_id.in_(contacts), Message.conversation_id.in_(conversations))
            ),
            select(Message.id).where(
                Message.conversation_id.in_(select(Message.conversation_id).where(theirs)),
                Message.direction == "out",
                Message.reply_ref.in_(refs),
            ),
            replies,
            staff_channel,
        )
        .subquery()
        .c[0]
    )


def conn_chats(conn: Connection, conversations: list[int]) -> list[tuple[str, str]]:
    """(channel, chat) of conversations."""
    query = select(Conversation.channel, Conversation.chat).where(
        Conversation.id.in_(conversations)
    )
    return [(c, chat) for c, chat in conn.execute(query)]


def _poll_targets(conn: Connection, conversations: list[int]) -> list[int]:
    """Polls (CSAT questions included) sent to them in their own conversations."""
    chats = conn_chats(conn, conversations)
    if not chats:
        return []
    query = select(PollTarget.id).where(tuple_(PollTarget.channel, PollTarget.chat).in_(chats))
    return sorted(conn.execute(query).scalars())


def _cursors(conn: Connection, chats: list[tuple[str, str]], users: Iterable[str]) -> list[str]:
    """Cursor rows that point into their chats (a Telegram poll's "chat:message")."""
    marks = {chat for _, chat in chats} | set(users)
    rows = conn.execute(select(Cursor.name, Cursor.value)).all()
    return sorted(n for n, v in rows if _points_at(n, v, marks))


def _points_at(name: str, value: str, marks: set[str]) -> bool:
    head = value.rpartition(":")[0]
    return any(m and (value == m or head == m or name.endswith(f".{m}")) for m in marks)
