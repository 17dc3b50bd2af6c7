"""Pure translation of OutboundMessages into Slack Web API call arguments."""

from __future__ import annotations

from typing import Any

from bot.adapters.slack.lookup import metadata
from bot.adapters.slack.staff import card_blocks
from bot.adapters.slack.text import split_escaped
from bot.channel import Capabilities
from bot.events import Button, ConversationKind, OutboundMessage

MAX_TEXT = 40_000
MAX_SECTION_TEXT = 3_000
MAX_BUTTONS = 25
MAX_BUTTON_LABEL = 75
MAX_BUTTON_VALUE = 2_000

CAPABILITIES = Capabilities(
    max_text=MAX_TEXT,
    buttons=True,
    threads=True,
    max_poll_options=MAX_BUTTONS,
    max_option_chars=MAX_BUTTON_LABEL,
    closable_polls=True,
    editing=True,
    private_acks=True,
    send_rate=1.0,  # chat.postMessage: about one message a second (special tier)
)

Call = dict[str, Any]


def post_calls(message: OutboundMessage) -> list[Call]:
    """chat.postMessage arguments, one per piece; buttons go under the last piece; each piece
    carries the send key in its metadata (not a private one: ephemeral posts keep none)."""
    pieces = _pieces(message.text, bool(message.buttons))
    calls: list[Call] = [{"channel": message.address.chat, "text": piece} for piece in pieces]
    thread = thread_ts(message)
    for n, call in enumerate(calls, start=1):
        if thread:
            call["thread_ts"] = thread
        if message.send_key and not message.private_to:
            call["metadata"] = metadata(message.send_key, n, len(calls))
    if message.buttons and message.staff_card:
        calls[-1]["blocks"] = card_blocks(calls[-1]["text"], message.buttons)
    elif message.buttons:
        calls[-1]["blocks"] = blocks(calls[-1]["text"], message.buttons, message.poll_ref)
    return calls


def upload_call(message: OutboundMessage) -> Call:
    """files_upload_v2 arguments: the first image, the text (escaped, at most one comment's
    worth) as its comment. Uploads carry no metadata, so they cannot be looked for."""
    image = message.images[0]
    name = image.name if image.name.endswith(".png") else f"{image.name}.png"
    return {
        "channel": message.address.chat,
        "file": image.png,
        "filename": name,
        "title": name,
        "alt_txt": image.alt[:1000],
        "initial_comment": _pieces(message.text, False)[0],
    }


def update_call(message: OutboundMessage, ts: str) -> Call:
    """chat.update arguments replacing the message at ``ts`` (a poll's live tally, say). Without
    buttons the blocks are emptied: chat.update keeps a message's old blocks when given none."""
    call = post_calls(message)[-1]
    call.pop("thread_ts", None)
    call.pop("metadata", None)
    call.setdefault("blocks", [])
    return {**call, "ts": ts}


def thread_ts(message: OutboundMessage) -> str:
    """The thread to reply in: the address's thread; in channels, else the message replied to."""
    if message.address.thread:
        return message.address.thread
    if message.address.kind is ConversationKind.DIRECT:
        return ""
    return message.reply_ref


def blocks(text: str, buttons: tuple[Button, ...], block_id: str = "") -> list[dict[str, Any]]:
    """A section with the text and an actions block with one button per choice."""
    actions: dict[str, Any] = {
        "type": "actions",
        "elements": [_button(i, b) for i, b in enumerate(buttons)],
    }
    if block_id:
        actions["block_id"] = block_id[:255]
    section = {"type": "section", "text": {"type": "mrkdwn", "text": text or " "}}
    return [section, actions]


def _button(index: int, button: Button) -> dict[str, Any]:
    """One Block Kit button; the label is plain text (no mrkdwn), trimmed to Slack's limit."""
    return {
        "type": "button",
        "action_id": f"choice_{index}",
        "text": {"type": "plain_text", "text": button.label[:MAX_BUTTON_LABEL], "emoji": True},
        "value": button.value[:MAX_BUTTON_VALUE],
    }


def _pieces(text: str, with_buttons: bool) -> list[str]:
    """Escaped pieces under Slack's limit; with buttons the text must fit in a section block."""
    return split_escaped(text, MAX_SECTION_TEXT if with_buttons else MAX_TEXT) or [""]
