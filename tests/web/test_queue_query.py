"""Queue URLs ↔ filters, and how the pages word times (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.web.inbox_format import due_text, pseudonym
from bot.web.queue_query import QueueQuery, parse, standing_total, to_filter
from bot.web.staff_session import gated, safe_next
from handlers.staff.login import Throttle
from models.store.inbox.types import STATUSES
from models.store.staff.login_attempts import FailureCounts

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_parse_keeps_known_values_and_drops_the_rest() -> None:
    query = parse(
        {"view": "mine", "status": "pending", "priority": "huge", "page": "-3", "new": "1"}
    )
    assert query == QueueQuery(view="mine", status="pending", new=True)
    assert parse({"view": "everything", "page": "x"}) == QueueQuery()


def test_links_carry_only_what_differs_from_the_default() -> None:
    query = QueueQuery(view="unassigned", team="estates", page=3)
    assert query.link() == "/inbox/?view=unassigned&team=estates"
    assert query.link(view="all", overdue=True) == "/inbox/?team=estates&overdue=1"
    assert query.link(page=2) == "/inbox/?view=unassigned&team=estates&page=2"


def test_the_filter_for_mine_overdue_and_new_since() -> None:
    seen = NOW - timedelta(hours=1)
    mine = to_filter(
        QueueQuery(view="mine", overdue=True, new=True), staff_id=7, now=NOW, seen=seen
    )
    assert (mine.assignee_id, mine.overdue_at, mine.new_since, mine.statuses) == (7, NOW, seen, ())
    unassigned = to_filter(
        QueueQuery(view="unassigned", status="new"), staff_id=7, now=NOW, seen=None
    )
    assert (
        unassigned.unassigned and unassigned.assignee_id is None and unassigned.statuses == ("new",)
    )


def test_throttle_after_five_failures_for_an_address_or_fifty_from_an_ip() -> None:
    rule = Throttle()
    assert rule.lane(FailureCounts(account=4, address=49, device=None)) == "stranger"
    assert rule.lane(FailureCounts(account=5, address=0, device=None)) is None
    assert rule.lane(FailureCounts(account=0, address=50, device=None)) is None


def test_a_known_device_has_its_own_five_then_counts_as_a_stranger() -> None:
    rule = Throttle()
    assert rule.lane(FailureCounts(account=5, address=50, device=4)) == "device"
    assert rule.lane(FailureCounts(account=0, address=0, device=5)) == "stranger"
    assert rule.lane(FailureCounts(account=5, address=0, device=5)) is None


def test_only_our_own_pages_after_login_and_everything_staff_is_gated() -> None:
    assert safe_next("/inbox/items/3") == "/inbox/items/3"
    for bad in ("https://evil.example/", "//evil.example", "/inbox/..//evil", "/widget", "/\\evil"):
        assert safe_next(bad) == "/inbox/"
    assert gated("/inbox/") and gated("/inbox") and gated("/digests/2026-W48")
    assert not gated("/inbox/login") and not gated("/inboxes") and not gated("/widget")


def test_times_and_names_as_people_read_them() -> None:
    assert due_text(NOW - timedelta(hours=3), NOW, overdue=True) == "Overdue by 3 h"
    assert due_text(NOW + timedelta(minutes=20), NOW, overdue=False) == "Due in 20 min"
    assert due_text(NOW + timedelta(days=3), NOW, overdue=False) == "Due in 3 days"
    assert pseudonym("0B3A91C2") == "Person 0B3A91C2"
    assert pseudonym("") == "Someone"


def test_a_standing_view_takes_its_total_from_the_counts() -> None:
    counts = {"all": 9, "mine": 2, "unassigned": 4, "overdue": 3, "new_since": 1, "pending": 5}
    assert standing_total(QueueQuery(), counts) == 9
    assert standing_total(QueueQuery(view="mine"), counts) == 2
    assert standing_total(QueueQuery(overdue=True), counts) == 3
    assert standing_total(QueueQuery(status="pending"), counts) == 5
    assert standing_total(QueueQuery(status="resolved"), counts) is None  # not counted: ask
    assert standing_total(QueueQuery(view="mine", status="pending"), counts) is None
    assert standing_total(QueueQuery(team="estates"), counts) is None
    assert standing_total(QueueQuery(overdue=True, new=True), counts) is None


def test_the_digest_links_week_status_and_no_team_filters() -> None:
    london = ZoneInfo("Europe/London")
    query = parse({"status": "all", "team": "none", "created": "2026-W44", "resolved": "W44"})
    assert (query.status, query.team, query.created, query.resolved) == (
        "all",
        "none",
        "2026-W44",
        "",
    )
    where = to_filter(query, staff_id=1, now=NOW, seen=None, zone=london)
    assert where.statuses == STATUSES and where.team == ""  # resolved too; items of no team
    # Monday 26 October 2026, midnight in London, is 00:00 UTC: the clocks went back the day before
    assert where.created_in == (
        datetime(2026, 10, 26, tzinfo=UTC),
        datetime(2026, 11, 2, tzinfo=UTC),
    )
    w43 = to_filter(parse({"responded": "2026-W43"}), staff_id=1, now=NOW, seen=None, zone=london)
    assert w43.responded_in is not None and w43.responded_in[0] == datetime(
        2026, 10, 18, 23, tzinfo=UTC
    )
    assert standing_total(query, {"all": 3}) is None  # counted, not a standing view
