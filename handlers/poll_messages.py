"""How a poll is asked on a channel, decided from what the channel can do (its Capabilities),
never from its name: as the platform's own poll, with answer buttons, or as a post answered
by a numbered reply. Pure: no store, no I/O."""

from __future__ import annotations

import enum

from bot.channel import Capabilities
from bot.events import (
    Address,
    Button,
    Channel,
    ConversationKind,
    OutboundMessage,
    PollPost,
    poll_ref,
)
from models.store.polls.definitions import PollView, Target

CLOSED_POLL = "This poll has closed. Thank you to everyone who answered."


class Style(enum.StrEnum):
    """How people answer a poll post (the names poll_posts stores)."""

    NATIVE = "native"
    BUTTONS = "buttons"
    REPLY = "reply"


def fits_native(kind: str, options: list[tuple[str, str]], caps: Capabilities) -> bool:
    """Whether the poll fits the channel's native polls: 2 to the most options, short labels,
    and one answer unless those polls take several."""
    if not caps.native_polls or not 2 <= len(options) <= caps.max_poll_options:
        return False
    short = all(len(label) <= caps.max_option_chars for _, label in options)
    return short and (kind != "multi" or caps.native_multi)


def answer_style(
    kind: str, anonymous: bool, options: list[tuple[str, str]], caps: Capabilities
) -> Style | None:
    """A native poll that reports each voter (unless the poll is anonymous, since the whole
    chat would see who chose what); else buttons; else a native poll of totals; else replies
    with a number. None when the channel can do none of these."""
    native = fits_native(kind, options, caps)
    if native and caps.native_poll_voters and not anonymous:
        return Style.NATIVE
    if caps.buttons:
        return Style.BUTTONS
    if native:
        return Style.NATIVE
    return Style.REPLY if caps.votes_by_reply else None


def poll_message(poll: PollView, target: Target, caps: Capabilities) -> OutboundMessage:
    """The poll as this channel shows it best (see ``answer_style``)."""
    ref = poll_ref(poll.id)
    kind = ConversationKind.PUBLIC if caps.public_feed else ConversationKind.GROUP
    address = Address(Channel(target.channel), chat=target.chat, kind=kind)
    style = answer_style(poll.kind, poll.anonymous, poll.options, caps)
    if style is Style.NATIVE:
        return OutboundMessage(
            address=address, text=poll.question, poll_ref=ref, poll=native_poll(poll)
        )
    if style is Style.REPLY:
        return OutboundMessage(address=address, text=reply_prompt(poll), poll_ref=ref)
    buttons = tuple(Button(label, f"{ref}:{key}") for key, label in poll.options)
    return OutboundMessage(
        address=address, text=f"{poll.question}\n{hint(poll)}", buttons=buttons, poll_ref=ref
    )


def hint(poll: PollView) -> str:
    """How to answer with buttons."""
    text = "Tap one answer; you can change it until the poll closes."
    if poll.kind == "multi":
        text = "Tap every answer that applies; tap again to take one back."
    if poll.anonymous:
        text += " Only the library team sees answers, and never who gave them."
    return text


def native_poll(poll: PollView) -> PollPost:
    """The poll as a platform's own poll: its labels in order, and when it closes."""
    return PollPost(
        question=poll.question,
        options=tuple(label for _, label in poll.options),
        multi=poll.kind == "multi",
        anonymous=poll.anonymous,
        closes_at=poll.closes_at,
    )


def reply_prompt(poll: PollView) -> str:
    """The question, and how to answer it with a reply."""
    keys = [k for k, _ in poll.options]
    if all(k.isdigit() for k in keys):
        return f"{poll.question}\nReply with a number from {keys[0]} to {keys[-1]}."
    lines = "\n".join(f"{n} = {label}" for n, (_, label) in enumerate(poll.options, 1))
    several = " (or several)" if poll.kind == "multi" else ""
    return f"{poll.question}\nReply with a number{several}:\n{lines}"


def closing(poll: PollView, channel: str, chat: str, platform_id: str) -> OutboundMessage:
    """An edit of the posted poll: the question, said to be closed, with no answer buttons."""
    address = Address(Channel(channel), chat=chat, kind=ConversationKind.GROUP)
    text = f"{poll.question}\n{CLOSED_POLL}"
    return OutboundMessage(
        address=address, text=text, poll_ref=poll_ref(poll.id), edit_of=platform_id
    )
