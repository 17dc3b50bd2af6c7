"""Staff see the language where it matters: a Slack card and an urgent alert say when an item is
not in English; the digest counts unsure messages beside the sentiment shares (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.events import Channel
from config.wording import Wording
from handlers.alerts.render import item_text
from handlers.bridge.cards import CardStyle, card_text
from handlers.digest import sections
from models.store.alerts.raised import ClaimedSend
from models.store.inbox.types import ItemRow, ItemView

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
TEXT = "Hay mucho ruido en la sala de estudio"


def item(language: str) -> ItemView:
    row = ItemRow(
        7,
        3,
        "telegram",
        "new",
        "urgent",
        "",
        None,
        "",
        NOW + timedelta(hours=1),
        "unsure",
        "unsure",
        TEXT,
        NOW,
        NOW,
        None,
        None,
        None,
        language,
    )
    return ItemView(row, 1, "direct", "", NOW, None, 0, None, False)


def test_a_card_names_a_language_other_than_english() -> None:
    style = CardStyle(
        "C0STAFF", "full", "https://lib.example", LONDON, Channel.SLACK, Wording({}, {})
    )
    assert "· in Spanish (es)" in card_text(item("es"), style, now=NOW)
    assert " in " not in card_text(item("en"), style, now=NOW).split("\n")[1]


def test_an_urgent_alert_names_the_language() -> None:
    send = ClaimedSend(1, 1, "slack", 1, "urgent", "s", False, 7, "", {}, NOW)
    text = item_text(send, item("cy"), NOW, LONDON, "https://lib.example")
    assert "telegram, unsure, unsure, in Welsh (cy)." in text.lines[0]


def test_the_digest_counts_unsure_messages_plainly() -> None:
    cube = [(0, "telegram", "noise", "negative", 3), (0, "telegram", "unsure", "unsure", 2)]
    [week] = sections.sentiment(cube, ["2026-W49"], count=1)
    assert week.counts == {"negative": 3, "neutral": 0, "positive": 0, "unsure": 2}
    assert week.total == 5 and week.shares["negative"] == 100.0  # of the labelled ones
