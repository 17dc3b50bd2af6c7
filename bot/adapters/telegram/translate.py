"""Pure translation of Telegram updates (PTB objects) into our InboundEvents."""

from __future__ import annotations

from datetime import datetime

from telegram import CallbackQuery, Chat, Message, PollAnswer, Update

from bot.events import Address, Channel, ConversationKind, EventKind, InboundEvent, Vote, utcnow
from bot.storable import storable

ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "poll_answer")
"""The update types the adapter asks Telegram for (getUpdates / setWebhook)."""

_KINDS = {
    Chat.PRIVATE: ConversationKind.DIRECT,
    Chat.GROUP: ConversationKind.GROUP,
    Chat.SUPERGROUP: ConversationKind.GROUP,
    Chat.CHANNEL: ConversationKind.PUBLIC,
}


def to_event(update: Update) -> InboundEvent | None:
    """Translate one update; None for update types and messages the bot does not take in.

    Every string of the event is made storable: Telegram would redeliver a refused update.
    """
    event = _translate(update)
    return None if event is None else storable(event)


def _translate(update: Update) -> InboundEvent | None:
    if update.message is not None:
        return _message(update.message)
    if update.edited_message is not None:
        return _edit(update.update_id, update.edited_message)
    if update.callback_query is not None:
        return _button(update.update_id, update.callback_query)
    if update.poll_answer is not None:
        return _poll_answer(update.update_id, update.poll_answer)
    return None


def message_ref(chat_id: int | str, message_id: int) -> str:
    """Our platform id for a message: unique across chats."""
    return f"{chat_id}:{message_id}"


def update_ref(update_id: int) -> str:
    """Our platform id for an event that is not a new message (edit, button, poll answer)."""
    return f"update:{update_id}"


def address_of(message: Message) -> Address:
    """Where a reply to this message goes: its chat, and its forum topic when it has one."""
    thread = str(message.message_thread_id) if message.is_topic_message else ""
    kind = _KINDS.get(message.chat.type, ConversationKind.GROUP)
    return Address(channel=Channel.TELEGRAM, chat=str(message.chat.id), thread=thread, kind=kind)


def _text(message: Message) -> str:
    return message.text or message.caption or ""


def _person(message: Message) -> tuple[str, str] | None:
    """Sender id and display name; None for bots and anonymous senders."""
    user = message.from_user
    if user is None or user.is_bot:
        return None
    return str(user.id), user.full_name


def _message(message: Message) -> InboundEvent | None:
    person = _person(message)
    if person is None or not _text(message):
        return None
    return InboundEvent(
        channel=Channel.TELEGRAM,
        platform_id=message_ref(message.chat.id, message.message_id),
        kind=EventKind.MESSAGE,
        sender=person[0],
        sender_name=person[1],
        address=address_of(message),
        text=_text(message),
        reply_ref=str(message.message_id),
        occurred_at=message.date,
    )


def _edit(update_id: int, message: Message) -> InboundEvent | None:
    person = _person(message)
    if person is None or not _text(message):
        return None
    when: datetime = message.edit_date or message.date
    return InboundEvent(
        channel=Channel.TELEGRAM,
        platform_id=update_ref(update_id),
        kind=EventKind.EDIT,
        sender=person[0],
        sender_name=person[1],
        address=address_of(message),
        text=_text(message),
        reply_ref=str(message.message_id),
        occurred_at=when,
    )


def split_choice(data: str) -> Vote:
    """Button data "<poll ref>:<value>" → Vote; data without a colon is a bare value."""
    ref, _, value = data.rpartition(":")
    return Vote(poll_ref=ref, options=(value,))


def _button(update_id: int, query: CallbackQuery) -> InboundEvent | None:
    user = query.from_user
    if not query.data or user.is_bot:
        return None
    message = query.message if isinstance(query.message, Message) else None
    address = (
        address_of(message)
        if message is not None
        else Address(channel=Channel.TELEGRAM, chat=str(user.id))
    )
    return InboundEvent(
        channel=Channel.TELEGRAM,
        platform_id=update_ref(update_id),
        kind=EventKind.VOTE,
        sender=str(user.id),
        sender_name=user.full_name,
        address=address,
        reply_ref=str(message.message_id) if message is not None else "",
        vote=split_choice(query.data),
        occurred_at=utcnow(),
    )


def _poll_answer(update_id: int, answer: PollAnswer) -> InboundEvent | None:
    voter = answer.user.id if answer.user is not None else None
    if voter is None and answer.voter_chat is not None:
        voter = answer.voter_chat.id
    if voter is None:
        return None
    name = answer.user.full_name if answer.user is not None else ""
    return InboundEvent(
        channel=Channel.TELEGRAM,
        platform_id=update_ref(update_id),
        kind=EventKind.VOTE,
        sender=str(voter),
        sender_name=name,
        address=Address(channel=Channel.TELEGRAM, chat=str(voter)),
        vote=Vote(poll_ref=answer.poll_id, options=tuple(str(i) for i in answer.option_ids)),
        occurred_at=utcnow(),
    )
