"""The adapter seam: start(sink), send(message), stop(), capabilities, state, routes; and how a
channel registers itself (``ChannelKind``, listed in ``bot.adapters.catalog``).

An adapter translates between one platform's SDK and our event types and does nothing else.
The types it shares with the handlers (Capabilities, Receipt, SendError, ...) live in
``bot.channel``, which loads no web framework; only the routes here are Starlette's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from starlette.routing import BaseRoute

from bot.channel import Capabilities, ChannelState, Cursors, EventSink
from bot.events import Channel, OutboundMessage
from config.settings import Settings
from config.wording import Wording


class Adapter(Protocol):
    """One platform connection. ``send`` returns the platform's id for the message it posted."""

    channel: Channel
    capabilities: Capabilities

    @property
    def exclusive_connection(self) -> bool:
        """Whether only one process of a deployment may hold this connection at a time (a long
        poll, a socket the platform spreads events over, reads the platform bills): the bot
        then runs it only while it holds the channel's lease (``bot.standby``). Webhook modes
        take requests on any process and say False."""
        ...

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


@dataclass(frozen=True, slots=True)
class Setup:
    """What a channel may build its adapter from."""

    settings: Settings
    cursors: Cursors
    """Durable positions in the store (a poll offset, a since_id)."""
    wording: Wording
    """What the bot says, per language (e.g. the toast a poll tap shows)."""


@dataclass(frozen=True, slots=True)
class ChannelKind:
    """A channel as the bot knows it: its name, what it can do (for polls and replies, whether
    or not it is connected here), and how to connect it; ``connect`` gives None when the
    settings do not configure it. A channel's package exports one; the catalog lists them."""

    channel: Channel
    capabilities: Capabilities
    connect: Callable[[Setup], Adapter | None]
