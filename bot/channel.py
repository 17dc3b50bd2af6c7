"""What every channel shares, free of any web framework or SDK: what a channel can do
(``Capabilities``), its health, the sink it hands inbound events to, the errors a send raises,
and the durable cursors it is built with. Imports only ``bot.events``."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from bot.events import Channel, InboundEvent, OutboundMessage


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a channel can do, declared by its adapter: handlers decide what to send from these
    facts, never from the channel's name, so polls and replies degrade gracefully."""

    max_text: int
    """The longest text one message may carry (longer text is split by the adapter)."""
    buttons: bool
    """Answer buttons under a message, each tap coming back as a vote."""
    threads: bool
    """Replies can go into a thread of the message they answer."""
    native_polls: bool = False
    """The platform has polls of its own (sendPoll, an X poll)."""
    native_poll_voters: bool = False
    """Its native polls report who chose what (so a per-person answer, but visible to the chat:
    never for an anonymous poll); without it they report totals only."""
    native_multi: bool = False
    """Its native polls can take several answers."""
    max_poll_options: int = 0
    """The most options a native poll (or, without one, a row of buttons) may have."""
    max_option_chars: int = 0
    """The longest option label a native poll (or a button) may show."""
    closable_polls: bool = False
    """A posted poll can be closed where it stands (its buttons taken away, or stopped)."""
    editing: bool = False
    """A posted message can be edited later (a poll's live tally)."""
    private_acks: bool = False
    """One person can be answered privately inside a shared chat (Slack's ephemeral messages),
    e.g. to confirm which answer was counted when the buttons cannot show it."""
    votes_by_reply: bool = False
    """A numbered reply to a poll post counts as an answer (when there are no buttons)."""
    public_feed: bool = False
    """A poll can be posted without naming a chat: to the feedback page or the account's own
    public timeline."""
    lists_open_polls: bool = False
    """The channel shows every open poll by itself (the widget page): nothing is posted."""
    public_broadcast: bool = False
    """A notice to many people who wrote in public goes out as one public post, not a reply
    to each (on X, replies to each would be a burst of mentions)."""
    send_rate: float = 0.0
    """Messages a second the platform lets the bot send to many people one by one (a targeted
    send is paced to it, so a big audience causes no burst of 429s); 0: no limit."""


def capabilities_of(known: Mapping[Channel, Capabilities], name: str) -> Capabilities | None:
    """What the channel stored as ``name`` can do; None for one not in ``known`` (or a name no
    channel could have)."""
    try:
        return known.get(Channel(name))
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Receipt:
    """What the store said of an inbound event: our message id, and whether it was seen before."""

    message_id: int
    duplicate: bool


EventSink = Callable[[InboundEvent], Awaitable[Receipt]]
"""Where an adapter hands each inbound event; returns once the event is durably stored."""


class ChannelState(enum.StrEnum):
    """A channel's health, shown on /healthz."""

    STARTING = "starting"
    UP = "up"
    RECONNECTING = "reconnecting"
    DOWN = "down"
    STOPPED = "stopped"
    STANDBY = "standby"
    """Another process holds this channel's one connection; this one takes over if it stops."""


class SendError(Exception):
    """Sending failed. ``retry_after`` (seconds) is set when the platform said when to try again.
    ``unknown``: the request may have reached the platform (a read timeout after it was sent, a
    connection dropped mid-answer), so the message may have been delivered; otherwise it was
    definitely not (a refused connection, an error the platform answered)."""

    def __init__(
        self,
        reason: str,
        *,
        retry_after: float | None = None,
        permanent: bool = False,
        unknown: bool = False,
    ):
        super().__init__(reason)
        self.retry_after = retry_after
        self.permanent = permanent
        self.unknown = unknown


class Sender(Protocol):
    """The outbound half of a channel, as the outbox sees it (its state: a standby channel's
    sends are left to the process holding its connection)."""

    @property
    def state(self) -> ChannelState: ...

    async def send(self, message: OutboundMessage) -> str:
        """Post the message; returns the platform's id for it. Raises SendError."""
        ...


@runtime_checkable
class SendLookup(Protocol):
    """A channel that can tell whether an earlier attempt posted a message (Slack finds it by the
    ``send_key`` it carried), so a send whose outcome is unknown is looked for, not resent."""

    def can_look_up(self, message: OutboundMessage) -> bool:
        """Whether a post of this message could be found (not, say, an ephemeral one)."""
        ...

    async def look_up(self, message: OutboundMessage, *, since: datetime) -> str | None:
        """The platform id under which an attempt since ``since`` posted ``message``; "" when
        the platform shows it did not; None when it cannot tell (no access to the history).
        Raises SendError when it cannot be asked now."""
        ...


@runtime_checkable
class PollCounter(Protocol):
    """A channel whose native polls report totals only (X): it reads them back on request."""

    async def poll_counts(self, platform_id: str) -> dict[str, int]:
        """The native poll's counts by option label."""
        ...


class Cursors(Protocol):
    """Durable named positions (Telegram offset, X since_id), kept in the store."""

    async def get(self, *, name: str) -> str | None: ...

    async def set(self, *, name: str, value: str) -> None: ...
