"""A targeted send due in a quiet period of the academic calendar (exams) waits until it ends:
the dry run says so, the queued messages are due after it, and the report (stored and
audited) names the period; "even in a quiet period" sends at once.
On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.adapters.catalog import CAPABILITIES
from bot.cli.sends import lines
from bot.events import Channel, ConversationKind, utcnow
from config.calendar import AcademicCalendar, Period
from config.reach import ContactCap
from handlers.reach.service import Reach, Sends
from handlers.reach.spec import SendSpec
from models.store import Store
from models.store.migrate import upgrade_async
from models.store.tables import Message, OutboxItem
from tests.fakes.wording import shipped_wording
from tests.reach.world import KNOWN, World

D = ConversationKind.DIRECT
TEXT = "The e-journal proxy is fixed"


def _exams() -> tuple[AcademicCalendar, datetime]:
    """Exams from yesterday to the day after tomorrow (UTC), and the midnight after them."""
    today = utcnow().date()
    last = today + timedelta(days=2)
    period = Period(name="Winter exams", kind="exams", start=today - timedelta(days=1), end=last)
    after = datetime.combine(last + timedelta(days=1), time(0), tzinfo=UTC)
    return AcademicCalendar(periods=(period,)), after


def _sends(store: Store, calendar: AcademicCalendar) -> Sends:
    reach = Reach(
        cap=ContactCap(invitations=0), quiet_hours=None, zone=ZoneInfo("UTC"), calendar=calendar
    )
    return Sends(store, CAPABILITIES, wording=shipped_wording(), known=KNOWN, reach=reach)


@pytest.fixture
async def world(db_url: str) -> AsyncIterator[World]:
    await upgrade_async(db_url)
    async with Store.open(db_url, pseudonym_key=b"quiet-send-test") as store:
        w = World(store)
        await w.person("kim", channel=Channel.TELEGRAM, chat="401", kind=D)
        await w.person("lee", channel=Channel.SLACK, chat="D402", kind=D)
        yield w


async def _due(store: Store) -> list[datetime]:
    query = (
        select(OutboxItem.next_attempt_at)
        .join(Message, Message.id == OutboxItem.message_id)
        .where(Message.text == TEXT)
    )
    return [d for d in await store.read(lambda c: c.execute(query).scalars().all()) if d]


async def test_a_send_in_exams_waits_until_they_end(world: World) -> None:
    calendar, after = _exams()
    use = _sends(world.store, calendar)
    spec = SendSpec(text=TEXT, topics=("e_resources",))
    dry = await use.preview(spec, by=None)
    assert (dry.quiet_period, dry.starts, dry.even_in_quiet) == ("Winter exams", after, False)
    assert any("waits out Winter exams" in line for line in lines(dry))
    sent = await use.send(spec, by=None)
    assert sent.told == {"slack": 1, "telegram": 1}
    due = await _due(world.store)
    assert len(due) == 2 and all(d.astimezone(UTC) >= after for d in due)
    [stored] = await world.store.reach.recent(limit=1)
    assert stored["report"]["quiet_period"] == "Winter exams"


async def test_even_in_a_quiet_period_sends_now(world: World) -> None:
    calendar, after = _exams()
    use = _sends(world.store, calendar)
    spec = SendSpec(text=TEXT, topics=("e_resources",), even_in_quiet=True)
    dry = await use.preview(spec, by=None)
    assert (dry.quiet_period, dry.starts, dry.even_in_quiet) == (None, None, True)
    assert not any("quiet" in line for line in lines(dry))
    await use.send(spec, by=None)
    due = await _due(world.store)
    assert len(due) == 2 and all(d.astimezone(UTC) < after - timedelta(days=1) for d in due)


async def test_outside_a_quiet_period_nothing_waits(world: World) -> None:
    dry = await _sends(world.store, AcademicCalendar()).preview(SendSpec(text=TEXT), by=None)
    assert (dry.quiet_period, dry.starts) == (None, None)
