"""A person on Telegram: updates queued on FakeTelegram for the bot's getUpdates long poll."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from tests.fakes import telegram_payloads as tp
from tests.fakes.chat.base import Heard, Said, newest_with
from tests.fakes.telegram import Call, deliver_webhook

if TYPE_CHECKING:
    from tests.fakes.chat.chat import Chat

Update = dict[str, Any]
SHOWN = {"sendMessage": "post", "sendPoll": "poll", "editMessageText": "edit", "stopPoll": "stop"}


class TelegramPerson:
    """``user_id`` (called ``first``) in a private chat with the bot, or in the supergroup
    ``group`` (a forum when ``topic`` is given). With ``webhook_secret`` their updates are
    posted to the bot's /telegram/webhook, as Telegram does once a webhook is set."""

    channel = "telegram"

    def __init__(
        self,
        chat: Chat,
        *,
        user_id: int = 5550001,
        first: str = "Ada",
        group: int | None = None,
        topic: int | None = None,
        webhook_secret: str | None = None,
    ) -> None:
        self.chat, self.user_id, self.group, self.topic = chat, user_id, group, topic
        self.webhook_secret = webhook_secret
        self.person = tp.user(user_id, first)
        self.chat_id = group or user_id
        self.queries: set[str] = set()  # callback query ids of this person's taps
        self._last: Update | None = None
        self._poll = ""  # the native poll last answered, for a retraction

    def __repr__(self) -> str:
        return f"Telegram {self.user_id} in {self.chat_id}"

    async def says(
        self,
        text: str,
        *,
        replying_to: Heard | None = None,
        message_id: int | None = None,
        times: int = 1,
    ) -> Said:
        """A text message in their chat (in the topic, in a forum); ``times`` > 1 hands the one
        update out that many times, as when the bot's confirming offset was lost."""
        mid = message_id or self.chat.next_id()
        chat = tp.group_chat(self.group, forum=self.topic is not None) if self.group else None
        update = tp.message_update(
            text, message_id=mid, sender=self.person, chat=chat, topic=self.topic
        )
        if replying_to is not None:
            update["message"]["reply_to_message"] = replying_to.raw.answer["result"]
        return await self._push(update, f"{self.chat_id}:{mid}", times)

    async def taps(self, label: str, *, times: int = 1) -> Said:
        """Answer the newest native poll with ``label`` (a poll_answer), or tap the inline
        button ``label`` under a message (a callback_query); ``times`` > 1 redelivers it."""
        shown = newest_with(await self.heard(), label)
        return await self._push(self._tap(shown, label), "", times)

    async def retracts(self) -> Said:
        """Take back their answer to the native poll they last answered."""
        assert self._poll, f"{self} has answered no native poll"
        return await self._push(
            tp.poll_answer_update([], poll_id=self._poll, sender=self.person), ""
        )

    async def redelivers(self, *, times: int = 1) -> list[Said]:
        """Their last message or answer arrives again, as a new update with the same content."""
        assert self._last is not None, f"{self} has sent nothing yet"
        fresh = [{k: v for k, v in self._last.items() if k != "update_id"} for _ in range(times)]
        return [Said("", 0, i) for i in await self.chat.telegram.push(*copy.deepcopy(fresh))]

    async def heard(self) -> list[Heard]:
        """What the bot sent to their chat or privately to them, and the toasts of their taps."""
        heard = (self._heard(c) for c in self.chat.telegram.calls if c.status == 200)
        return [h for h in heard if h is not None]

    def _heard(self, call: Call) -> Heard | None:
        params = call.params
        if call.method == "answerCallbackQuery" and params.get("callback_query_id") in self.queries:
            return Heard(str(params.get("text", "")), "toast", "", (), call)
        if call.method not in SHOWN or str(params.get("chat_id")) not in self._chats():
            return None
        ref = str(params.get("message_id") or call.answer["result"].get("message_id", ""))
        text = str(params.get("text") or params.get("question") or "")
        return Heard(text, SHOWN[call.method], ref, _labels(params), call)

    def _chats(self) -> set[str]:
        return {str(self.chat_id), str(self.user_id)}

    def _tap(self, shown: Heard, label: str) -> Update:
        """The update a tap on ``label`` of ``shown`` makes."""
        index = shown.options.index(label)
        if shown.how == "poll":
            self._poll = str(shown.raw.answer["result"]["poll"]["id"])
            return tp.poll_answer_update([index], poll_id=self._poll, sender=self.person)
        rows = shown.raw.params["reply_markup"]["inline_keyboard"]
        data = [b["callback_data"] for row in rows for b in row][index]
        query = f"q-{self.user_id}-{self.chat.next_id()}"
        self.queries.add(query)
        return tp.callback_update(
            data,
            query_id=query,
            sender=self.person,
            chat_id=self.chat_id,
            message_id=int(shown.ref),
        )

    async def _push(self, update: Update, platform_id: str, times: int = 1) -> Said:
        """Queue the update ``times`` times at once (one update_id): all are handed out. By
        webhook: post it ``times`` times; the answer is the list of HTTP statuses."""
        self._last = update
        if self.webhook_secret is not None:
            update.setdefault("update_id", self.chat.next_id())
            url = f"{self.chat.bot.url}/telegram/webhook"
            statuses = await deliver_webhook(url, update, secret=self.webhook_secret, times=times)
            return Said(platform_id, statuses[-1], statuses)
        [update_id, *_] = await self.chat.telegram.push(*[update] * times)
        return Said(platform_id, 0, update_id)


def _labels(params: dict[str, Any]) -> tuple[str, ...]:
    """A poll's option texts, or the texts of a message's inline buttons."""
    if "options" in params:
        return tuple(o["text"] if isinstance(o, dict) else str(o) for o in params["options"])
    markup = params.get("reply_markup")
    rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
    return tuple(str(b["text"]) for row in rows for b in row)
