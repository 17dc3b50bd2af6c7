"""The first answer follows triage, through the real SDKs against the fakes: an urgent report
after midnight gets the safety guidance at once, its item is due in clock hours and the staff
channel is alerted straight away; "thanks!" is promised nothing; a question while the library is
closed is told when it will be answered. The library's zone is chosen so that it is just after
midnight there when the test runs (the library is then closed on every day of the week)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.events import utcnow
from models.store.inbox.types import QueueFilter
from tests.fakes.chat import Chat
from tests.fakes.classifier import KeywordClassifier
from tests.fakes.waiting import wait_until

STAFF = "C0STAFF01"
REPORT = "a man is following female students around floor 4, please send security now"


def just_after_midnight() -> str:
    """A time zone where the local time is now between 00:00 and 01:00."""
    offset = -datetime.now(UTC).hour  # hours to add to UTC to reach local midnight
    offset += 24 if offset < -12 else 0
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/UTC"  # Etc/GMT-3 is UTC+3


def next_opening_words(zone: str) -> str:
    """When the shipped opening hours next open, said as the acknowledgement says it."""
    weekday = datetime.now(ZoneInfo(zone)).weekday()
    return {5: "10:00 today", 6: "08:30 tomorrow"}.get(weekday, "08:30 today")


def with_alerts(chat: Chat, zone: str) -> dict[str, Any]:
    """Settings: the library's zone, and urgent alerts to the staff Slack channel, the periodic
    check an hour apart (so an alert within seconds is the urgent item's own)."""
    return {
        "timezone": zone,
        "staff_slack_channel": STAFF,
        "slack_bot_token": chat.slack.identity.bot_token,
        "slack_api_url": chat.slack.api_url,
        "alert_quiet_hours": "opening",
        "alert_check_seconds": 3600,
    }


async def test_an_urgent_report_at_night_gets_safety_guidance_and_alerts_staff_at_once(
    chat: Chat, db_url: str
) -> None:
    zone = just_after_midnight()
    bot = await chat.start("telegram", "slack", database_url=db_url, **with_alerts(chat, zone))
    await wait_until(lambda: "alerts" in bot.app.jobs.held, what="the alert job's first turn")
    student = chat.on("telegram")
    sent = utcnow()
    await student.says(REPORT)
    reply = await chat.expect_reply(student, contains="call 999", within=5)
    assert "urgent" in reply.text and "Campus security" in reply.text
    assert "01632 960000" in reply.text and "will reply" not in reply.text
    [item] = await bot.store.inbox.listing(filter=QueueFilter(priority="urgent"))
    assert sent + timedelta(hours=2) <= item.due_at <= utcnow() + timedelta(hours=2)

    async def alerted() -> list[str]:
        calls = chat.slack.calls_to("chat.postMessage")
        texts = [c.args["text"] for c in calls if c.args.get("channel") == STAFF]
        return [t for t in texts if t.startswith(f"*Urgent item #{item.id}")]

    await wait_until(alerted, within=5, what="the urgent alert, before the hourly check")


async def test_every_urgent_message_is_answered_even_after_todays_acknowledgement(
    chat: Chat, sqlite_url: str
) -> None:
    await chat.start("telegram", database_url=sqlite_url, timezone=just_after_midnight())
    student = chat.on("telegram")
    await student.says("Can I return books through the letterbox?")
    await chat.expect_reply(student, contains="reply here after")
    await student.says("someone has collapsed on the stairs outside")
    await chat.expect_reply(student, contains="call 999", within=5)


async def test_thanks_is_promised_nothing(chat: Chat, db_url: str) -> None:
    bot = await chat.start("telegram", database_url=db_url)
    student = chat.on("telegram")
    for text in ("thanks!", "ok cheers", "👍"):
        await student.says(text)

    async def processed() -> bool:
        found = await bot.store.messages.find(channel="telegram")
        messages = [m for m in found if m.direction == "in"]
        return len(messages) == 3 and all(m.processed for m in messages)

    await wait_until(processed, what="the three messages through every step")
    assert await bot.store.outbox.items() == []
    assert await student.heard() == []
    assert await bot.store.inbox.listing(filter=QueueFilter()) == []


async def test_a_question_while_closed_is_told_when_it_will_be_answered(
    chat: Chat, db_url: str
) -> None:
    zone = just_after_midnight()
    await chat.start("telegram", database_url=db_url, timezone=zone)
    student = chat.on("telegram")
    await student.says("Can I renew my books over Christmas?")
    reply = await chat.expect_reply(student, contains="closed now")
    assert reply.text.endswith(f"will reply here after {next_opening_words(zone)}.")
    assert "999" not in reply.text


async def test_the_first_answer_names_the_team_the_message_went_to(
    chat: Chat, sqlite_url: str
) -> None:
    """A Wi-Fi complaint goes to IT services, and the person is told so (not "customer
    engagement", whichever team has it)."""
    bot = await chat.start("telegram", database_url=sqlite_url, classifier=KeywordClassifier())
    student = chat.on("telegram")
    await student.says("the wifi on level 3 is broken again")
    reply = await chat.expect_reply(student, contains="Thanks for your message")
    assert "It has gone to IT services at the Library" in reply.text
    [item] = await bot.store.inbox.listing(filter=QueueFilter())
    assert item.team == "it_services"
