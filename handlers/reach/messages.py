"""What a targeted send says to one person in their own conversation: a message, or a poll as
their channel lets one person answer it (its own poll where that names the voter, else answer
buttons, else a numbered reply; never a public poll of totals). Pure."""

from __future__ import annotations

from bot.channel import Capabilities
from bot.events import Address, Button, OutboundMessage, PollPost, poll_ref
from config.wording import Speech
from handlers.polls.messages import hint, labels, native_poll, question, reply_prompt
from models.store.polls.definitions import PollView


def can_ask(caps: Capabilities) -> bool:
    """Whether one person can answer a poll on this channel in their own conversation."""
    return caps.buttons or (caps.native_polls and caps.native_poll_voters) or caps.votes_by_reply


def invitation(
    poll: PollView, address: Address, caps: Capabilities, say: Speech, intro: str = ""
) -> OutboundMessage:
    """The poll in this person's conversation, in ``say``'s language, after ``intro``."""
    ref = poll_ref(poll.id)
    lead = f"{intro}\n" if intro else ""
    native = _native(poll, caps, say)
    if native is not None and not intro:
        return OutboundMessage(address=address, text=native.question, poll_ref=ref, poll=native)
    if caps.buttons:
        buttons = tuple(Button(label, f"{ref}:{key}") for key, label in labels(poll, say))
        text = f"{lead}{question(poll, say)}\n{hint(poll, say)}"
        return OutboundMessage(address=address, text=text, buttons=buttons, poll_ref=ref)
    if native is not None:
        return OutboundMessage(address=address, text=native.question, poll_ref=ref, poll=native)
    return OutboundMessage(address=address, text=f"{lead}{reply_prompt(poll, say)}", poll_ref=ref)


def _native(poll: PollView, caps: Capabilities, say: Speech) -> PollPost | None:
    """The platform's own poll, where it reports each voter and the poll fits it."""
    if not (caps.native_polls and caps.native_poll_voters) or poll.anonymous:
        return None
    fits = 2 <= len(poll.options) <= caps.max_poll_options and all(
        len(label) <= caps.max_option_chars for _, label in labels(poll, say)
    )
    return native_poll(poll, say) if fits and (poll.kind != "multi" or caps.native_multi) else None


def message(text: str, address: Address) -> OutboundMessage:
    """A plain message to one person."""
    return OutboundMessage(address=address, text=text)
