"""An in-memory channel adapter that records what it was asked to send and can fail on cue."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.routing import BaseRoute

from bot.channel import Capabilities, ChannelState, EventSink, SendError
from bot.events import Channel, OutboundMessage


class RecordingAdapter:
    """Stands in for a platform in tests of the outbox; ``failures`` are raised in order first."""

    capabilities = Capabilities(max_text=4000, buttons=True, threads=True)
    state = ChannelState.UP
    detail = "in-memory"

    def __init__(self, channel: Channel, failures: Sequence[SendError] = ()) -> None:
        self.channel = channel
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
