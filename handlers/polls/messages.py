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
from config.wording import Speech
from models.store.polls.definitions import PollView, Target


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


def poll_message(
    poll: PollView, target: Target, caps: Capabilities, say: Speech
) -> OutboundMessage:
    """The poll as this channel shows it best (see ``answer_style``), in ``say``'s language."""
    ref = poll_ref(poll.id)
    kind = ConversationKind.PUBLIC if caps.public_feed else ConversationKind.GROUP
    address = Address(Channel(target.channel), chat=target.chat, kind=kind)
    style = answer_style(poll.kind, poll.anonymous, poll.options, caps)
    if style is Style.NATIVE:
        native = native_poll(poll, say)
        return OutboundMessage(address=address, text=native.question, poll_ref=ref, poll=native)
    if style is Style.REPLY:
        return OutboundMessage(address=address, text=reply_prompt(poll, say), poll_ref=ref)
    buttons = tuple(Button(label, f"{ref}:{key}") for key, label in labels(poll, say))
    text = f"{question(poll, say)}\n{hint(poll, say)}"
    return OutboundMessage(address=address, text=text, buttons=buttons, poll_ref=ref)


def question(poll: PollView, say: Speech) -> str:
    """The poll's question in ``say``'s language where the wording has it (a template's)."""
    return say.wording.translated(poll.question, say.language)


def labels(poll: PollView, say: Speech) -> list[tuple[str, str]]:
    """The options (key, label), the standard scales' labels in ``say``'s language."""
    return [(key, say.wording.translated(label, say.language)) for key, label in poll.options]


def hint(poll: PollView, say: Speech) -> str:
    """How to answer with buttons."""
    text = say.text("polls.tap_several" if poll.kind == "multi" else "polls.tap_one")
    if poll.anonymous:
        text += " " + say.text("polls.anonymous")
    return text


def native_poll(poll: PollView, say: Speech) -> PollPost:
    """The poll as a platform's own poll: its labels in order, and when it closes."""
    return PollPost(
        question=question(poll, say),
        options=tuple(label for _, label in labels(poll, say)),
        multi=poll.kind == "multi",
        anonymous=poll.anonymous,
        closes_at=poll.closes_at,
    )


def reply_prompt(poll: PollView, say: Speech) -> str:
    """The question, and how to answer it with a reply."""
    keys = [k for k, _ in poll.options]
    if all(k.isdigit() for k in keys):
        how = say.text("polls.reply_range", first=keys[0], last=keys[-1])
        return f"{question(poll, say)}\n{how}"
    shown = labels(poll, say)
    lines = "\n".join(f"{n} = {label}" for n, (_, label) in enumerate(shown, 1))
    how = say.text("polls.reply_choices" if poll.kind == "multi" else "polls.reply_choice")
    return f"{question(poll, say)}\n{how}\n{lines}"


def closing(
    poll: PollView, channel: str, chat: str, platform_id: str, say: Speech
) -> OutboundMessage:
    """An edit of the posted poll: the question, said to be closed, with no answer buttons."""
    address = Address(Channel(channel), chat=chat, kind=ConversationKind.GROUP)
    text = f"{question(poll, say)}\n{say.text('polls.closed')}"
    return OutboundMessage(
        address=address, text=text, poll_ref=poll_ref(poll.id), edit_of=platform_id
    )
