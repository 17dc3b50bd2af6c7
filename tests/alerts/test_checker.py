"""The alert checker on SQLite and PostgreSQL: an urgent item alerts once; a due-time warning
and a missed alert each fire once across a restart; a spike alerts once and a steady rate
never; quiet hours hold a non-urgent alert and not an urgent one; racing processes send once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.events import Address, Channel, ConversationKind
from handlers.alerts.checker import AlertChecker
from handlers.alerts.dispatch import AlertDispatcher
from handlers.alerts.quiet import Quiet
from handlers.alerts.rules import AlertRules
from models.store import Store
from models.store.migrate import upgrade_async
from tests.support.alert_data import hourly, queue_item, topic_messages

LONDON = ZoneInfo("Europe/London")
STAFF = "C0STAFF"
KEY = b"k" * 32


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Store]:
    await upgrade_async(db_url)
    async with Store.open(db_url, pseudonym_key=KEY) as s:
        yield s


def checker(store: Store, quiet: str = "") -> AlertChecker:
    rules = AlertRules(quiet=Quiet.parse(quiet, LONDON, {}), warn=timedelta(minutes=60))
    dispatcher = AlertDispatcher(
        store,
        zone=LONDON,
        base_url="https://feedback.lib.example",
        wake_outbox=lambda: None,
        staff_chat=Address(Channel.SLACK, STAFF, kind=ConversationKind.GROUP),
    )
    return AlertChecker(store, rules, dispatcher)


async def posted(store: Store) -> list[str]:
    """The texts queued for the staff channel, oldest first."""
    items = await store.outbox.items(limit=1000)
    return [i.text for i in reversed(items) if i.channel == "slack"]


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


async def test_an_urgent_item_alerts_once(store: Store, db_url: str) -> None:
    now = now_utc()
    item = await queue_item(
        store,
        text="Urgent: someone is harassing me",
        at=now,
        due_at=now + timedelta(hours=2),
        priority="urgent",
    )
    check = checker(store)
    await check.run(now)
    await check.run(now + timedelta(minutes=1))
    async with Store.open(db_url, pseudonym_key=KEY) as again:  # a restart
        await checker(again).run(now + timedelta(minutes=2))
    [text] = await posted(store)
    assert f"Urgent item #{item} needs a person" in text
    assert "harassing me" in text and f"/inbox/items/{item}" in text
    [send] = await store.alerts.sends()
    # handed to the outbox once; its state there (no delivery runs here) is the send's
    assert (send.kind, send.status, send.destination) == ("urgent", "pending", "slack")


async def test_due_warning_and_missed_alert_fire_once_each_across_restarts(
    store: Store, db_url: str
) -> None:
    now = now_utc()
    due = now + timedelta(minutes=30)
    item = await queue_item(store, text="My card does not open the gate", at=now, due_at=due)
    for minute in (0, 1, 2):
        async with Store.open(db_url, pseudonym_key=KEY) as s:  # a new process each time
            await checker(s).run(now + timedelta(minutes=minute))
    for minute in (31, 32, 40):
        async with Store.open(db_url, pseudonym_key=KEY) as s:
            await checker(s).run(now + timedelta(minutes=minute))
    texts = await posted(store)
    assert len(texts) == 2
    assert f"Item #{item} is due in 30 min" in texts[0]
    assert f"Item #{item} missed its due time" in texts[1]
    kinds = [(s.kind, s.status) for s in await store.alerts.sends()]
    assert kinds == [("due_soon", "pending"), ("overdue", "pending")]  # queued on the outbox


async def test_no_due_alerts_for_an_item_outside_the_window(store: Store) -> None:
    now = now_utc()
    await queue_item(store, text="When do you open?", at=now, due_at=now + timedelta(hours=5))
    assert await checker(store).check(now) == []


async def test_a_spike_alerts_once_with_its_count_usual_rate_and_examples(
    store: Store, db_url: str
) -> None:
    now = now_utc()
    await topic_messages(
        store,
        topic="wifi_and_it",
        times=hourly(now - timedelta(hours=1), weeks=4, per_hour=2),
        tag="h",
    )
    burst = [now - timedelta(minutes=59) + timedelta(seconds=110 * n) for n in range(30)]
    await topic_messages(store, topic="wifi_and_it", times=burst, tag="b")
    check = checker(store)
    assert len(await check.check(now)) == 1
    for minutes in (1, 5, 20):  # the spike goes on: no second alert
        assert await check.check(now + timedelta(minutes=minutes)) == []
    async with Store.open(db_url, pseudonym_key=KEY) as again:
        assert await checker(again).check(now + timedelta(minutes=21)) == []
    await check.run(now + timedelta(minutes=22))
    [text] = await posted(store)
    assert "Spike in wifi_and_it: 30 messages in the last 1 h (usually 2 " in text
    assert text.count("• ") == 3 and "[email]" in text and "uni.ac.uk" not in text
    assert "b message 29 about wifi_and_it" in text  # the newest three
    assert "https://feedback.lib.example/inbox/?topic=wifi_and_it" in text


async def test_a_steady_rate_never_alerts(store: Store) -> None:
    now = now_utc()
    await topic_messages(
        store, topic="wifi_and_it", times=hourly(now, weeks=4, per_hour=2), tag="s"
    )
    busy = [
        now - timedelta(weeks=w, minutes=59) + timedelta(minutes=3 * n)
        for w in range(5)
        for n in range(20)
    ]
    await topic_messages(store, topic="printing_and_scanning", times=busy, tag="p")
    check = checker(store)
    for minutes in range(0, 60, 10):
        assert await check.check(now + timedelta(minutes=minutes)) == []


async def test_quiet_hours_hold_a_non_urgent_alert_but_not_an_urgent_one(store: Store) -> None:
    late = datetime(2026, 12, 1, 22, 0, tzinfo=LONDON).astimezone(UTC)  # a Tuesday, 22:00
    morning = datetime(2026, 12, 2, 8, 0, tzinfo=LONDON).astimezone(UTC)
    due = datetime(2026, 12, 2, 9, 0, tzinfo=LONDON).astimezone(UTC)
    normal = await queue_item(
        store, text="Can I renew online?", at=late, due_at=due, pid="n", sender="A"
    )
    urgent = await queue_item(
        store,
        text="There is smoke on level 3",
        at=late,
        due_at=late + timedelta(hours=2),
        priority="urgent",
        pid="u",
        sender="B",
    )
    check = checker(store, quiet="21:00-08:00")
    check._rules = AlertRules(quiet=check._rules.quiet, warn=timedelta(hours=12))
    await check.run(late)
    [first] = await posted(store)
    assert f"Urgent item #{urgent} needs a person" in first
    await check.run(morning - timedelta(minutes=1))
    assert not [t for t in await posted(store) if f"#{normal} " in t]  # still quiet
    await check.run(morning)
    [held] = [t for t in await posted(store) if f"#{normal} " in t]
    assert f"Item #{normal} is due in 1 h 0 min" in held


async def test_a_warning_held_past_the_due_time_is_dropped_for_the_missed_alert(
    store: Store,
) -> None:
    late = datetime(2026, 12, 1, 22, 0, tzinfo=LONDON).astimezone(UTC)
    await queue_item(store, text="Is the cafe open?", at=late, due_at=late + timedelta(hours=1))
    check = checker(store, quiet="21:00-08:00")
    await check.run(late)
    await check.run(late + timedelta(hours=10, minutes=5))  # 08:05: overdue by now
    [text] = await posted(store)
    assert "missed its due time" in text
    statuses = {s.kind: s.status for s in await store.alerts.sends()}
    assert statuses == {"due_soon": "dropped", "overdue": "pending"}  # queued on the outbox


async def test_two_processes_raise_and_send_an_alert_once(store: Store, db_url: str) -> None:
    now = now_utc()
    await queue_item(
        store,
        text="urgent help please",
        at=now,
        due_at=now + timedelta(hours=2),
        priority="urgent",
    )
    async with (
        Store.open(db_url, pseudonym_key=KEY) as one,
        Store.open(db_url, pseudonym_key=KEY) as two,
    ):
        checks = [checker(s) for s in (one, two, one, two)]
        await asyncio.gather(*(c.run(now) for c in checks))
    assert len(await posted(store)) == 1


async def test_a_spike_that_ended_and_came_back_alerts_again(store: Store) -> None:
    now = now_utc()
    history = hourly(now + timedelta(hours=4), weeks=4, per_hour=1)
    await topic_messages(store, topic="noise", times=[t for t in history if t < now], tag="h")
    first = [now - timedelta(minutes=50) + timedelta(minutes=n) for n in range(20)]
    await topic_messages(store, topic="noise", times=first, tag="a")
    check = checker(store)
    assert len(await check.check(now)) == 1
    assert await check.check(now + timedelta(minutes=5)) == []  # the same spike, still on
    assert await check.check(now + timedelta(hours=1, minutes=30)) == []  # over
    later = now + timedelta(hours=3)
    second = [later - timedelta(minutes=40) + timedelta(minutes=n) for n in range(20)]
    await topic_messages(store, topic="noise", times=second, tag="c")
    assert len(await check.check(later)) == 1
    subjects = [s.subject for s in await store.alerts.sends()]
    assert len(set(subjects)) == 2 and all(s.startswith("topic:noise@") for s in subjects)
