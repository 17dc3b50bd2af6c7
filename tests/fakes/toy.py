"""A toy channel, as a new channel's author would write one, to show what adding a channel
takes: an adapter that speaks a small HTTP protocol of its own, and one ``ChannelKind`` to
register it. It names its own channel (``Channel("toy")``): nothing in ``bot/events.py`` knows
it. In a real channel this module would be ``bot/adapters/toy/`` and ``CHANNEL`` its line in
``bot/adapters/catalog.py``.

The protocol: ``POST /toy/messages`` with ``{"id", "from", "text"}`` hands a message in (202
once it is stored); ``GET /toy/messages?to=NAME`` lists what the bot sent that person."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from bot.adapters.base import ChannelKind, Setup
from bot.channel import Capabilities, ChannelState, EventSink
from bot.events import Address, Channel, EventKind, InboundEvent, OutboundMessage
from bot.storable import problems, storable

TOY = Channel("toy")
CAPABILITIES = Capabilities(max_text=500, buttons=False, threads=False)


class ToyAdapter:
    """The toy platform's adapter: every person talks to the bot in a direct chat named after
    them; what the bot sends is kept per person for ``GET /toy/messages``."""

    channel = TOY
    capabilities = CAPABILITIES
    exclusive_connection = False  # requests come to any process
    detail = ""

    def __init__(self) -> None:
        self._sink: EventSink | None = None
        self._sent: dict[str, list[str]] = {}

    @property
    def state(self) -> ChannelState:
        return ChannelState.UP if self._sink is not None else ChannelState.STOPPED

    def routes(self) -> Sequence[BaseRoute]:
        return [
            Route("/toy/messages", self._receive, methods=["POST"]),
            Route("/toy/messages", self._list, methods=["GET"]),
        ]

    async def start(self, sink: EventSink) -> None:
        self._sink = sink

    async def send(self, message: OutboundMessage) -> str:
        sent = self._sent.setdefault(message.address.chat, [])
        sent.append(message.text)
        return f"{message.address.chat}-{len(sent)}"

    async def stop(self) -> None:
        self._sink = None

    async def _receive(self, request: Request) -> JSONResponse:
        body = await request.json()
        if self._sink is None:
            return JSONResponse({"error": "not started"}, status_code=503)
        if not isinstance(body, dict) or not all(
            isinstance(body.get(k), str) and body[k] for k in ("id", "from", "text")
        ):
            return JSONResponse({"error": "need id, from and text"}, status_code=400)
        event = InboundEvent(
            channel=TOY,
            platform_id=body["id"],
            kind=EventKind.MESSAGE,
            sender=body["from"],
            address=Address(TOY, chat=body["from"]),
            text=body["text"],
        )
        if bad := problems(event):
            return JSONResponse({"error": f"cannot store {', '.join(bad)}"}, status_code=400)
        receipt = await self._sink(storable(event))
        return JSONResponse({"stored": receipt.message_id}, status_code=202)

    async def _list(self, request: Request) -> JSONResponse:
        to = request.query_params.get("to", "")
        return JSONResponse({"messages": self._sent.get(to, [])})


def _connect(setup: Setup) -> ToyAdapter:
    """The toy needs no settings: it is always on."""
    del setup
    return ToyAdapter()


CHANNEL = ChannelKind(TOY, CAPABILITIES, _connect)
"""The toy channel's registration: the one line a catalog lists."""
