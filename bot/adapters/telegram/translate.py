"""Pure translation of Telegram updates (PTB objects) into our InboundEvents.

PTB builds its objects from the JSON as given, without checking types, so every field is read
through the payload helpers: a ``text`` that is not a string reads as no text (the update is not
a message for us), an id that is not a number or string reads as absent.
"""

from __future__ import annotations

from datetime import datetime

from telegram import CallbackQuery, Chat, Message, PollAnswer, Update, User

from bot.adapters.payload import text as ident
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
    event = _by_kind(update)
    return None if event is None else storable(event)


def _by_kind(update: Update) -> InboundEvent | None:
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
    thread = ident(message.message_thread_id) if message.is_topic_message else ""
    kind = _KINDS.get(_string(message.chat.type), ConversationKind.GROUP)
    return Address(channel=Channel.TELEGRAM, chat=ident(message.chat.id), thread=thread, kind=kind)


def _string(value: object) -> str:
    """``value`` when it is a string, else "" (PTB passes any JSON type through)."""
    return value if isinstance(value, str) else ""


def _text(message: Message) -> str:
    return _string(message.text) or _string(message.caption)


def _full_name(user: User) -> str:
    """First and last name, each only when it is a string."""
    return " ".join(n for n in (_string(user.first_name), _string(user.last_name)) if n)


def _person(message: Message) -> tuple[str, str, str] | None:
    """Sender id, display name and @username ('' when none); None for bots, anonymous senders
    and unreadable ids."""
    user = message.from_user
    if user is None or user.is_bot or not ident(user.id):
        return None
    return ident(user.id), _full_name(user), _string(user.username)


def _replies_to(message: Message) -> str:
    """Our platform id for the message this one replies to ("" when it replies to none)."""
    answered = message.reply_to_message
    return message_ref(answered.chat.id, answered.message_id) if answered is not None else ""


def _readable(message: Message) -> bool:
    """Whether the message has text and the ids a reply needs."""
    return bool(_text(message) and ident(message.chat.id) and ident(message.message_id))


def _message(message: Message) -> InboundEvent | None:
    person = _person(message)
    if person is None or not _readable(message):
        return None
    return InboundEvent(
        channel=Channel.TELEGRAM,
        platform_id=message_ref(message.chat.id, message.message_id),
        kind=EventKind.MESSAGE,
        sender=person[0],
        sender_name=person[1],
        sender_handle=person[2],
        address=address_of(message),
        text=_text(message),
        reply_ref=ident(message.message_id),
        replies_to=_replies_to(message),
        occurred_at=message.date,
    )


def _edit(update_id: int, message: Message) -> InboundEvent | None:
    person = _person(message)
    if person is None or not _readable(message):
        return None
    when: datetime = message.edit_date or message.date
    return InboundEvent(
        channel=Channel.TELEGRAM,
        platform_id=update_ref(update_id),
        kind=EventKind.EDIT,
        sender=person[0],
        sender_name=person[1],
        sender_handle=person[2],
        address=address_of(message),
        text=_text(message),
        reply_ref=ident(message.message_id),
        occurred_at=when,
    )


def split_choice(data: str) -> Vote:
    """Button data "<poll ref>:<value>" → Vote; data without a colon is a bare value."""
    ref, _, value = data.rpartition(":")
    return Vote(poll_ref=ref, options=(value,))


def _button(update_id: int, query: CallbackQuery) -> InboundEvent | None:
    user, data = query.from_user, _string(query.data)
    if not data or user.is_bot or not ident(user.id):
        return None
    message = query.message if isinstance(query.message, Message) else None
    address = (
        address_of(message)
        if message is not None
        else Address(channel=Channel.TELEGRAM, chat=ident(user.id))
    )
    return InboundEvent(
        channel=Channel.TELEGRAM,
        platform_id=update_ref(update_id),
        kind=EventKind.VOTE,
        sender=ident(user.id),
        sender_name=_full_name(user),
        sender_handle=_string(user.username),
        address=address,
        reply_ref=ident(message.message_id) if message is not None else "",
        vote=split_choice(data),
        occurred_at=utcnow(),
    )


def _poll_answer(update_id: int, answer: PollAnswer) -> InboundEvent | None:
    voter = ident(answer.user.id) if answer.user is not None else ""
    if not voter and answer.voter_chat is not None:
        voter = ident(answer.voter_chat.id)
    if not voter:
        return None
    name = _full_name(answer.user) if answer.user is not None else ""
    return InboundEvent(
        channel=Channel.TELEGRAM,
        platform_id=update_ref(update_id),
        kind=EventKind.VOTE,
        sender=voter,
        sender_name=name,
        address=Address(channel=Channel.TELEGRAM, chat=voter),
        vote=Vote(poll_ref=ident(answer.poll_id), options=tuple(map(ident, answer.option_ids))),
        occurred_at=utcnow(),
    )
