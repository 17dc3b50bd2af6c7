"""Pure translation for the staff channel: which Slack payloads are staff work (buttons and the
form that carry our staff prefix, messages in the staff channel), the StaffActions they are,
and the Block Kit of a card and of the reply form."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from bot.adapters.payload import obj, objs, text
from bot.adapters.slack.text import unescape
from bot.events import STAFF_PREFIX, Button, ReplyForm, StaffAction, StaffKind
from bot.storable import storable

Payload = Mapping[str, Any]
FORM = f"{STAFF_PREFIX}reply"
TEXT_BLOCK, CANNED_BLOCK = "reply_text", "reply_canned"
MOVE = "move:"
MAX_TITLE, MAX_OPTIONS, MAX_OPTION_TEXT = 24, 100, 75


def is_staff(body: Payload, staff_channel: str) -> bool:
    """Staff work, never customer feedback: our staff buttons or form, or anything at all that
    happens in the staff channel."""
    if body.get("type") == "view_submission":
        return text(obj(body.get("view")).get("callback_id")).startswith(STAFF_PREFIX)
    if body.get("type") == "block_actions":
        action_ids = [text(a.get("action_id")) for a in objs(body.get("actions"))]
        return any(a.startswith(STAFF_PREFIX) for a in action_ids) or (
            bool(staff_channel) and _action_channel(body) == staff_channel
        )
    event = obj(body.get("event"))
    return bool(staff_channel) and text(event.get("channel")) == staff_channel


def staff_action(body: Payload, staff_channel: str) -> StaffAction | None:
    """The staff action in a staff payload; None for what needs nothing (bot posts, edits,
    top-level chatter in the staff channel)."""
    if body.get("type") == "view_submission":
        action = _submission(body)
    elif body.get("type") == "block_actions":
        action = _press(body)
    else:
        action = _thread_message(obj(body.get("event")), staff_channel)
    return None if action is None else storable(action)


def _action_channel(body: Payload) -> str:
    container = obj(body.get("container"))
    return text(obj(body.get("channel")).get("id")) or text(container.get("channel_id"))


def _press(body: Payload) -> StaffAction | None:
    """A staff button: ``fbstaff-<verb>`` with the item id as its value; or the move menu, its
    option ``<item id>:<team>`` (the team becomes the action's text)."""
    actions, user = objs(body.get("actions")), text(obj(body.get("user")).get("id"))
    if not actions or not user:
        return None
    action, ts = actions[0], text(obj(body.get("container")).get("message_ts"))
    verb = text(action.get("action_id")).removeprefix(STAFF_PREFIX)
    picked = text(obj(action.get("selected_option")).get("value"))
    value, _, choice = (text(action.get("value")) or picked).partition(":")
    return StaffAction(
        kind=StaffKind.PRESS,
        user=user,
        dedupe=f"press:{verb}:{ts}:{user}:{text(action.get('action_ts'))}",
        action=verb,
        item_id=int(value) if value.isdigit() else None,
        card=ts,
        chat=_action_channel(body),
        trigger=text(body.get("trigger_id")),
        text=choice,
        reply_hook=text(body.get("response_url")),
    )


def _submission(body: Payload) -> StaffAction | None:
    """The reply form sent: its text and/or the canned reply picked."""
    view, user = obj(body.get("view")), text(obj(body.get("user")).get("id"))
    item = text(view.get("private_metadata"))
    values = obj(obj(view.get("state")).get("values"))
    typed = text(obj(obj(values.get(TEXT_BLOCK)).get("text")).get("value"))
    picked = obj(obj(obj(values.get(CANNED_BLOCK)).get("canned")).get("selected_option"))
    if not (user and item.isdigit() and text(view.get("id"))):
        return None
    return StaffAction(
        kind=StaffKind.SUBMIT,
        user=user,
        dedupe=f"submit:{text(view.get('id'))}",
        action="reply",
        item_id=int(item),
        trigger=text(body.get("trigger_id")),
        text=typed,
        canned=text(picked.get("value")),
    )


def _thread_message(event: Payload, staff_channel: str) -> StaffAction | None:
    """A person's message in a thread of the staff channel (a card's thread: a note)."""
    ts, thread, user = text(event.get("ts")), text(event.get("thread_ts")), text(event.get("user"))
    plain = text(event.get("subtype")) in ("", "thread_broadcast")
    if event.get("type") != "message" or not plain or event.get("bot_id"):
        return None
    if not (user and thread and ts != thread and text(event.get("channel")) == staff_channel):
        return None
    return StaffAction(
        kind=StaffKind.THREAD,
        user=user,
        dedupe=f"thread:{staff_channel}:{ts}",
        card=thread,
        chat=staff_channel,
        text=unescape(text(event.get("text"))).strip(),
    )


def card_blocks(body: str, buttons: tuple[Button, ...], block_id: str = "") -> list[dict[str, Any]]:
    """A card: its text, and its staff buttons (a URL value is a link button)."""
    section = {"type": "section", "text": {"type": "mrkdwn", "text": body or " "}}
    moves = [b for b in buttons if b.value.startswith(MOVE)]
    elements = [_button(b) for b in buttons if b not in moves]
    actions: dict[str, Any] = {"type": "actions", "elements": elements + _move_menu(moves)}
    if block_id:
        actions["block_id"] = block_id[:255]
    return [section, actions]


def _move_menu(moves: list[Button]) -> list[dict[str, Any]]:
    """The teams an item can move to, as one menu ("Move to team…"); none: no menu."""
    options = [
        {"text": _plain(b.label[:MAX_OPTION_TEXT]), "value": b.value.removeprefix(MOVE)}
        for b in moves[:MAX_OPTIONS]
    ]
    if not options:
        return []
    return [
        {
            "type": "static_select",
            "action_id": f"{STAFF_PREFIX}move",
            "placeholder": _plain("Move to team…"),
            "options": options,
        }
    ]


def _button(button: Button) -> dict[str, Any]:
    label = {"type": "plain_text", "text": button.label[:MAX_OPTION_TEXT], "emoji": True}
    if button.value.startswith(("https://", "http://")):
        return {
            "type": "button",
            "action_id": f"{STAFF_PREFIX}open",
            "text": label,
            "url": button.value,
        }
    verb, _, item = button.value.partition(":")
    element = {"type": "button", "action_id": f"{STAFF_PREFIX}{verb}", "text": label, "value": item}
    if verb == "resolve":
        element["style"] = "primary"
    return element


def reply_view(form: ReplyForm) -> dict[str, Any]:
    """The reply form as a modal: a text box, the canned replies to pick from, Send."""
    intro = (
        f"To *{form.to}*, on the channel they wrote on. Only *Send* delivers it; "
        "Cancel sends nothing. A message typed in the card's thread is a private note instead."
    )
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": intro}},
        {
            "type": "input",
            "block_id": TEXT_BLOCK,
            "optional": True,
            "label": _plain("Your reply"),
            "element": {
                "type": "plain_text_input",
                "action_id": "text",
                "multiline": True,
                "max_length": form.max_chars,
            },
        },
    ]
    if form.canned:
        options = [
            {"text": _plain(c.label[:MAX_OPTION_TEXT]), "value": c.value[:MAX_OPTION_TEXT]}
            for c in form.canned[:MAX_OPTIONS]
        ]
        blocks.append(
            {
                "type": "input",
                "block_id": CANNED_BLOCK,
                "optional": True,
                "label": _plain("Or send a canned reply"),
                "element": {"type": "static_select", "action_id": "canned", "options": options},
            }
        )
    return {
        "type": "modal",
        "callback_id": FORM,
        "private_metadata": json.dumps(form.item_id),
        "title": _plain(form.title[:MAX_TITLE]),
        "submit": _plain("Send"),
        "close": _plain("Cancel"),
        "blocks": blocks,
    }


def _plain(value: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": value, "emoji": True}
