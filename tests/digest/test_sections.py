"""The digest's plugged-in sections against figures computed here by plain loops: per member of
staff (replies, median first response, CSAT answers and average), CSAT and NPS over 12 weeks,
and this term against the previous term and the same term last year; each in the JSON form
under its name, on the page and in the e-mail's text."""

from __future__ import annotations

import json
import statistics
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from config.calendar import AcademicCalendar, Term
from handlers.digest.build import DigestConfig
from handlers.digest.service import Digests
from handlers.digest.staff import StaffSection
from handlers.digest.terms import TermsSection
from handlers.digest.trends import TrendsSection
from handlers.digest.week import IsoWeek
from models.store import Store
from models.store.inbox.tables import InboxCsat, InboxEntry, StaffUser
from models.store.polls.tables import Poll, Vote
from models.store.tables import Message
from tests.digest import queue_history as qh
from tests.support import digest_fixture as fx

NOW = datetime(2026, 12, 1, tzinfo=UTC)
AUTUMN = Term(name="Autumn 2026", start=date(2026, 9, 21), end=date(2026, 12, 11))
SUMMER = Term(name="Summer 2026", start=date(2026, 4, 20), end=date(2026, 6, 12))
LAST_AUTUMN = Term(name="Autumn 2025", start=date(2025, 9, 22), end=date(2025, 12, 12))


def digests_of(store: Store) -> Digests:
    config = DigestConfig(
        zone=fx.LONDON,
        groups=fx.GROUPS,
        calendar=AcademicCalendar(terms=(LAST_AUTUMN, SUMMER, AUTUMN)),
        sections=(StaffSection(), TrendsSection(), TermsSection()),
    )
    return fx.digests_of(store, config)


async def two_staff(store: Store) -> dict[int, str]:
    """Ann and Bob: Ann wrote the replies of even items and resolved them, Bob the odd ones."""

    def write(conn: Connection) -> dict[int, str]:
        ids = {}
        for name in ("Ann", "Bob"):
            row = {"email": f"{name.lower()}@lib.example", "name": name, "role": "agent"}
            stmt = insert(StaffUser).values(**row, created_at=NOW).returning(StaffUser.id)
            ids[int(conn.execute(stmt).scalar_one())] = name
        ann, bob = sorted(ids)
        for table in (InboxEntry, InboxCsat):
            even = table.item_id % 2 == 0
            conn.execute(update(table).where(even).values(staff_id=ann))
            conn.execute(update(table).where(~even).values(staff_id=bob))
        return ids

    return await store._db.write(write)


async def test_per_staff_figures_match_the_items(store: Store) -> None:
    await fx.store_history(store, fx.history())
    found = qh.items()
    item_ids = await qh.store_items(store, found)
    names = await two_staff(store)
    digest = await digests_of(store).figures(IsoWeek.parse(fx.WEEK), now=NOW)
    [part] = [p for p in digest.parts if p.name == "staff"]
    shown = {line.name: line for line in part.data}
    for parity, name in zip((0, 1), (names[min(names)], names[max(names)]), strict=True):
        mine = [it for it, i in zip(found, item_ids, strict=True) if i % 2 == parity]
        replied = [it for it in mine if qh.week_of(it.responded) == fx.WEEK]
        rated = [it.score for it in mine if qh.week_of(it.answered) == fx.WEEK and it.score]
        line = shown[name]
        assert line.replies == len(replied) and line.first_responses == len(replied)
        times = [(it.responded - it.created).total_seconds() for it in replied if it.responded]
        expected = statistics.median(times) if times else None
        assert line.first_response_median == pytest.approx(expected, abs=0.1)
        assert line.csat_answers == len(rated)
        average = round(sum(rated) / len(rated), 2) if rated else None
        assert line.csat_average == average
    assert part.leads_only


