"""An in-memory channel adapter that records what it was asked to send and can fail on cue."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.routing import BaseRoute

from bot.adapters.catalog import CAPABILITIES
from bot.channel import Capabilities, ChannelState, EventSink, SendError
from bot.events import Channel, OutboundMessage


class RecordingAdapter:
    """Stands in for a platform in tests of the outbox; ``failures`` are raised in order first.
    It declares the capabilities of the channel it stands in for, unless given others."""

    state = ChannelState.UP
    detail = "in-memory"
    exclusive_connection = False

    def __init__(
        self,
        channel: Channel,
        failures: Sequence[SendError] = (),
        capabilities: Capabilities | None = None,
    ) -> None:
        self.channel = channel
        self.capabilities = capabilities or CAPABILITIES[channel.value]
        self.failures = list(failures)
        self.sent: list[OutboundMessage] = []
        self.attempts = 0
        self.sink: EventSink | None = None

    def routes(self) -> Sequence[BaseRoute]:
        return ()

    async def start(self, sink: EventSink) -> None:
        self.sink = sink

    async def send(self, message: OutboundMessage) -> str:
        self.attempts += 1
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(message)
        return f"{self.channel.value}-{len(self.sent)}"

    async def stop(self) -> None:
        self.sink = None
