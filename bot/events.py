"""Platform-neutral event types: what adapters produce and consume. No I/O, no imports of ours."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType

_NAME = re.compile(r"[a-z][a-z0-9_-]{0,31}")


class Channel(enum.StrEnum):
    """A place customers talk to the library."""

    WIDGET = "widget"
    SLACK = "slack"
    TELEGRAM = "telegram"
    X = "x"
    EMAIL = "email"
    """Outbound only: staff alerts and the digest by e-mail (its chat: the recipients)."""

    @classmethod
    def _missing_(cls, value: object) -> Channel | None:
        """A channel named by its own adapter (a new one, registered in the catalog without a
        member here): any short lower-case name is a channel, equal to its name like the
        members are. Anything else is refused (a ValueError)."""
        if not isinstance(value, str) or not _NAME.fullmatch(value):
            return None
        found = str.__new__(cls, value)
        found._name_ = value.upper()
        found._value_ = value
        return found


class EventKind(enum.StrEnum):
    """What an inbound event is about."""

    MESSAGE = "message"
    EDIT = "edit"
    VOTE = "vote"


class ConversationKind(enum.StrEnum):
    """Where a conversation happens: decides how a reply is addressed."""

    DIRECT = "direct"
    GROUP = "group"
    PUBLIC = "public"
    WIDGET = "widget"


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def _empty() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Address:
    """Where a conversation lives on its platform: enough to send a reply there.

    ``chat`` is the chat, channel, DM or widget session; ``thread`` the thread inside it
    ("" when none). ``extra`` holds platform details a reply needs (e.g. an X recipient id).
    """

    channel: Channel
    chat: str
    thread: str = ""
    kind: ConversationKind = ConversationKind.DIRECT
    extra: Mapping[str, str] = field(default_factory=_empty)


@dataclass(frozen=True, slots=True)
class Vote:
    """A poll answer: the platform's poll reference and chosen option keys (empty = retracted).

    ``reply_hook`` is a URL the platform gave for answering this voter privately (Slack's
    response_url): not rate-limited like a posted message, but short-lived. ``origin`` is the
    network address a widget vote came from, as a keyed hash (never the address itself), so
    that results can say how concentrated the web votes are."""

    poll_ref: str
    options: tuple[str, ...]
    reply_hook: str = ""
    origin: str = ""


@dataclass(frozen=True, slots=True)
class InboundEvent:
    """One thing that happened on a platform, translated by an adapter.

    ``platform_id`` is the platform's own id for the message or vote (the dedupe key, unique per
    channel); ``sender`` the platform's user id (the widget's session), never shown in analytics.
    ``replies_to`` is the platform id of the message it answers (a Telegram or X reply), if any.
    """

    channel: Channel
    platform_id: str
    kind: EventKind
    sender: str
    address: Address
    text: str = ""
    sender_name: str = ""
    reply_ref: str = ""
    replies_to: str = ""
    vote: Vote | None = None
    occurred_at: datetime = field(default_factory=utcnow)
    sender_handle: str = ""
    """Another handle the sender is known by (a Telegram or X @username): stored only as a
    keyed hash, to find the person and match the library's group list, never to reply."""


@dataclass(frozen=True, slots=True)
class Button:
    """One choice offered under a message: shown label and the value sent back."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class PollPost:
    """A poll to post as the platform's own poll (a Telegram poll, an X poll): the options are
    labels in order, since a native answer names positions."""

    question: str
    options: tuple[str, ...]
    multi: bool = False
    anonymous: bool = False
    closes_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Image:
    """A picture sent with a message (a digest chart): its name, PNG bytes and text alternative."""

    name: str
    png: bytes
    alt: str = ""


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """Something to say on a platform, in platform-neutral terms; the adapter decides how.

    ``text`` with maybe ``buttons``, as a reply to ``reply_ref``. ``poll_ref`` names the poll
    this post asks (by its buttons, its ``poll`` or a numbered-reply prompt): the store records
    the post under that poll once it is sent. ``poll`` posts a native poll instead of text.
    ``edit_of`` is the platform id of an earlier post of ours to replace (a waiting edit of the
    same post is superseded). ``private_to`` is a platform user who alone sees it inside a
    shared chat; ``reply_hook`` a platform URL answering that user's tap (Slack response_url).
    ``staff_card``: the buttons are staff actions on a queue item (claim, reply, resolve, and
    a link to it), not answers, as on an item's card in the staff channel. ``send_key`` is the
    outbox's name for this send, carried where the platform keeps it (Slack message metadata)
    so that a send whose outcome is unknown can be looked for before it is resent.
    ``subject`` and ``html`` (an e-mail's subject and HTML alternative, its ``images`` inline
    by ``cid:<name>``); ``images``: pictures sent with the text (Slack uploads the first).
    """

    address: Address
    text: str
    buttons: tuple[Button, ...] = ()
    reply_ref: str = ""
    poll_ref: str = ""
    poll: PollPost | None = None
    edit_of: str = ""
    private_to: str = ""
    reply_hook: str = ""
    staff_card: bool = False
    send_key: str = ""
    subject: str = ""
    html: str = ""
    images: tuple[Image, ...] = ()


POLL_REF_PREFIX = "fbpoll-"


def poll_ref(poll_id: int) -> str:
    """The reference our poll buttons carry, and that comes back with each vote."""
    return f"{POLL_REF_PREFIX}{poll_id}"


def poll_id_of(ref: str) -> int | None:
    """Our poll id in a vote's reference, or None if the reference is not one of ours."""
    tail = ref.removeprefix(POLL_REF_PREFIX)
    return int(tail) if ref.startswith(POLL_REF_PREFIX) and tail.isdigit() else None


STAFF_PREFIX = "fbstaff-"
"""What the staff channel's buttons and modal carry, so the Slack adapter can tell staff work
from customers' poll votes."""


class StaffKind(enum.StrEnum):
    """What a member of staff did in the staff channel."""

    PRESS = "press"  # a button on a card: claim, reply, resolve
    SUBMIT = "submit"  # the reply modal was sent
    THREAD = "thread"  # a message typed in a card's thread (a private note)


@dataclass(frozen=True, slots=True)
class StaffAction:
    """One thing a member of staff did in the staff channel, translated by the adapter.

    ``dedupe`` is built from the platform's own ids, so a redelivered payload has the same one;
    ``trigger`` is the platform's short-lived handle for opening a form (Slack's trigger_id);
    ``card`` the card's message id (for a thread message: the thread it was typed in);
    ``reply_hook`` a URL for answering the member of staff privately."""

    kind: StaffKind
    user: str
    dedupe: str
    action: str = ""
    item_id: int | None = None
    card: str = ""
    chat: str = ""
    trigger: str = ""
    text: str = ""
    canned: str = ""
    reply_hook: str = ""


@dataclass(frozen=True, slots=True)
class ReplyForm:
    """The reply form (Slack: a modal) for one queue item: who it goes to, canned replies (each
    shown by its label, sent back by its name)."""

    item_id: int
    title: str
    to: str
    max_chars: int
    canned: tuple[Button, ...] = ()


@dataclass(frozen=True, slots=True)
class StaffAnswer:
    """What the adapter tells the platform: "" when done, else a problem with the form."""

    problem: str = ""
