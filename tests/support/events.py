"""Builders for inbound events and poll views in tests."""

from __future__ import annotations

from bot.events import Address, Channel, ConversationKind, EventKind, InboundEvent, Vote
from models.store.polls.definitions import PollView, Target


def message(
    text: str = "The printers on level 2 are broken again",
    *,
    pid: str = "m-1",
    sender: str = "U123",
    chat: str = "C42",
    thread: str = "",
    channel: Channel = Channel.SLACK,
    kind: EventKind = EventKind.MESSAGE,
    conversation: ConversationKind = ConversationKind.GROUP,
) -> InboundEvent:
    """A customer's message on a platform (in a group chat unless ``conversation`` says)."""
    address = Address(channel, chat=chat, thread=thread, kind=conversation)
    return InboundEvent(
        channel=channel,
        platform_id=pid,
        kind=kind,
        sender=sender,
        address=address,
        text=text,
        reply_ref=pid,
    )


def vote(
    *, pid: str = "v-1", sender: str = "U123", options: tuple[str, ...] = ("4",)
) -> InboundEvent:
    """A poll answer."""
    address = Address(Channel.TELEGRAM, chat="777", kind=ConversationKind.DIRECT)
    return InboundEvent(
        channel=Channel.TELEGRAM,
        platform_id=pid,
        kind=EventKind.VOTE,
        sender=sender,
        address=address,
        vote=Vote("poll-1", options),
    )


def poll(kind: str, options: list[tuple[str, str]], sizes: list[int | None]) -> PollView:
    """An open poll of ``kind`` on one Slack channel per audience size in ``sizes``."""
    targets = [Target("slack", f"C{i}", s) for i, s in enumerate(sizes)]
    return PollView(
        1, "How was it?", kind, options, "open", False, False, "", False, None, None, targets
    )
