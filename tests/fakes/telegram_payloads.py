"""Bot API 10.0 payloads as Telegram sends them, valid for PTB 22.8 — the one place to update.

PTB 22.8 rejects objects missing fields that Bot API 10.0 made required: Poll needs
``allows_revoting`` and ``members_only``, PollOption ``persistent_id``, PollAnswer
``option_persistent_ids``. Every builder returns a plain dict (JSON-ready).
"""

from __future__ import annotations

import time
from typing import Any

BOT_ID = 123456
BOT_USERNAME = "library_feedback_bot"


def error(code: int, description: str, *, retry_after: int | None = None) -> dict[str, Any]:
    """An error answer; with ``retry_after`` it is the 429 PTB turns into RetryAfter."""
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if retry_after is not None:
        body["description"] = f"Too Many Requests: retry after {retry_after}"
        body["parameters"] = {"retry_after": retry_after}
    return body


def bot_user() -> dict[str, Any]:
    """getMe's answer."""
    return {
        "id": BOT_ID,
        "is_bot": True,
        "first_name": "Library Feedback",
        "username": BOT_USERNAME,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
    }


def user(user_id: int = 5550001, first: str = "Ada", last: str = "Lovelace") -> dict[str, Any]:
    """A person."""
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": first,
        "last_name": last,
        "username": f"{first.lower()}{user_id % 1000}",
        "language_code": "en",
    }


def private_chat(user_id: int = 5550001, first: str = "Ada") -> dict[str, Any]:
    """A private chat with a person (its id is the person's id)."""
    return {"id": user_id, "type": "private", "first_name": first}


def group_chat(chat_id: int = -1001234567890, forum: bool = False) -> dict[str, Any]:
    """A supergroup, optionally a forum with topics."""
    chat: dict[str, Any] = {"id": chat_id, "type": "supergroup", "title": "Library users"}
    if forum:
        chat["is_forum"] = True
    return chat


def message(
    text: str = "The third floor is too cold to study",
    *,
    message_id: int = 17,
    sender: dict[str, Any] | None = None,
    chat: dict[str, Any] | None = None,
    topic: int | None = None,
    date: int | None = None,
) -> dict[str, Any]:
    """A text message object."""
    person = sender or user()
    body: dict[str, Any] = {
        "message_id": message_id,
        "from": person,
        "chat": chat or private_chat(person["id"], person["first_name"]),
        "date": date or int(time.time()),
        "text": text,
    }
    if topic is not None:
        body["message_thread_id"] = topic
        body["is_topic_message"] = True
    return body


def message_update(text: str = "The third floor is too cold to study", **kw: Any) -> dict[str, Any]:
    """An update carrying a new message (update_id filled in by FakeTelegram.push)."""
    return {"message": message(text, **kw)}


def edited_update(text: str, *, message_id: int = 17, **kw: Any) -> dict[str, Any]:
    """An update carrying an edit of ``message_id``."""
    body = message(text, message_id=message_id, **kw)
    body["edit_date"] = body["date"] + 30
    return {"edited_message": body}


def callback_update(
    data: str,
    *,
    query_id: str = "4382bfdwdsb323b2d9",
    sender: dict[str, Any] | None = None,
    chat_id: int | None = None,
    message_id: int = 1001,
) -> dict[str, Any]:
    """An update for a tap on an inline button under one of the bot's messages (in a private
    chat with the person unless ``chat_id`` names a group)."""
    person = sender or user()
    chat = {"chat_id": chat_id or person["id"]}
    under = bot_message(message_id, chat, text="How was your visit today?")
    return {
        "callback_query": {
            "id": query_id,
            "from": person,
            "message": under,
            "chat_instance": "-7350914275523861234",
            "data": data,
        }
    }


def poll_option(text: str, index: int, votes: int = 0) -> dict[str, Any]:
    """One poll option (persistent_id is required since Bot API 9.6)."""
    return {"text": text, "voter_count": votes, "persistent_id": f"opt-{index}"}


def poll(
    poll_id: str, question: str, options: list[str], *, closed: bool = False
) -> dict[str, Any]:
    """A non-anonymous regular poll (allows_revoting, members_only: required in Bot API 10.0)."""
    return {
        "id": poll_id,
        "question": question,
        "options": [poll_option(t, i) for i, t in enumerate(options)],
        "total_voter_count": 0,
        "is_closed": closed,
        "is_anonymous": False,
        "type": "regular",
        "allows_multiple_answers": False,
        "allows_revoting": True,
        "members_only": False,
    }


def poll_update(
    poll_id: str = "5432109876543210987", counts: tuple[int, ...] = (3, 1)
) -> dict[str, Any]:
    """An update with a poll's new counts (what anonymous polls give)."""
    body = poll(poll_id, "How was your visit today?", [f"option {i}" for i in range(len(counts))])
    body["options"] = [
        poll_option(o["text"], i, c)
        for i, (o, c) in enumerate(zip(body["options"], counts, strict=True))
    ]
    body["total_voter_count"] = sum(counts)
    return {"poll": body}


def poll_answer_update(
    option_ids: list[int],
    *,
    poll_id: str = "5432109876543210987",
    sender: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A person's answer to a non-anonymous poll; ``[]`` means they retracted their vote."""
    return {
        "poll_answer": {
            "poll_id": poll_id,
            "user": sender or user(),
            "option_ids": option_ids,
            "option_persistent_ids": [f"opt-{i}" for i in option_ids],
        }
    }


def bot_message(
    message_id: int, params: dict[str, Any], *, text: str | None = None
) -> dict[str, Any]:
    """A message the bot sent, as sendMessage/sendPoll/edit* answer it."""
    chat_id = int(params["chat_id"])
    chat = private_chat(chat_id) if chat_id > 0 else group_chat(chat_id)
    body: dict[str, Any] = {
        "message_id": message_id,
        "from": bot_user(),
        "chat": chat,
        "date": int(time.time()),
    }
    if text is not None:
        body["text"] = text
    if params.get("message_thread_id"):
        body["message_thread_id"] = int(params["message_thread_id"])
        body["is_topic_message"] = True
    if isinstance(params.get("reply_markup"), dict):
        body["reply_markup"] = params["reply_markup"]
    return body
