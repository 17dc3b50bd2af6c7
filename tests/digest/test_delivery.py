"""Delivering the digest through the outbox: e-mail received by a real SMTP server, the staff
Slack post with the chart uploaded through FakeSlack, retries after a failure, and the Monday
schedule exactly once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from bot.adapters.slack import SlackAdapter
from bot.events import Address, Channel, ConversationKind, OutboundMessage, utcnow
from config.settings import Settings
from handlers.delivery import Delivery
from handlers.digest.mail import MailDestination
from handlers.digest.sender import DigestSender
from handlers.digest.service import Drawn
from handlers.digest.summary import ChatDestination
from handlers.metrics import Metrics
from models.store import Store
from models.store.migrate import upgrade_async
from tests.fakes.slack import FakeSlack
from tests.fakes.smtp import free_port, mail_delivery, smtp_server
from tests.fakes.waiting import wait_until
from tests.support import digest_fixture as fx
from tests.support.databases import SqliteTemplate

MONDAY_8 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)  # the Monday after W44, 08:00 GMT
PNG = b"\x89PNG\r\n\x1a\n"


def mail_to(store: Store, port: int) -> MailDestination:
    return MailDestination(fx.digests_of(store), to=["team@lib.example", "lead@lib.example"])


class Recording:
    """A destination that keeps what it was given (for schedule cases)."""

    name = "recording"

    def __init__(self) -> None:
        self.weeks: list[str] = []

    def compose(self, drawn: Drawn) -> OutboundMessage:
        self.weeks.append(drawn.digest.week)
        return OutboundMessage(Address(Channel.EMAIL, "x@lib.example"), drawn.digest.week)


EARLY = datetime(2026, 10, 1, 12, tzinfo=UTC)  # a Thursday in W40, weeks before W44


async def one_message(store: Store, at: datetime = EARLY) -> None:
    """The store's first message, long before the weeks these cases send."""
    row = fx.Row(at, "slack", "p1", "wifi", "neutral", 0.9, "the first message")
    await fx.store_history(store, [row])


def sender(store: Store, **destinations: object) -> DigestSender:
    return DigestSender(store, fx.digests_of(store), destinations, send_at=time(8, 0))  # type: ignore[arg-type]


async def test_the_email_has_text_html_inline_charts_and_the_week(store: Store) -> None:
    await fx.store_history(store, fx.history())
    port = free_port()
    with smtp_server(port) as inbox:
        [run] = await sender(store, email=mail_to(store, port)).run_due(MONDAY_8)
        await mail_delivery(store, port).run_once()
    [mail] = inbox.messages
    assert mail["Subject"] == f"The Library feedback digest {fx.WEEK}"
    assert sorted(inbox.recipients[0]) == ["lead@lib.example", "team@lib.example"]
    assert mail.get_content_type() == "multipart/alternative"
    text, html = mail.get_body(("plain",)), mail.get_body(("html",))
    assert text is not None and "Rising: printing" in text.get_content()
    assert html is not None and "<table>" in html.get_content()
    images = [p for p in mail.walk() if p.get_content_type() == "image/png"]
    assert {p["Content-ID"] for p in images} == {
        f"<sentiment.{fx.WEEK}@feedbot>",
        f"<topics.{fx.WEEK}@feedbot>",
    }
    assert all(p.get_content().startswith(PNG) for p in images)
    assert f'src="cid:sentiment.{fx.WEEK}@feedbot"' in html.get_content()
    [state] = await store.digest_runs.listed()
    assert (run.week, state.status, state.attempts) == (fx.WEEK, "sent", 1)


