"""Alerts reach staff: a Telegram student's urgent message → the real bot (PTB, slack-sdk)
→ a post in the staff Slack channel recorded by FakeSlack; and by e-mail, received by a real
SMTP server on 127.0.0.1 (aiosmtpd), through the outbox: sent once and retried after the
server was down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.events import utcnow
from handlers.alerts.checker import AlertChecker
from handlers.alerts.dispatch import AlertDispatcher
from handlers.alerts.messages import AlertMail
from handlers.alerts.quiet import Quiet
from handlers.alerts.rules import AlertRules
from models.store import Store
from models.store.inbox.types import QueueFilter
from tests.fakes.chat import Chat
from tests.fakes.smtp import free_port, mail_delivery, smtp_server
from tests.fakes.waiting import wait_until
from tests.support.alert_data import queue_item

LONDON = ZoneInfo("Europe/London")
STAFF = "C0STAFF01"


def mail_checker(store: Store, port: int) -> AlertChecker:
    dispatcher = AlertDispatcher(
        store,
        zone=LONDON,
        base_url="https://feedback.lib.example",
        wake_outbox=lambda: None,
        mail=AlertMail(("desk@lib.example",), "The Library"),
    )
    return AlertChecker(store, AlertRules(quiet=Quiet(LONDON)), dispatcher)


async def test_an_urgent_item_is_mailed_once(store: Store) -> None:
    now = datetime.now(UTC)
    item = await queue_item(
        store,
        text="Urgent: my email a.b@uni.ac.uk was posted on the wall",
        at=now,
        due_at=now + timedelta(hours=2),
        priority="urgent",
    )
    port = free_port()
    with smtp_server(port) as inbox:
        check = mail_checker(store, port)
        await check.run(now)
        await check.run(now + timedelta(minutes=1))
        await mail_delivery(store, port).run_once()
    [mail] = inbox.messages
    assert (
        str(mail["Subject"])
        .strip()
        .startswith(f"[The Library alert] Urgent item #{item} needs a person")
    )
    assert inbox.recipients == [["desk@lib.example"]]
    body = mail.get_content()
    assert f"https://feedback.lib.example/inbox/items/{item}" in body
    assert "[email]" in body and "a.b@uni.ac.uk" not in body


async def test_a_mail_that_fails_is_retried_and_then_sent_once(store: Store) -> None:
    now = datetime.now(UTC)
    await queue_item(
        store,
        text="urgent: water coming through the ceiling",
        at=now,
        due_at=now + timedelta(hours=2),
        priority="urgent",
    )
    port = free_port()
    check = mail_checker(store, port)
    outbox = mail_delivery(store, port, retry_s=3.0)  # a retry after 1.5-3 s (jitter)
    await check.run(now)
    await outbox.run_once()  # nothing listens yet
    [send] = await store.alerts.sends()
    assert (send.status, send.attempts) == ("pending", 1) and send.last_error
    with smtp_server(port) as inbox:
        await check.run(now + timedelta(seconds=30))
        assert await outbox.run_once() == 0  # still backing off
        assert inbox.messages == []
        await wait_until(outbox.run_once, what="the retry")
        await check.run(now + timedelta(minutes=3))
        await outbox.run_once()
    assert len(inbox.messages) == 1
    [send] = await store.alerts.sends()
    assert (send.status, send.attempts) == ("sent", 2)


async def test_a_students_urgent_message_alerts_the_staff_slack_channel(
    chat: Chat, db_url: str
) -> None:
    bot = await chat.start(
        "telegram",
        "slack",
        database_url=db_url,
        staff_slack_channel=STAFF,
        slack_bot_token=chat.slack.identity.bot_token,
        slack_api_url=chat.slack.api_url,
        alert_quiet_hours="",
        public_url="https://feedback.lib.example",
    )
    assert bot.app.alerts is not None
    student = chat.on("telegram")
    await student.says("URGENT there is smoke coming from the printer room", message_id=5)

    async def queued() -> bool:
        return bool(await bot.store.inbox.listing(filter=QueueFilter(priority="urgent")))

    await wait_until(queued, what="the urgent item")
    await bot.app.alerts.run(utcnow())
    await bot.app.alerts.run(utcnow())

    async def posted() -> list[str]:
        calls = chat.slack.calls_to("chat.postMessage")
        texts = [c.args["text"] for c in calls if c.args.get("channel") == STAFF]
        return [t for t in texts if t.startswith("*Urgent item #")]  # not the card or digest

    await wait_until(posted, what="the alert in the staff channel")
    [text] = await posted()
    assert "smoke coming from the printer room" in text
    assert "https://feedback.lib.example/inbox/items/" in text