async def scored(store: Store) -> None:
    """NPS answers 10, 9 and 3 in W43 and satisfaction answers 5, 4, 3 in W44."""
    await fx.satisfaction_poll(store)

    def write(conn: Connection) -> None:
        at = datetime(2026, 10, 20, 9, tzinfo=UTC)  # Tue of W43
        options = [{"key": str(n), "label": str(n)} for n in range(11)]
        row = {"question": "Recommend us?", "kind": "nps", "options": options, "status": "open"}
        poll_id = conn.execute(
            insert(Poll).values(**row, opens_at=at, created_at=at).returning(Poll.id)
        ).scalar_one()
        voters = conn.execute(
            select(Message.id, Message.contact_id, Message.channel)
            .where(Message.direction == "in")
            .order_by(Message.id.desc())
            .limit(3)
        ).all()
        for (message_id, contact_id, channel), score in zip(voters, ("10", "9", "3"), strict=True):
            vote = {"poll_id": poll_id, "contact_id": contact_id, "channel": channel}
            conn.execute(
                insert(Vote).values(**vote, options=[score], message_id=message_id, voted_at=at)
            )

    await store._db.write(write)


async def test_csat_and_nps_over_twelve_weeks(store: Store) -> None:
    await fx.store_history(store, fx.history())
    await scored(store)
    digests = digests_of(store)
    drawn = await digests.drawn(IsoWeek.parse(fx.WEEK), now=NOW)
    [part] = [p for p in drawn.digest.parts if p.name == "scores"]
    weeks = {w.week: w for w in part.data}
    assert len(part.data) == 12 and part.data[-1].week == fx.WEEK
    assert (weeks[fx.WEEK].csat_answers, weeks[fx.WEEK].csat) == (3, 66.7)
    assert (weeks["2026-W43"].nps_answers, weeks["2026-W43"].nps) == (3, 33.3)
    assert weeks["2026-W42"].csat is None and weeks["2026-W42"].nps is None
    chart = drawn.chart("scores")
    assert chart is not None and chart.png.startswith(b"\x89PNG")
    assert "CSAT 66.7% (3 answers)" in chart.alt and "NPS +33.3 (3 answers)" in chart.alt
    figures = json.loads(digests.json(drawn.digest))
    assert figures["scores"][-1]["csat"] == 66.7 and "parts" not in figures
    page = digests.html(drawn, "file")
    assert "66.7% (3)" in page and "+33.3 (3)" in page
    assert f"- {fx.WEEK}: CSAT 66.7% (3 answers)" in digests.text(drawn.digest)


async def test_this_term_against_the_previous_and_last_years(store: Store) -> None:
    rows = fx.history()
    await fx.store_history(store, rows)
    await scored(store)
    digest = await digests_of(store).figures(IsoWeek.parse(fx.WEEK), now=NOW)
    [part] = [p for p in digest.parts if p.name == "terms"]
    lines = {t.role: t for t in part.data}
    assert set(lines) == {"this term", "previous term", "same term last year"}
    this = lines["this term"]
    start = datetime(2026, 9, 21, tzinfo=fx.LONDON)
    end = datetime(2026, 11, 2, tzinfo=fx.LONDON)  # the end of W44: the digest's end
    within = [r for r in rows if start <= r.at < end]
    assert (this.name, this.whole, this.days) == ("Autumn 2026", False, 42)
    assert this.messages == len(within) and this.people == len(
        {(r.channel, r.sender) for r in within}
    )
    assert this.per_week == round(7 * len(within) / 42, 1)
    assert (this.csat_answers, this.nps_answers) == (3, 3)
    assert lines["previous term"].name == "Summer 2026" and lines["previous term"].whole
    assert lines["same term last year"].messages == 0


async def test_no_terms_no_scores_no_staff_leave_their_sections_out(store: Store) -> None:
    await fx.store_history(store, fx.history()[:50])
    config = DigestConfig(
        zone=fx.LONDON, sections=(StaffSection(), TrendsSection(), TermsSection())
    )
    digests = Digests(store, config, library="The Library", base_url="")
    digest = await digests.figures(IsoWeek.parse(fx.WEEK), now=NOW + timedelta(days=1))
    assert digest.parts == []


async def test_a_week_to_come_builds_without_its_themes(store: Store) -> None:
    """Nothing was written in a week that has not begun: the themes part stays out (it once
    raised, and the digest page answered 500); the focus areas still read the term so far."""
    from handlers.themes.digest_section import FocusAreasPart, ThemesPart

    config = DigestConfig(zone=fx.LONDON, sections=(ThemesPart(), FocusAreasPart()))
    digests = Digests(store, config, library="The Library", base_url="https://lib.example")
    future = IsoWeek.of(datetime.now(UTC).date()).shifted(4)
    data = json.loads(digests.json(await digests.figures(future)))
    assert "themes" not in data and "focus_areas" in data
