"""The outbox's JSON form of an OutboundMessage, versioned: rows queued by an older bot still
load (version 1 had ``kind`` and a ``meta`` map of strings; version 2 has a field per fact)."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from typing import Any

from bot.events import (
    Address,
    Button,
    Channel,
    ConversationKind,
    Image,
    OutboundMessage,
    PollPost,
    utcnow,
)

VERSION = 2


def to_payload(message: OutboundMessage) -> dict[str, Any]:
    """Serialise an outbound message for its outbox row (the current version)."""
    a = message.address
    return {
        "v": VERSION,
        "address": {
            "chat": a.chat,
            "thread": a.thread,
            "kind": a.kind.value,
            "extra": dict(a.extra),
        },
        "text": message.text,
        "buttons": [[b.label, b.value] for b in message.buttons],
        "reply_ref": message.reply_ref,
        "poll_ref": message.poll_ref,
        "poll": _poll_payload(message.poll),
        "edit_of": message.edit_of,
        "private_to": message.private_to,
        "reply_hook": message.reply_hook,
        "staff_card": message.staff_card,
    } | _mail_payload(message)


def from_payload(channel: Channel, payload: dict[str, Any]) -> OutboundMessage:
    """Rebuild the outbound message from its outbox row, whichever version wrote it."""
    version = payload.get("v", 1)
    if version == 1:
        return _from_v1(channel, payload)
    if version != VERSION:
        raise ValueError(f"outbox payload version {version!r} is newer than this bot knows")
    return OutboundMessage(
        address=_address(channel, payload["address"]),
        text=payload["text"],
        buttons=_buttons(payload["buttons"]),
        reply_ref=payload["reply_ref"],
        poll_ref=payload["poll_ref"],
        poll=_poll(payload["poll"]),
        edit_of=payload["edit_of"],
        private_to=payload["private_to"],
        reply_hook=payload["reply_hook"],
        staff_card=payload.get("staff_card", False),
        subject=payload.get("subject", ""),
        html=payload.get("html", ""),
        images=_images(payload.get("images", [])),
    )


def _mail_payload(message: OutboundMessage) -> dict[str, Any]:
    """The subject, HTML and images, only when there are any (most rows are chat messages)."""
    images = [
        {"name": i.name, "png": base64.b64encode(i.png).decode("ascii"), "alt": i.alt}
        for i in message.images
    ]
    found = {"subject": message.subject, "html": message.html, "images": images}
    return {k: v for k, v in found.items() if v}


def _images(raw: list[dict[str, str]]) -> tuple[Image, ...]:
    return tuple(Image(i["name"], base64.b64decode(i["png"]), i["alt"]) for i in raw)


def row_kind(message: OutboundMessage) -> str:
    """The messages-table kind of an outbound message: "poll" for a post that asks a poll by
    buttons or natively, "poll_closed" for the edit that closes one, "text" otherwise."""
    if message.poll is not None or (message.poll_ref and message.buttons):
        return "poll"
    return "poll_closed" if message.poll_ref and message.edit_of else "text"


def _poll_payload(poll: PollPost | None) -> dict[str, Any] | None:
    if poll is None:
        return None
    closes = poll.closes_at.isoformat() if poll.closes_at is not None else None
    return {
        "question": poll.question,
        "options": list(poll.options),
        "multi": poll.multi,
        "anonymous": poll.anonymous,
        "closes_at": closes,
    }


def _poll(raw: dict[str, Any] | None) -> PollPost | None:
    if raw is None:
        return None
    closes = raw["closes_at"]
    return PollPost(
        question=raw["question"],
        options=tuple(raw["options"]),
        multi=raw["multi"],
        anonymous=raw["anonymous"],
        closes_at=datetime.fromisoformat(closes) if closes else None,
    )


def _address(channel: Channel, a: dict[str, Any]) -> Address:
    return Address(
        channel=channel,
        chat=a["chat"],
        thread=a["thread"],
        kind=ConversationKind(a["kind"]),
        extra=a["extra"],
    )


def _buttons(raw: list[list[str]]) -> tuple[Button, ...]:
    return tuple(Button(label, value) for label, value in raw)


def _from_v1(channel: Channel, payload: dict[str, Any]) -> OutboundMessage:
    """Version 1: ``kind`` "text" | "poll" | "poll_closed" and ``meta`` strings (poll_ref,
    edit_ref, ephemeral_to, reply_hook; for native polls native/multiple or duration_minutes)."""
    meta: dict[str, str] = payload.get("meta") or {}
    buttons = _buttons(payload["buttons"])
    poll = None
    if payload.get("kind") == "poll" and (
        meta.get("native") == "true" or "duration_minutes" in meta
    ):
        poll = _v1_native(payload["text"], buttons, meta)
        buttons = ()
    return OutboundMessage(
        address=_address(channel, payload["address"]),
        text=payload["text"],
        buttons=buttons,
        reply_ref=payload["reply_ref"],
        poll_ref=meta.get("poll_ref", ""),
        poll=poll,
        edit_of=meta.get("edit_ref", ""),
        private_to=meta.get("ephemeral_to", ""),
        reply_hook=meta.get("reply_hook", ""),
        staff_card=meta.get("staff_card") == "1",
    )


def _v1_native(question: str, buttons: tuple[Button, ...], meta: dict[str, str]) -> PollPost:
    """A version-1 native poll: Telegram's said native/multiple, X's its duration in minutes
    (counted from now, as the row is read just before it is sent)."""
    closes = None
    if "duration_minutes" in meta:
        closes = utcnow() + timedelta(minutes=int(meta["duration_minutes"]), seconds=30)
    return PollPost(
        question=question,
        options=tuple(b.label for b in buttons),
        multi=meta.get("multiple") == "true",
        closes_at=closes,
    )
