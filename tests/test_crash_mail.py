"""kill -9 once an alert e-mail and the digest e-mail are stored on the outbox and before the SMTP
server has taken either (it has read at least one and not answered): the restarted bot sends
each, exactly one of each arrives, and one that was in flight is marked "may have been
delivered twice" (e-mail cannot be looked for), one that was not is not."""

from __future__ import annotations

import os
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

from models.store import Store
from models.store.migrate import upgrade_async
from tests.fakes.process import bot_env, bot_process, free_port
from tests.fakes.smtp import HoldingInbox, smtp_server
from tests.fakes.waiting import wait_until
from tests.support import digest_fixture as fx
from tests.support.alert_data import queue_item


async def test_kill_minus_9_before_the_smtp_server_takes_them_gives_one_of_each(
    db_url: str, tmp_path: Path
) -> None:
    await upgrade_async(db_url)
    async with Store.open(db_url) as store:
        now = datetime.now(UTC)
        due = now + timedelta(hours=2)
        await queue_item(
            store, text="urgent: the lift is stuck", at=now, due_at=due, priority="urgent"
        )
        early = fx.Row(now - timedelta(days=30), "slack", "p1", "wifi", "neutral", 0.9, "hello")
        await fx.store_history(store, [early])  # a week with feedback before last week's end
    inbox, smtp_port = HoldingInbox(), free_port()
    env = mail_env(db_url, tmp_path, smtp_port)
    log = tmp_path / "bot.log"
    with smtp_server(smtp_port, inbox):
        inbox.holding.set()
        with bot_process(env, log) as proc:
            async with Store.open(db_url) as store:
                await wait_until(lambda: stored(store, inbox), within=60, what="both stored")
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
                tried = {i.id for i in await store.outbox.items() if i.attempts}
        inbox.holding.clear()
        with bot_process(env, log):
            async with Store.open(db_url) as store:
                await wait_until(lambda: both_sent(store), within=60, what="both e-mails sent")
                mails = await store.outbox.items()
    subjects = [str(m["Subject"]) for m in inbox.messages]
    assert len(subjects) == 2, subjects
    assert sum("alert] Urgent item" in s for s in subjects) == 1, subjects
    assert sum("feedback digest" in s for s in subjects) == 1, subjects
    assert {(m.channel, m.status) for m in mails} == {("email", "sent")}
    assert {m.id for m in mails if m.maybe_twice} == tried and tried


async def stored(store: Store, inbox: HoldingInbox) -> bool:
    """Both e-mails are on the outbox and the SMTP server holds one or both."""
    return len(await store.outbox.items()) == 2 and inbox.held >= 1


async def both_sent(store: Store) -> bool:
    """Both e-mails settled as sent on the outbox."""
    items = await store.outbox.items()
    return len(items) == 2 and all(i.status == "sent" for i in items)


def mail_env(db_url: str, tmp_path: Path, smtp_port: int) -> dict[str, str]:
    """The bot with SMTP, an alert and a digest recipient, and short leases and waits."""
    return bot_env(
        state_dir=str(tmp_path / "var"),
        http_port=str(free_port()),
        classifier="off",
        database_url=db_url,
        log_level="WARNING",
        smtp_host="127.0.0.1",
        smtp_port=str(smtp_port),
        smtp_starttls="false",
        smtp_timeout_s="120",
        mail_from="feedbot@lib.example",
        alert_to="desk@lib.example",
        digest_to="team@lib.example",
        alert_quiet_hours="",
        outbox_lease_s="2",
        outbox_unsure_wait_s="0.2",
        outbox_base_delay_s="0.05",
        pseudonym_key="crash-mail-pseudonym-key-0123456789",
        session_secret="crash-mail-session-secret-0123456789",
    )