async def test_an_smtp_failure_is_retried_and_visible_never_lost(store: Store) -> None:
    await fx.store_history(store, fx.history())
    port = free_port()  # nothing listens yet
    send = sender(store, email=mail_to(store, port))
    await send.run_due(MONDAY_8)
    outbox = mail_delivery(store, port, retry_s=3.0)  # a retry after 1.5-3 s (jitter)
    await outbox.run_once()
    [failed] = await store.digest_runs.listed()
    assert (failed.status, failed.attempts) == ("pending", 1)
    assert "SMTP" in failed.last_error or "connect" in failed.last_error.lower()
    [queued] = await store.outbox.items()
    assert (queued.channel, queued.status) == ("email", "pending")
    with smtp_server(port) as inbox:
        assert await send.run_due(MONDAY_8 + timedelta(minutes=2)) == []  # queued once
        assert await outbox.run_once() == 0  # backing off
        await wait_until(outbox.run_once, what="the retry")
        await send.run_due(MONDAY_8 + timedelta(minutes=30))
        await outbox.run_once()
    assert len(inbox.messages) == 1
    [sent] = await store.digest_runs.listed()
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 2, "")


async def test_the_slack_post_uploads_the_chart_and_links_the_page(store: Store) -> None:
    await fx.store_history(store, fx.history())
    async with FakeSlack() as slack:
        adapter = SlackAdapter(bot_token=slack.identity.bot_token, api_url=slack.api_url)
        staff = Address(Channel.SLACK, "C0STAFF", kind=ConversationKind.GROUP)
        post = ChatDestination(staff, base_url="https://lib.example")
        await sender(store, slack=post).run_due(MONDAY_8)
        outbox = Delivery(store, {Channel.SLACK: adapter}, Metrics(), **RETRY)
        assert await outbox.run_once() == 1
        [asked] = slack.calls_to("files.getUploadURLExternal")
        [uploaded] = slack.uploads.values()
        [done] = slack.calls_to("files.completeUploadExternal")
    assert (
        asked.args["filename"] == f"sentiment-{fx.WEEK}.png" and "negative" in asked.args["alt_txt"]
    )
    assert uploaded.startswith(PNG) and int(asked.args["length"]) == len(uploaded)
    assert done.args["channel_id"] == "C0STAFF"
    assert (
        f"Read the whole digest: https://lib.example/digests/{fx.WEEK}"
        in done.args["initial_comment"]
    )
    assert done.answer["files"][0]["channels"] == ["C0STAFF"]
    [sent] = await store.outbox.items()
    assert (sent.channel, sent.status) == ("slack", "sent")


RETRY = {"max_attempts": 8, "base_delay": 60.0, "max_delay": 60.0}


async def test_a_restart_just_after_eight_does_not_send_twice(store: Store) -> None:
    await one_message(store)
    first, again = Recording(), Recording()
    await sender(store, email=first).run_due(MONDAY_8 + timedelta(seconds=10))
    await sender(store, email=again).run_due(MONDAY_8 + timedelta(seconds=30))  # the restart
    assert (first.weeks, again.weeks) == ([fx.WEEK], [])


async def test_two_processes_at_once_send_once(store: Store) -> None:
    await one_message(store)
    one, two = Recording(), Recording()
    await asyncio.gather(
        sender(store, email=one).run_due(MONDAY_8), sender(store, email=two).run_due(MONDAY_8)
    )
    assert sorted(one.weeks + two.weeks) == [fx.WEEK]


async def test_nothing_goes_before_monday_eight_and_a_missed_monday_goes_on_start(
    store: Store,
) -> None:
    await one_message(store)
    early = Recording()
    await sender(store, email=early).run_due(MONDAY_8 - timedelta(minutes=1))
    assert early.weeks == ["2026-W43"]  # the week before, not yet sent on this fresh store
    late = Recording()
    await sender(store, email=late).run_due(
        MONDAY_8 + timedelta(days=1, hours=3)
    )  # down all Monday
    assert late.weeks == [fx.WEEK]


