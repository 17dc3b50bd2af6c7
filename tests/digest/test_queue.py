"""The digest's queue section for a hand-built queue history, against figures computed here
(on SQLite and PostgreSQL), for the weeks either side of the October clock change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest

from bot.web.queue_query import parse, to_filter
from handlers.digest.build import DigestConfig, build_digest
from handlers.digest.markdown import markdown
from handlers.digest.model import Digest, Queue, QueueTeam
from handlers.digest.render import as_json
from handlers.digest.service import Drawn
from handlers.digest.summary import summary
from handlers.digest.week import IsoWeek
from models.store import Store
from models.store.inbox import actions as inbox_actions
from models.store.inbox import reply as inbox_reply
from models.store.inbox import route as inbox_route
from tests.digest import queue_history as qh
from tests.support import digest_fixture as fx

WEEKS = ("2026-W43", "2026-W44")


async def _digests(store: Store) -> tuple[dict[str, Digest], list[qh.Item], list[int]]:
    await fx.store_history(store, fx.history())
    found = qh.items()
    ids = await qh.store_items(store, found)
    config = DigestConfig(zone=fx.LONDON)
    built = {w: await build_digest(store, IsoWeek.parse(w), config) for w in WEEKS}
    return built, found, ids


def _end(week: str) -> datetime:
    """The Monday after the week, midnight London time."""
    monday = datetime.fromisocalendar(int(week[:4]), int(week[6:]), 1)
    return (monday + timedelta(weeks=1)).replace(tzinfo=fx.LONDON)


def _open(it: qh.Item, week: str) -> bool:
    w = qh.week_of
    return w(it.created) <= week and (it.resolved is None or w(it.resolved) > week)


def _mine(found: list[qh.Item], team: str) -> list[qh.Item]:
    return found if team == "all" else [i for i in found if i.team == team]


def _seconds(found: list[qh.Item], week: str, event: str) -> list[float]:
    return [
        (getattr(i, event) - i.created).total_seconds()
        for i in found
        if qh.week_of(getattr(i, event)) == week
    ]


def _check_timing(line: QueueTeam, found: list[qh.Item], week: str) -> None:
    for event, timing in (("responded", line.first_response), ("resolved", line.resolution)):
        took = _seconds(found, week, event)
        assert timing.items == len(took), (line.team, event)
        if not took:
            assert timing.median is None and timing.p90 is None
            continue
        assert timing.median == pytest.approx(qh.percentile(took, 0.5), abs=0.1)
        assert timing.p90 == pytest.approx(qh.percentile(took, 0.9), abs=0.1)


def _check_counts(line: QueueTeam, found: list[qh.Item], week: str) -> None:
    w = qh.week_of
    assert line.new == sum(w(i.created) == week for i in found), line.team
    assert line.resolved == sum(w(i.resolved) == week for i in found), line.team
    assert line.open == sum(_open(i, week) for i in found), line.team
    assert line.overdue == sum(_open(i, week) and w(i.due) <= week for i in found), line.team
    answered = [i.score for i in found if w(i.answered) == week and i.score is not None]
    assert line.csat_responses == len(answered)
    assert line.csat_asked == sum(w(i.asked) == week for i in found)
    happy = sum(s >= 4 for s in answered)
    assert line.csat == (round(100 * happy / len(answered), 1) if answered else None)


async def test_queue_figures_per_team_match_the_history(store: Store) -> None:
    built, found, _ = await _digests(store)
    for week in WEEKS:
        lines = built[week].queue.teams
        assert lines[-1].team == "all"
        assert built[week].polls == []  # the items' CSAT questions are not listed as polls
        active = {i.team for i in found if qh.week_of(i.created) <= week}
        assert {t.team for t in lines[:-1]} <= active
        for line in lines:
            mine = _mine(found, line.team)
            _check_counts(line, mine, week)
            _check_timing(line, mine, week)


async def test_the_clock_change_boundary_counts_in_london_time(store: Store) -> None:
    built, found, _ = await _digests(store)
    w43, w44 = (built[w].queue.total for w in WEEKS)
    assert w43 is not None and w44 is not None
    # Sun 25 Oct 23:30 GMT is W43; Mon 26 Oct 00:10 GMT is W44
    assert qh.week_of(found[-4].created) == "2026-W43"
    assert qh.week_of(found[-3].created) == "2026-W44"
    assert w44.new == sum(qh.week_of(i.created) == "2026-W44" for i in found)
    # resolved at Mon 2 Nov 00:00: still open at the end of W44
    assert _open(found[-2], "2026-W44") and w44.open == sum(_open(i, "2026-W44") for i in found)


async def test_oldest_negative_items_link_to_their_pages(store: Store) -> None:
    built, found, ids = await _digests(store)
    for week in WEEKS:
        end = _end(week)
        waiting = sorted(
            (i.created, n)
            for n, i in enumerate(found)
            if _open(i, week) and i.sentiment == "negative"
        )[:5]
        got = built[week].queue.waiting
        assert [w.id for w in got] == [ids[n] for _, n in waiting]
        for line, (created, n) in zip(got, waiting, strict=True):
            assert line.team == found[n].team
            assert line.waited == pytest.approx((end - created).total_seconds(), abs=1)
            assert line.link == f"/inbox/items/{ids[n]}"


async def test_queue_section_in_every_format_with_links(store: Store) -> None:
    built, _, _ = await _digests(store)
    d = built["2026-W44"]
    total = d.queue.total
    assert total is not None
    md = markdown(d, library="Lib", base="https://lib.example")
    assert "## The queue" in md and "Oldest negative items still waiting" in md
    assert f"[{total.new} new](https://lib.example/inbox/?status=all&created=2026-W44)" in md
    assert f"(https://lib.example/inbox/items/{d.queue.waiting[0].id})" in md
    assert '"waiting": [' in as_json(d) and '"first_response": {' in as_json(d)
    text = summary(Drawn(d, []), "https://lib.example/digests/2026-W44")
    assert f"Queue: {total.new} new, {total.resolved} resolved" in text
    links = {v for t in d.queue.teams for v in t.links.values()}
    assert "/inbox/?status=all&team=it&open=2026-W44&overdue=1" in links
    assert "/inbox/?status=all&team=none&open=2026-W44&overdue=1" in links


async def test_the_week_links_pick_exactly_the_items_counted(store: Store) -> None:
    built, _, _ = await _digests(store)
    now = datetime(2026, 12, 1, tzinfo=fx.LONDON)
    for week in WEEKS:
        for line in built[week].queue.teams:
            for figure, count in (
                ("new", line.new),
                ("resolved", line.resolved),
                ("first_response", line.first_response.items),
            ):
                url = urlsplit(line.links[figure])
                assert url.path == "/inbox/"
                query = parse(dict(parse_qsl(url.query)))
                where = to_filter(query, staff_id=1, now=now, seen=None, zone=fx.LONDON)
                assert await store.inbox.count(filter=where) == count, (week, line.team, figure)


async def test_a_closed_week_stays_put_when_its_items_are_reopened(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An item answered and resolved by W44 whose person writes again on Tuesday of W45 (which
    clears the item's first response), answered a day later and resolved again on Thursday:
    W43 and W44 read exactly as before (also while it is open again, and after the new reply);
    W45 counts the new round's first response and second resolve, both timed from the
    reopening."""
    weeks = (*WEEKS, "2026-W45")
    config = DigestConfig(zone=fx.LONDON)

    async def digests() -> dict[str, Queue]:
        return {w: (await build_digest(store, IsoWeek.parse(w), config)).queue for w in weeks}

    _, found, ids = await _digests(store)
    before = await digests()
    clock = [datetime(2026, 11, 3, 9, tzinfo=UTC)]  # Tuesday of W45
    returns = {
        n: await qh.person_returns(store, ids[n], clock[0])
        for n, i in enumerate(found)
        if i.team == "it" and qh.week_of(i.resolved) == "2026-W44"
    }
    n, again = next((n, m) for n, m in returns.items() if m is not None)
    staff = await qh.add_staff(store)
    for module in (inbox_actions, inbox_reply, inbox_route):
        monkeypatch.setattr(module, "utcnow", lambda: clock[0])
    [routed] = await store.inbox.route(incoming=[again])
    assert routed.outcome == "reopened"
    reopened = await digests()
    clock[0] = datetime(2026, 11, 4, 9, tzinfo=UTC)  # Wednesday: a day later
    await store.inbox.reply(item_id=ids[n], actor_id=staff, text="Looking again.")
    replied = await digests()
    clock[0] = datetime(2026, 11, 5, 9, tzinfo=UTC)  # Thursday of W45: two days later
    assert await store.inbox.resolve(item_ids=[ids[n]], actor_id=staff) == [ids[n]]
    after = await digests()
    for week in WEEKS:
        for then in (reopened, replied, after):
            assert then[week] == before[week], week
    open_again, was = reopened["2026-W45"].total, before["2026-W45"].total
    assert open_again is not None and was is not None
    assert (open_again.resolved, open_again.open) == (was.resolved, was.open + 1)
    for team in ("it", "all"):
        was, now = _line(before["2026-W45"], team), _line(after["2026-W45"], team)
        assert now.resolved == was.resolved + 1 and now.open == was.open
        for timing, event, extra in (
            (now.first_response, "responded", 86400.0),
            (now.resolution, "resolved", 2 * 86400.0),
        ):
            took = [*_seconds(_mine(found, team), "2026-W45", event), extra]
            assert timing.items == len(took), event
            assert timing.median == pytest.approx(qh.percentile(took, 0.5), abs=0.1)
            assert timing.p90 == pytest.approx(qh.percentile(took, 0.9), abs=0.1)


