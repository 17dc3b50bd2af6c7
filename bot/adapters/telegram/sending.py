"""Telegram's sends: texts (split, buttons on the last part), native polls, edits and stopped
polls, through PTB's bot; PTB's errors become the one SendError."""

from __future__ import annotations

from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.adapters.network import may_have_arrived
from bot.adapters.telegram.limits import wait_seconds
from bot.adapters.telegram.outbound import keyboard, reply_to, split_text, thread_id
from bot.adapters.telegram.translate import message_ref
from bot.channel import Cursors, SendError
from bot.events import OutboundMessage, PollPost

POLL_MESSAGE = "telegram.poll."
"""Store key prefix: a native poll's id → "chat:message id" of the message that carries it."""


class Sender:
    """Sends one OutboundMessage through ``bot``; the carrier of each native poll is kept in
    ``cursors`` (answers name the poll, stopPoll the message)."""

    def __init__(self, bot: Bot, cursors: Cursors) -> None:
        self._bot = bot
        self._cursors = cursors

    async def send(self, message: OutboundMessage) -> str:
        """Post a text or a native poll, or edit (stop) one; "chat:message_id" for texts, the
        poll id for native polls. Raises SendError."""
        try:
            if message.edit_of:
                return await self._edit(message, message.edit_of)
            if message.poll is not None:
                return await self._send_poll(message, message.poll)
            return await self._send_text(message)
        except RetryAfter as exc:
            wait = wait_seconds(exc)
            raise SendError(
                f"telegram flood control: retry in {wait:g}s", retry_after=wait
            ) from exc
        except (BadRequest, Forbidden, ChatMigrated, ValueError) as exc:
            raise SendError(f"telegram refused: {exc}", permanent=True) from exc
        except TelegramError as exc:
            raise SendError(f"telegram: {exc!r}", unknown=_may_have_taken(exc)) from exc
        except RuntimeError as exc:  # PTB's HTTP client closed by stop() mid-send
            raise SendError(f"telegram is stopping: {exc}") from exc

    async def _send_text(self, message: OutboundMessage) -> str:
        chunks = split_text(message.text)
        markup = keyboard(message.buttons)
        reply = reply_to(message.reply_ref)
        thread = thread_id(message.address.thread)
        ref = ""
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            sent = await self._bot.send_message(
                chat_id=message.address.chat,
                text=chunk,
                message_thread_id=thread,
                reply_parameters=reply if i == 0 else None,
                reply_markup=markup if last else None,
            )
            ref = message_ref(sent.chat_id, sent.message_id)
        return ref

    async def _send_poll(self, message: OutboundMessage, poll: PollPost) -> str:
        """sendPoll; it is closed by the scheduler (stopPoll), not by Telegram's timer."""
        sent = await self._bot.send_poll(
            chat_id=message.address.chat,
            question=poll.question,
            options=list(poll.options),
            is_anonymous=poll.anonymous,
            allows_multiple_answers=poll.multi,
            message_thread_id=thread_id(message.address.thread),
        )
        if sent.poll is None:
            raise SendError("telegram answered sendPoll without a poll", permanent=True)
        poll_id: str = sent.poll.id
        # Answers name the poll, stopPoll the message: remember which message carries it.
        carrier = message_ref(sent.chat_id, sent.message_id)
        await self._cursors.set(name=POLL_MESSAGE + poll_id, value=carrier)
        return poll_id

    async def _edit(self, message: OutboundMessage, ref: str) -> str:
        """Edit one of our messages ("chat:id": new text and buttons, none to take them away);
        a native poll (its poll id) can only be stopped, which closes it where it stands."""
        if ":" not in ref:
            carried = await self._cursors.get(name=POLL_MESSAGE + ref)
            if carried is None:
                raise SendError(f"telegram: no message known for poll {ref}", permanent=True)
            chat, _, message_id = carried.rpartition(":")
            await self._bot.stop_poll(chat_id=chat, message_id=int(message_id))
            return ref
        chat, _, message_id = ref.rpartition(":")
        await self._bot.edit_message_text(
            chat_id=chat,
            message_id=int(message_id),
            text=split_text(message.text)[0],
            reply_markup=keyboard(message.buttons),
        )
        return ref


def _may_have_taken(exc: TelegramError) -> bool:
    """Whether Telegram may have taken a send that failed: only a transport failure after the
    request left (PTB chains the HTTP client's error). An error status Telegram answered (a 502
    included) is a NetworkError with no such cause: it was not taken, and is retried as usual."""
    return isinstance(exc, NetworkError) and exc.__cause__ is not None and may_have_arrived(exc)
