"""The adapter seam: start(sink), send(message), stop(), capabilities, state, routes.

An adapter translates between one platform's SDK and our event types and does nothing else.
The types it shares with the handlers (Capabilities, Receipt, SendError, ...) live in
``bot.channel``, which loads no web framework; only the routes here are Starlette's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from starlette.routing import BaseRoute

from bot.channel import Capabilities, ChannelState, EventSink
from bot.events import Channel, OutboundMessage


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
