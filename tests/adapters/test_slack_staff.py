"""Pure translation of staff-channel payloads: what is staff work, the StaffActions it is, and
the Block Kit of cards and of the reply form."""

from __future__ import annotations

from typing import Any

from bot.adapters.slack.inbound import to_event
from bot.adapters.slack.outbound import post_calls
from bot.adapters.slack.staff import is_staff, reply_view, staff_action
from bot.events import (
    Address,
    Button,
    Channel,
    ConversationKind,
    OutboundMessage,
    ReplyForm,
    StaffKind,
)
from tests.fakes.slack_driver import event_envelope
from tests.fakes.slack_payloads import click, message_event, view_submission

STAFF = "C0STAFF01"
CARD_TS = "1763856700.000900"


def card_post() -> dict[str, Any]:
    buttons = (
        Button("Claim", "claim:12"),
        Button("Reply…", "reply:12"),
        Button("Open in inbox", "https://feedback.example.ac.uk/inbox/items/12"),
    )
    message = OutboundMessage(
        address=Address(Channel.SLACK, chat=STAFF, kind=ConversationKind.GROUP),
        text="New · normal priority",
        buttons=buttons,
        staff_card=True,
    )
    [call] = post_calls(message)
    return call


def test_a_card_draws_staff_buttons_and_a_link() -> None:
    [section, actions] = card_post()["blocks"]
    assert section["text"]["text"] == "New · normal priority"
    claim, reply, link = actions["elements"]
    assert (claim["action_id"], claim["value"]) == ("fbstaff-claim", "12")
    assert reply["action_id"] == "fbstaff-reply"
    assert link["url"] == "https://feedback.example.ac.uk/inbox/items/12" and "value" not in link


def test_a_press_on_a_card_is_a_staff_action_and_never_a_vote() -> None:
    body = click(card_post(), 0, "U0ANN0001", "https://hooks.slack.com/actions/x", ts=CARD_TS)
    assert is_staff(body, STAFF) and is_staff(body, "")  # the prefix alone says so
    action = staff_action(body, STAFF)
    assert action is not None
    assert (action.kind, action.action, action.item_id, action.card) == (
        StaffKind.PRESS,
        "claim",
        12,
        CARD_TS,
    )
    assert action.trigger and action.reply_hook == "https://hooks.slack.com/actions/x"
    again = staff_action(body, STAFF)
    assert again is not None and again.dedupe == action.dedupe


def test_a_message_in_a_cards_thread_is_a_note_and_other_staff_channel_talk_is_nothing() -> None:
    note = message_event(
        "the desk refunded it",
        user="U0ANN0001",
        channel=STAFF,
        ts="1763856800.000100",
        thread_ts=CARD_TS,
    )
    body = event_envelope(note, event_id="Ev1")
    action = staff_action(body, STAFF)
    assert action is not None and (action.kind, action.card, action.text) == (
        StaffKind.THREAD,
        CARD_TS,
        "the desk refunded it",
    )
    top = event_envelope(
        message_event("hi all", user="U0ANN0001", channel=STAFF, ts="1763856800.000200"),
        event_id="Ev2",
    )
    bot_post = event_envelope({**note, "bot_id": "B0BOT0001"}, event_id="Ev3")
    for body in (top, bot_post):
        assert is_staff(body, STAFF) and staff_action(body, STAFF) is None
    elsewhere = event_envelope({**note, "channel": "C01LIBRARY"}, event_id="Ev4")
    assert not is_staff(elsewhere, STAFF) and to_event(elsewhere) is not None


def test_the_reply_form_offers_text_and_canned_replies_and_its_submission_reads_back() -> None:
    view = reply_view(
        ReplyForm(
            12,
            title="Reply to Person ABC123",
            to="Person ABC123 on x",
            max_chars=4000,
            canned=(Button("Refund", "refund"), Button("Opening hours", "opening_hours")),
        )
    )
    assert (view["callback_id"], view["submit"]["text"], view["private_metadata"]) == (
        "fbstaff-reply",
        "Send",
        "12",
    )
    options = [(o["text"]["text"], o["value"]) for o in view["blocks"][2]["element"]["options"]]
    assert options == [("Refund", "refund"), ("Opening hours", "opening_hours")]
    opened = {**view, "id": "V0001", "hash": "1.2"}
    body = view_submission(opened, "U0ANN0001", text="On its way", canned="refund")
    assert is_staff(body, STAFF)
    action = staff_action(body, STAFF)
    assert action is not None
    assert (action.kind, action.item_id, action.text, action.canned, action.dedupe) == (
        StaffKind.SUBMIT,
        12,
        "On its way",
        "refund",
        "submit:V0001",
    )


def test_a_long_title_is_cut_to_slacks_limit_and_no_canned_replies_means_no_picker() -> None:
    view = reply_view(
        ReplyForm(3, title="Reply to a very long name indeed", to="someone", max_chars=4000)
    )
    assert len(view["title"]["text"]) <= 24
    assert [b.get("block_id") for b in view["blocks"]] == [None, "reply_text"]


def test_a_forged_submission_without_an_item_is_nothing() -> None:
    view = {
        **reply_view(ReplyForm(3, title="t", to="x", max_chars=4000)),
        "id": "V9",
        "private_metadata": "x",
    }
    assert staff_action(view_submission(view, "U0ANN0001", text="hi"), STAFF) is None
