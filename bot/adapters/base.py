"""The adapter seam: start(sink), send(message), stop(), capabilities, state.

An adapter translates between one platform's SDK and our event types and does nothing else.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from starlette.routing import BaseRoute

from bot.events import Channel, InboundEvent, OutboundMessage


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a channel can show, so polls and replies degrade gracefully."""

    max_text: int
    buttons: bool
    threads: bool
    native_polls: bool = False
    per_person_votes: bool = False
    max_poll_options: int = 0
    max_option_chars: int = 0
    public_broadcast: bool = False
    """A notice to many people who wrote in public goes out as one public post, not a reply
    to each (on X, replies to each would be a burst of mentions)."""


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
    """Sending failed. ``retry_after`` (seconds) is set when the platform said when to try again."""

    def __init__(self, reason: str, *, retry_after: float | None = None, permanent: bool = False):
        super().__init__(reason)
        self.retry_after = retry_after
        self.permanent = permanent


class Adapter(Protocol):
    """One platform connection. ``send`` returns the platform's id for the message it posted."""

    channel: Channel
    capabilities: Capabilities

    @property
    def state(self) -> ChannelState: ...

    @property
    def detail(self) -> str: ...

    def routes(self) -> Sequence[BaseRoute]:
        """Web routes this adapter serves on the one web server (webhooks); may be empty."""
        ...

    async def start(self, sink: EventSink) -> None: ...

    async def send(self, message: OutboundMessage) -> str: ...

    async def stop(self) -> None: ...


class Cursors(Protocol):
    """Durable named positions (Telegram offset, X since_id), kept in the store."""

    async def get(self, name: str) -> str | None: ...

    async def set(self, name: str, value: str) -> None: ...