async def test_a_first_start_sends_no_digest_for_weeks_before_any_message(store: Store) -> None:
    nothing = Recording()
    assert await sender(store, email=nothing).run_due(MONDAY_8) == []  # an empty store
    await one_message(store, datetime(2026, 10, 28, 9, tzinfo=UTC))  # Wed of W44
    week_before = Recording()
    assert await sender(store, email=week_before).run_due(MONDAY_8 - timedelta(hours=1)) == []
    due = Recording()
    await sender(store, email=due).run_due(MONDAY_8)
    assert (nothing.weeks, week_before.weeks, due.weeks) == ([], [], [fx.WEEK])
    assert [r.week for r in await store.digest_runs.listed()] == [fx.WEEK]


async def test_an_empty_week_sends_a_short_note(store: Store, tmp_path: Path) -> None:
    await one_message(store)
    port = free_port()
    with smtp_server(port) as inbox:
        await sender(store, email=mail_to(store, port)).run_due(MONDAY_8)
        await mail_delivery(store, port).run_once()
    [mail] = inbox.messages
    assert mail["Subject"] == f"The Library feedback digest {fx.WEEK}: no feedback this week"
    assert mail.get_content_type() == "text/plain"
    assert "No feedback this week" in mail.get_content()


def test_digest_send_mails_the_week_once(tmp_path: Path, sqlite_template: SqliteTemplate) -> None:
    from typer.testing import CliRunner

    from bot.cli import build_cli

    sqlite_template.copy_to(tmp_path / "var" / "feedbot.db")
    asyncio.run(_first_message(f"sqlite+aiosqlite:///{tmp_path / 'var' / 'feedbot.db'}"))
    port = free_port()
    env = {
        "FEEDBOT_STATE_DIR": str(tmp_path / "var"),
        "FEEDBOT_CONFIG_FILE": str(Path(__file__).parents[2] / "config" / "feedbot.yaml"),
        "FEEDBOT_PSEUDONYM_KEY": "cli-test-pseudonym-key",
        "FEEDBOT_SMTP_HOST": "127.0.0.1",
        "FEEDBOT_SMTP_PORT": str(port),
        "FEEDBOT_SMTP_STARTTLS": "false",
        "FEEDBOT_MAIL_FROM": "feedbot@lib.example",
        "FEEDBOT_DIGEST_TO": "team@lib.example",
    }
    cli, args = build_cli(), ["digest", "send", "--week", fx.WEEK]
    down = CliRunner().invoke(cli, args, env=env)
    assert down.exit_code != 0 and f"{fx.WEEK} email: pending" in down.output
    with smtp_server(port) as inbox:
        first = CliRunner().invoke(cli, args, env=env)
        second = CliRunner().invoke(cli, args, env=env)
    assert first.exit_code == 0 and f"{fx.WEEK} email: sent" in first.output
    assert second.exit_code == 0 and len(inbox.messages) == 1
    unset = CliRunner().invoke(cli, args, env={**env, "FEEDBOT_SMTP_HOST": ""})
    assert unset.exit_code != 0 and "nothing to send to" in unset.output


async def _first_message(url: str) -> None:
    async with Store.open(url, pseudonym_key=b"k" * 32) as store:
        await one_message(store)


async def test_the_running_bot_sends_a_missed_digest_on_start(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    from tests.fakes.running import running_bot
    from tests.fakes.waiting import wait_until

    port = free_port()
    settings = make_settings(
        database_url=sqlite_url,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls=False,
        mail_from="feedbot@lib.example",
        digest_to="team@lib.example",
    )
    await upgrade_async(sqlite_url)
    async with Store.open(sqlite_url, pseudonym_key=b"k" * 32) as store:
        await one_message(store, utcnow() - timedelta(days=30))
    with smtp_server(port) as inbox:
        async with running_bot(settings) as bot:
            await wait_until(lambda: _sent(bot.store), what="the digest run settled as sent")
    [mail] = inbox.messages
    assert "feedback digest" in str(mail["Subject"])


async def _sent(store: Store) -> bool:
    return [r.status for r in await store.digest_runs.listed()] == ["sent"]