async def test_a_reply_that_reopens_a_resolved_item_is_no_new_first_response(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Staff replying to an item resolved in W44 reopens it, but the round carries on: W45's
    first responses are as before, while the resolve after it is timed from that reply."""
    weeks = (*WEEKS, "2026-W45")
    config = DigestConfig(zone=fx.LONDON)

    async def digests() -> dict[str, Queue]:
        return {w: (await build_digest(store, IsoWeek.parse(w), config)).queue for w in weeks}

    _, found, ids = await _digests(store)
    before = await digests()
    n = next(
        n for n, i in enumerate(found) if i.team == "it" and qh.week_of(i.resolved) == "2026-W44"
    )
    staff = await qh.add_staff(store)
    clock = [datetime(2026, 11, 3, 9, tzinfo=UTC)]  # Tuesday of W45
    for module in (inbox_actions, inbox_reply):
        monkeypatch.setattr(module, "utcnow", lambda: clock[0])
    await store.inbox.reply(item_id=ids[n], actor_id=staff, text="One more thing.")
    clock[0] = datetime(2026, 11, 5, 9, tzinfo=UTC)  # Thursday: two days later
    assert await store.inbox.resolve(item_ids=[ids[n]], actor_id=staff) == [ids[n]]
    after = await digests()
    for week in WEEKS:
        assert after[week] == before[week], week
    for team in ("it", "all"):
        was, now = _line(before["2026-W45"], team), _line(after["2026-W45"], team)
        assert now.first_response == was.first_response
        took = [*_seconds(_mine(found, team), "2026-W45", "resolved"), 2 * 86400.0]
        assert now.resolved == was.resolved + 1 and now.resolution.items == len(took)
        assert now.resolution.median == pytest.approx(qh.percentile(took, 0.5), abs=0.1)


def _line(section: Queue, team: str) -> QueueTeam:
    return next(t for t in section.teams if t.team == team)
