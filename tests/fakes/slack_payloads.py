"""Slack request bodies built as Slack sends them: message events and button clicks."""

from __future__ import annotations

import time
from typing import Any

from tests.fakes.slack import Identity, Json


def message_event(
    text: str, *, user: str, channel: str, ts: str, thread_ts: str = "", mention: bool = False
) -> Json:
    """A person's ``message`` (or, with ``mention``, ``app_mention``) event in ``channel``."""
    event: Json = {
        "type": "app_mention" if mention else "message",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
    }
    if not mention:
        event["channel_type"] = "im" if channel.startswith("D") else "channel"
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def click(
    posted: Json,
    button: int,
    user: str,
    hook: str,
    *,
    ts: str = "1763856700.000900",
    identity: Identity | None = None,
) -> Json:
    """A ``block_actions`` body for ``user`` clicking button ``button`` of the message ``posted``
    (chat.postMessage's arguments) whose ts is ``ts``; ``hook`` is its response_url."""
    i = identity or Identity()
    actions = next(b for b in posted["blocks"] if b["type"] == "actions")
    element = actions["elements"][button]
    channel = str(posted["channel"])
    message = {
        "bot_id": i.bot_id,
        "type": "message",
        "text": posted.get("text", ""),
        "user": i.bot_user_id,
        "ts": ts,
        "app_id": i.app_id,
        "team": i.team_id,
        "blocks": posted["blocks"],
    }
    if posted.get("thread_ts"):
        message["thread_ts"] = posted["thread_ts"]
    return {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": i.team_id},
        "api_app_id": i.app_id,
        "token": "verification-token-unused",
        "container": {"type": "message", "message_ts": ts, "channel_id": channel},
        "trigger_id": f"{int(time.time())}.{user}.trigger",
        "team": {"id": i.team_id, "domain": "library"},
        "channel": {"id": channel, "name": "library-feedback"},
        "message": message,
        "state": {"values": {}},
        "response_url": hook,
        "actions": [_action(element, actions)],
    }


def _action(element: Json, actions: Json) -> Any:
    """The clicked element as block_actions reports it: with its block and the time of the click."""
    return {**element, "block_id": actions.get("block_id", ""), "action_ts": f"{time.time():.6f}"}


def view_submission(
    view: Json, user: str, *, text: str = "", canned: str = "", identity: Identity | None = None
) -> Json:
    """A ``view_submission`` body: ``user`` sends the modal ``view`` (as views.open answered
    it, with its id) with ``text`` typed and the option ``canned`` picked."""
    i = identity or Identity()
    values: Json = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        if element["type"] == "plain_text_input":
            entry: Json = {"type": "plain_text_input", "value": text or None}
        else:
            chosen = [o for o in element.get("options", []) if o["value"] == canned]
            entry = {"type": element["type"], "selected_option": chosen[0] if chosen else None}
        values[block["block_id"]] = {element["action_id"]: entry}
    return {
        "type": "view_submission",
        "team": {"id": i.team_id, "domain": "library"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": i.team_id},
        "api_app_id": i.app_id,
        "token": "verification-token-unused",
        "trigger_id": f"{int(time.time())}.{user}.submit",
        "view": {**view, "state": {"values": values}, "team_id": i.team_id, "app_id": i.app_id},
        "response_urls": [],
    }
