"""Cards, pure: what each status and mode shows, and the digest that skips idle edits."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.adapters.slack.outbound import post_calls
from bot.events import Channel
from config.wording import Wording
from handlers.bridge import cards
from handlers.bridge.cards import CardStyle
from models.store.inbox.types import ItemRow, ItemView

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
FULL = CardStyle(
    "C0STAFF01",
    "full",
    "https://fb.example.ac.uk/",
    ZoneInfo("Europe/London"),
    Channel.SLACK,
    Wording(
        {"topic_names.wifi_and_it": "Wi-Fi and IT", "team_names.it_services": "IT services"}, {}
    ),
)
ALERTS = replace(FULL, mode="alerts")


def view(**row: object) -> ItemView:
    values: dict[str, object] = {
        "id": 7,
        "conversation_id": 3,
        "channel": "telegram",
        "status": "new",
        "priority": "high",
        "team": "it_services",
        "assignee_id": None,
        "assignee": "",
        "due_at": NOW + timedelta(hours=2),
        "topic": "wifi_and_it",
        "sentiment": "negative",
        "text": "wifi is down *again* <b>",
        "created_at": NOW,
        "last_message_at": NOW,
        "snoozed_until": None,
        "first_response_at": None,
        "resolved_at": None,
        "person": "0B3A91C2",
    } | row
    return ItemView(ItemRow(**values), 1, "direct", "Ada Lovelace", NOW, None, 0, None, False)  # type: ignore[arg-type]


def labels(item: ItemView, style: CardStyle = FULL) -> list[str]:
    return [b.label for b in cards.card_buttons(item, style)]


def test_a_new_card_says_who_where_what_and_when_without_the_persons_name() -> None:
    text = cards.card_text(view(), FULL, now=NOW)
    assert "New, no reply yet · high priority · due Tue 1 Dec 2026, 12:00 GMT" in text
    assert "on Telegram · topic: Wi-Fi and IT · sentiment: negative · team: IT services" in text
    assert "> wifi is down *again* <b>" in text and "Not claimed" in text
    assert "Ada" not in text and "Person 0B3A91C2" in text
    late = cards.card_text(view(), FULL, now=NOW + timedelta(hours=3))
    assert "(overdue)" in late


def test_buttons_follow_the_item_and_the_mode() -> None:
    assert labels(view()) == ["Claim", "Reply…", "Resolve", "Open in inbox"]
    held = view(status="open", assignee_id=2, assignee="Ann")
    assert labels(held) == ["Reply…", "Resolve", "Open in inbox"]
    assert labels(view(status="resolved")) == ["Open in inbox"]
    assert labels(view(), ALERTS) == ["Open in inbox"]
    [link] = cards.card_buttons(view(), ALERTS)
    assert link.value == "https://fb.example.ac.uk/inbox/items/7"


def test_an_edit_is_the_same_card_with_its_ts_and_the_digest_ignores_it() -> None:
    post = cards.card(view(), FULL, now=NOW)
    edit = cards.card(view(), FULL, now=NOW, edit_of="1.2")
    assert edit.edit_of == "1.2" and post.edit_of == "" and post.staff_card and edit.staff_card
    assert cards.shown(post) == cards.shown(edit)
    claimed = cards.card(view(status="open", assignee_id=2, assignee="Ann"), FULL, now=NOW)
    assert cards.shown(claimed) != cards.shown(post)


def test_private_answers_use_the_taps_hook_and_thread_lines_go_under_the_card() -> None:
    told = cards.private(FULL, "U0ANN0001", "no", hook="https://hooks.slack.com/x")
    assert (told.private_to, told.reply_hook) == ("U0ANN0001", "https://hooks.slack.com/x")
    line = cards.person_wrote(FULL, "1.2", view(), "still down")
    assert line.address.thread == "1.2" and "> still down" in line.text


def test_a_web_note_in_the_thread_is_marked_private_and_goes_to_nobody_in_particular() -> None:
    line = cards.note_added(FULL, "1.2", "Lee", "refund at the desk")
    assert line.address.thread == "1.2" and not line.private_to
    assert line.text == "Private note by Lee (never sent to the person):\n> refund at the desk"


def test_a_long_message_still_makes_one_card_with_its_buttons() -> None:
    message = cards.card(view(text="&<>" * 2000), FULL, now=NOW)
    [call] = post_calls(message)
    assert len(call["blocks"][0]["text"]["text"]) <= 3000
    assert "…" in call["text"]


def test_direction_controls_in_a_card_are_shown_and_a_card_of_them_still_fits() -> None:
    spoof = cards.card_text(view(text="invoice\u202egpj.exe\nok \u2067x\u2069"), FULL, now=NOW)
    assert "> invoice[U+202E]gpj.exe\n> ok [U+2067]x[U+2069]" in spoof and "\u202e" not in spoof
    again = cards.person_wrote(FULL, "1.2", view(), "see \u202dthis")
    assert again.text.endswith("> see [U+202D]this")
    [call] = post_calls(cards.card(view(text="\u202e" * 2000), FULL, now=NOW))
    assert len(call["blocks"][0]["text"]["text"]) <= 3000 and "\u202e" not in call["text"]


def test_staff_read_names_and_the_move_buttons_still_carry_keys() -> None:
    style = replace(FULL, teams=("it_services", "estates", "customer_engagement"))
    item = view(team="estates", topic="building_and_facilities")
    text = cards.card_text(item, style, now=NOW)
    assert "topic: Building and facilities" in text and "team: Estates" in text  # unnamed keys
    moves = [b for b in cards.card_buttons(item, style) if b.value.startswith("move:")]
    assert [(b.label, b.value) for b in moves] == [
        ("IT services", "move:7:it_services"),
        ("Customer engagement", "move:7:customer_engagement"),
    ]
    unsorted = cards.card_text(view(topic=None, team=None), style, now=NOW)
    assert "topic: none" in unsorted and "team: none" in unsorted
