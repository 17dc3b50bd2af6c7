"""Who of an audience is told and why the others are not, and when each message may go: pure."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.adapters.catalog import CAPABILITIES
from bot.events import Address, Channel, ConversationKind
from config.reach import ContactCap
from handlers.reach.messages import can_ask
from handlers.reach.pacing import due_times, quiet_until
from handlers.reach.plan import plan
from models.store.reach.audience import Person

LONDON = ZoneInfo("Europe/London")


def _person(n: int, *, reachable: bool = True, opted_out: bool = False, asked: int = 0) -> Person:
    address = Address(Channel.TELEGRAM, chat=str(n), kind=ConversationKind.DIRECT)
    return Person(n, "telegram", None, address if reachable else None, n, opted_out, asked)


def test_the_first_reason_counts_and_the_rest_are_told() -> None:
    people = [
        _person(1),
        _person(2, opted_out=True, asked=5),  # opted out, though also capped
        _person(3, reachable=False),
        _person(4, asked=2),
        _person(5, asked=1),
    ]
    found = plan(people, CAPABILITIES, ContactCap(invitations=2, days=7))
    assert [p.contact_id for p in found.told] == [1, 5]
    assert found.left_out_totals() == {
        "opted_out": 1,
        "unreachable": 1,
        "capped": 1,
        "sampled_out": 0,
    }


def test_a_channel_that_cannot_show_a_poll_to_one_person_is_unreachable() -> None:
    email = Person(9, "email", None, Address(Channel("email"), "a@b"), 9, False, 0)
    found = plan([email], CAPABILITIES, ContactCap(), can_show=can_ask)
    assert found.left_out == {"unreachable": {"email": 1}}


def test_a_sample_is_a_share_drawn_at_random() -> None:
    people = [_person(n) for n in range(1, 101)]
    found = plan(people, CAPABILITIES, ContactCap(), sample=0.1, rng=random.Random(1))
    assert len(found.told) == 10 and found.left_out_totals()["sampled_out"] == 90
    again = plan(people, CAPABILITIES, ContactCap(), sample=0.1, rng=random.Random(2))
    assert {p.contact_id for p in found.told} != {p.contact_id for p in again.told}


def test_messages_are_paced_per_channel_to_its_rate() -> None:
    start = datetime(2026, 12, 7, 10, tzinfo=UTC)
    due = due_times(["telegram"] * 50 + ["widget"] * 3 + ["slack"] * 2, start, CAPABILITIES)
    assert due[49] - due[0] == timedelta(seconds=49 / 20)  # Telegram: 20 a second
    assert due[50:53] == [start] * 3  # the widget has no limit
    assert due[54] - due[53] == timedelta(seconds=1)  # Slack: one a second


def test_a_send_at_night_starts_when_quiet_hours_end() -> None:
    hours = (time(21), time(8))
    night = datetime(2026, 12, 7, 23, tzinfo=UTC)  # 23:00 in London in December
    assert quiet_until(night, hours, LONDON) == datetime(2026, 12, 8, 8, tzinfo=UTC)
    early = datetime(2026, 12, 8, 6, tzinfo=UTC)
    assert quiet_until(early, hours, LONDON) == datetime(2026, 12, 8, 8, tzinfo=UTC)
    day = datetime(2026, 12, 8, 12, tzinfo=UTC)
    assert quiet_until(day, hours, LONDON) == day
    assert quiet_until(night, None, LONDON) == night
