"""The web feedback widget as a channel: JSON in, replies shown in the same widget session."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from starlette.routing import BaseRoute

from bot.adapters.base import ChannelKind, Setup
from bot.channel import Capabilities, ChannelState, EventSink
from bot.events import (
    Address,
    Channel,
    ConversationKind,
    EventKind,
    InboundEvent,
    OutboundMessage,
    Vote,
    poll_ref,
)
from bot.storable import clean_text, storable, text_problem
from handlers import text_direction

TOKEN = re.compile(r"[A-Za-z0-9_-]{8,128}")
CAPABILITIES = Capabilities(
    max_text=100_000, buttons=True, threads=False, public_feed=True, lists_open_polls=True
)
"""The feedback page shows every open poll itself, with answer buttons."""


def valid_token(value: str) -> bool:
    """A session or client id: 8-128 letters, digits, '-' or '_', the whole string."""
    return TOKEN.fullmatch(value) is not None


class WidgetInputError(ValueError):
    """The widget sent something malformed; the message says what."""


def to_event(body: Any, *, max_chars: int) -> InboundEvent:
    """Translate the widget's JSON body; raises WidgetInputError (400) or TextTooLong (413).

    Text that cannot be stored as given (not valid Unicode, control characters) is refused,
    and so is a direction override (U+202D, U+202E: it would disguise what the text says to
    staff; marks, embeddings and isolates are accepted); its length is counted in characters,
    after ``\\r\\n`` became ``\\n``.
    """
    if not isinstance(body, dict):
        raise WidgetInputError("body must be a JSON object")
    session, client_id = _token(body, "session"), _token(body, "client_id")
    text = _text(body.get("text"), max_chars)
    return storable(
        InboundEvent(
            channel=Channel.WIDGET,
            platform_id=f"{session}:{client_id}",
            kind=EventKind.MESSAGE,
            sender=session,
            address=Address(Channel.WIDGET, chat=session, kind=ConversationKind.WIDGET),
            text=text,
        )
    )


def _text(value: object, max_chars: int) -> str:
    """The message text, checked and with its newlines normalised."""
    if not isinstance(value, str) or not value.strip():
        raise WidgetInputError("'text' must be a non-empty string")
    if (problem := text_problem(value)) is not None:
        raise WidgetInputError(f"'text' {problem}")
    if (override := text_direction.override_in(value)) is not None:
        raise WidgetInputError(f"'text' contains a text-direction override ({override})")
    text = clean_text(value)
    if len(text) > max_chars:
        raise TextTooLong(f"'text' is longer than {max_chars} characters")
    return text


def vote_event(body: Any) -> InboundEvent:
    """Translate a widget poll answer {session, client_id, poll_id, option}."""
    if not isinstance(body, dict):
        raise WidgetInputError("body must be a JSON object")
    session, client_id = _token(body, "session"), _token(body, "client_id")
    poll_id, option = body.get("poll_id"), body.get("option")
    if not isinstance(poll_id, int) or isinstance(poll_id, bool) or not 0 < poll_id < 2**31:
        raise WidgetInputError("'poll_id' must be a positive whole number")
    if not isinstance(option, str) or not 0 < len(option) <= 32:
        raise WidgetInputError("'option' must be a short string")
    if (problem := text_problem(option)) is not None:
        raise WidgetInputError(f"'option' {problem}")
    return storable(
        InboundEvent(
            channel=Channel.WIDGET,
            platform_id=f"{session}:{client_id}",
            kind=EventKind.VOTE,
            sender=session,
            address=Address(Channel.WIDGET, chat=session, kind=ConversationKind.WIDGET),
            vote=Vote(poll_ref(poll_id), (option,)),
        )
    )


def _token(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not valid_token(value):
        raise WidgetInputError(f"'{name}' must be 8-128 letters, digits, '-' or '_'")
    return value


class TextTooLong(ValueError):
    """The text is over the size limit (413)."""


class WidgetAdapter:
    """Replies need no platform call: the outbound message is already in the session's store."""

    channel = Channel.WIDGET
    capabilities = CAPABILITIES
    exclusive_connection = False  # requests come to any process
    state = ChannelState.UP
    detail = "served at /widget"

    def routes(self) -> Sequence[BaseRoute]:
        return ()

    async def start(self, sink: EventSink) -> None:
        return None

    async def send(self, message: OutboundMessage) -> str:
        return f"widget:{message.address.chat}"

    async def stop(self) -> None:
        return None


def _connect(setup: Setup) -> WidgetAdapter:
    """The widget is always on: its routes are the bot's own pages."""
    del setup
    return WidgetAdapter()


CHANNEL = ChannelKind(Channel.WIDGET, CAPABILITIES, _connect)
