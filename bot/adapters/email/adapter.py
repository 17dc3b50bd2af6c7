"""The e-mail adapter: outbound only, one SMTP transaction per outbox send."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.routing import BaseRoute

from bot.adapters.email.compose import recipients, to_mail
from bot.adapters.email.smtp import SmtpServer
from bot.channel import Capabilities, ChannelState, EventSink
from bot.events import Channel, OutboundMessage

CAPABILITIES = Capabilities(max_text=1_000_000, buttons=False, threads=False)


class EmailAdapter:
    """Sends each outbox message addressed to the e-mail channel (its chat: the recipients)
    from ``sender``; nothing comes in."""

    channel = Channel.EMAIL
    capabilities = CAPABILITIES
    exclusive_connection = False  # each send is its own SMTP session

    def __init__(self, server: SmtpServer, *, sender: str) -> None:
        self._server = server
        self._sender = sender
        self._state = ChannelState.UP

    @property
    def state(self) -> ChannelState:
        """Always up: each send opens its own connection."""
        return self._state

    @property
    def detail(self) -> str:
        """Where mail goes, for /healthz."""
        return f"smtp {self._server.host}:{self._server.port}"

    def routes(self) -> Sequence[BaseRoute]:
        """None: e-mail is outbound only."""
        return []

    async def start(self, sink: EventSink) -> None:
        """Nothing to connect: every send connects."""

    async def stop(self) -> None:
        """Nothing held open."""
        self._state = ChannelState.STOPPED

    async def send(self, message: OutboundMessage) -> str:
        """Mail the message; returns its Message-ID. Raises SendError (``unknown`` when the
        server may have taken it)."""
        mail = to_mail(message, sender=self._sender)
        await self._server.send(mail, sender=self._sender, to=recipients(message))
        return str(mail["Message-ID"])
