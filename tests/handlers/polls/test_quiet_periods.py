"""Polls and the academic calendar: a poll scheduled in an exam period waits until it ends
(the scheduler moves its opening to the day after, audited), one marked "even in quiet" goes
out; sending by hand in exams waits too unless the lead says so."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.catalog import CAPABILITIES
from config.calendar import AcademicCalendar, Period
from handlers.inbox.roles import Actor, Forbidden
from handlers.polls.drafting import Draft, Operator, PollDesk, spec_of
from handlers.polls.schedule import PollScheduler
from handlers.polls.service import PollRefused, Polls
from models.store import Store
from models.store.migrate import upgrade_async
from models.store.polls.definitions import Target
from models.store.rights.audit_list import AuditFilter
from tests.fakes.wording import shipped_wording

ZONE = ZoneInfo("Europe/London")
EXAMS = Period(name="January exams", kind="exams", start=date(2027, 1, 11), end=date(2027, 1, 22))
CALENDAR = AcademicCalendar(periods=(EXAMS,))
IN_EXAMS = datetime(2027, 1, 14, 10, 0, tzinfo=UTC)
AFTER = datetime(2027, 1, 23, 0, 0, tzinfo=ZONE).astimezone(UTC)


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Store]:
    await upgrade_async(db_url)
    async with Store.open(db_url) as opened:
        yield opened


def scheduler(store: Store) -> PollScheduler:
    polls = Polls(store, CAPABILITIES, lambda: None, wording=shipped_wording())
    return PollScheduler(store, polls, quiet_hours=None, zone=ZONE, calendar=CALENDAR)


def desk(store: Store) -> PollDesk:
    polls = Polls(store, CAPABILITIES, lambda: None, wording=shipped_wording())
    return PollDesk(
        store, polls, CAPABILITIES, ready={"widget"}, needs={}, calendar=CALENDAR, zone=ZONE
    )


async def scheduled(store: Store, *, even_in_quiet: bool = False) -> int:
    return await store.polls.create(
        targets=[Target("widget")],
        options=[("yes", "Yes"), ("no", "No")],
        question="Would you use the library on Sunday mornings?",
        kind="yes_no",
        status="scheduled",
        opens_at=IN_EXAMS - timedelta(hours=1),
        even_in_quiet=even_in_quiet,
    )


async def test_a_poll_scheduled_in_exams_waits_until_they_end(store: Store) -> None:
    waiting, going = await scheduled(store), await scheduled(store, even_in_quiet=True)
    opened, _ = await scheduler(store).pass_at(IN_EXAMS)
    assert opened == [going]
    held = await store.polls.get(poll_id=waiting)
    assert held is not None and (held.status, held.opens_at) == ("scheduled", AFTER)
    assert (await scheduler(store).pass_at(AFTER - timedelta(minutes=1)))[0] == []
    assert (await scheduler(store).pass_at(AFTER))[0] == [waiting]
    entries = await store.rights.audit_log(filter=AuditFilter(action="poll.hold"), limit=10)
    assert [(e.actor, e.subject) for e in entries] == [("feedbot:calendar", f"poll:{waiting}")]


async def test_sending_by_hand_in_exams_waits_unless_told(store: Store) -> None:
    spec = spec_of(
        question="Is the library too cold?", kind="yes_no", labels=[], targets=[Target("widget")]
    )
    lead = Actor(id=7, role="lead")
    poll_id = await desk(store).create(Draft(spec), by=lead)
    today = datetime.now(UTC).date()
    now_quiet = AcademicCalendar(
        periods=(
            Period(
                name="Exams",
                kind="exams",
                start=today - timedelta(days=1),
                end=today + timedelta(days=2),
            ),
        )
    )
    polls = Polls(store, CAPABILITIES, lambda: None, wording=shipped_wording())
    quiet_desk = PollDesk(
        store, polls, CAPABILITIES, ready={"widget"}, needs={}, calendar=now_quiet, zone=ZONE
    )
    sent = await quiet_desk.send(poll_id, by=lead)
    assert sent.posted == 0 and sent.held is not None and sent.held.period == "Exams"
    assert (await store.polls.get(poll_id=poll_id)).status == "scheduled"  # type: ignore[union-attr]
    anyway = await quiet_desk.send(poll_id, by=Operator("ops"), even_in_quiet=True)
    assert anyway.held is None
    assert (await store.polls.get(poll_id=poll_id)).status == "open"  # type: ignore[union-attr]
    sends = await store.rights.audit_log(filter=AuditFilter(action="poll.send"), limit=10)
    assert [e.actor for e in sends] == ["cli:ops"]


async def test_only_leads_draft_polls_and_bad_ones_name_the_field(store: Store) -> None:
    spec = spec_of(question="Warm enough?", kind="yes_no", labels=[], targets=[Target("widget")])
    with pytest.raises(Forbidden):
        await desk(store).create(Draft(spec), by=Actor(id=3, role="agent"))
    closes_in_exams = Draft(spec, opens_at=IN_EXAMS, closes_at=IN_EXAMS + timedelta(days=2))
    with pytest.raises(PollRefused) as refused:
        desk(store).check(closes_in_exams, IN_EXAMS - timedelta(days=1))
    assert refused.value.field == "closes_at" and "January exams" in str(refused.value)
    with pytest.raises(PollRefused) as no_options:
        spec_of(question="Which?", kind="single", labels=["only one"], targets=[Target("widget")])
    assert no_options.value.field == "options"
    assert await store.polls.all() == []
