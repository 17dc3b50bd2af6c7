"""An alert's words, pure: item and spike texts, scrubbed quotes, erased examples left out,
and which item alerts are moot by the time they would go."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from handlers.alerts.render import is_moot, item_text, quote, spike_text
from models.store.alerts.raised import ClaimedSend
from models.store.inbox.types import ItemRow, ItemView
from models.store.rights.registry import ERASED

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
DUE = NOW + timedelta(minutes=45)
BASE = "https://feedback.lib.example"


def send(kind: str, **detail: Any) -> ClaimedSend:
    item = None if kind == "spike" else 7
    return ClaimedSend(1, 1, "slack", 1, kind, "s", False, item, "wifi_and_it", detail, NOW)


def view(status: str = "new", due: datetime = DUE) -> ItemView:
    row = ItemRow(
        7,
        3,
        "telegram",
        status,
        "high",
        "it_services",
        None,
        "",
        due,
        "wifi_and_it",
        "negative",
        "Call me on 07700 900123, the wifi is down",
        NOW,
        NOW,
        None,
        None,
        None,
    )
    return ItemView(row, 1, "direct", "", NOW, None, 0, None, False)


def test_an_item_alert_says_when_it_is_due_and_links_to_the_item() -> None:
    text = item_text(send("due_soon", due_at="2026-12-01T10:45:00Z"), view(), NOW, LONDON, BASE)
    assert text.title == "Item #7 is due in 45 min (Tue 1 Dec 2026, 10:45 GMT)"
    assert "High priority, team it_services, unassigned; telegram, wifi_and_it, negative." in (
        text.lines
    )
    assert "[phone]" in text.lines[-1] and "07700" not in text.plain()
    assert text.link == f"{BASE}/inbox/items/7"


def test_a_spike_alert_leaves_out_an_erased_example() -> None:
    detail = {
        "count": 30,
        "usual": 2.0,
        "weeks": 4,
        "window_minutes": 60,
        "examples": [1, 2, 3],
        "since": "2026-12-01T09:00:00Z",
    }
    texts = {1: "wifi down in the east wing", 2: ERASED, 3: "no wifi, mail x@y.ac.uk"}
    text = spike_text(send("spike", **detail), texts, LONDON, BASE)
    assert text.title == (
        "Spike in wifi_and_it: 30 messages in the last 1 h (usually 2 at this time of the week)"
    )
    assert [line for line in text.lines if line.startswith("• ")] == [
        "• “wifi down in the east wing”",
        "• “no wifi, mail [email]”",
    ]
    assert text.link == f"{BASE}/inbox/?topic=wifi_and_it"


def test_long_quotes_are_cut_on_one_line() -> None:
    said = quote("word\nword " * 200)
    assert len(said) == 282 and "\n" not in said and said.endswith("…”")


def test_a_quote_shows_direction_controls_instead_of_obeying_them() -> None:
    assert quote("refund to invoice\u202egpj.exe") == "“refund to invoice[U+202E]gpj.exe”"


def test_which_item_alerts_are_moot() -> None:
    due = {"due_at": "2026-12-01T10:45:00Z"}
    assert not is_moot(send("due_soon", **due), view(), NOW)
    assert is_moot(send("due_soon", **due), view("resolved"), NOW)
    assert is_moot(send("due_soon", **due), view("pending"), NOW)  # answered: waits on them
    assert is_moot(send("due_soon", **due), view(due=DUE + timedelta(hours=1)), NOW)
    assert is_moot(send("due_soon", **due), view(), DUE)  # held past the due time
    assert not is_moot(send("overdue", **due), view(), DUE + timedelta(hours=1))
    assert not is_moot(send("urgent"), view("open"), NOW)
    assert is_moot(send("urgent"), None, NOW)
