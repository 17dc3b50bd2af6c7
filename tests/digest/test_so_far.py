"""The week in progress: at Monday 00:20 its digest says "so far", counts only up to now and
calls nothing overdue that is not overdue now; a send before the week ends is refused unless
forced, and a forced send leaves the week's own Monday send to go once."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.events import Address, Channel, OutboundMessage
from bot.web.queue_query import parse, to_filter
from handlers.digest.sender import DigestSender, WeekNotOver
from handlers.digest.service import Drawn
from handlers.digest.week import IsoWeek
from models.store import Store
from tests.digest import queue_history as qh
from tests.support import digest_fixture as fx

W45 = IsoWeek.parse("2026-W45")  # Mon 2 Nov - Sun 8 Nov 2026, London on GMT
MONDAY_0020 = datetime(2026, 11, 2, 0, 20, tzinfo=UTC)
WEDNESDAY = datetime(2026, 11, 4, 15, 0, tzinfo=UTC)
NEXT_MONDAY_8 = datetime(2026, 11, 9, 8, 0, tzinfo=UTC)


async def _monday_items(store: Store) -> list[qh.Item]:
    """Items as they stand at Monday 00:20: one written on Sunday evening and due Monday at
    09:00 (not overdue now, though it would be at the week's end), one written at 00:10 and due
    Tuesday, one from last Tuesday already overdue."""
    await fx.store_history(store, fx.history())
    found = [
        qh.Item("it", "negative", datetime(2026, 11, 1, 21, tzinfo=UTC), None, None,
                datetime(2026, 11, 2, 9, tzinfo=UTC)),
        qh.Item("it", "negative", datetime(2026, 11, 2, 0, 10, tzinfo=UTC), None, None,
                datetime(2026, 11, 3, 9, tzinfo=UTC)),
        qh.Item("estates", "neutral", datetime(2026, 10, 27, 9, tzinfo=UTC), None, None,
                datetime(2026, 10, 28, 9, tzinfo=UTC)),
    ]  # fmt: skip
    await qh.store_items(store, found)
    return found


async def test_monday_0020_shows_so_far_and_nothing_overdue_that_is_not_overdue_now(
    store: Store,
) -> None:
    found = await _monday_items(store)
    digests = fx.digests_of(store)
    drawn = await digests.drawn(W45, now=MONDAY_0020)
    digest = drawn.digest
    assert digest.so_far and digest.until.startswith("2026-11-02T00:20")
    total = digest.queue.total
    assert total is not None
    assert (total.new, total.open, total.overdue) == (1, 3, 1)  # only last week's is late now
    queue_now = await store.inbox.counts(staff_id=None, now=MONDAY_0020, new_since=None)
    assert total.overdue == queue_now["overdue"]
    waited = [(MONDAY_0020 - i.created).total_seconds() for i in found if i.sentiment == "negative"]
    assert sorted(w.waited for w in digest.queue.waiting) == sorted(waited)  # up to now only
    start = W45.start(fx.LONDON)
    written = [r for r in fx.history() if start <= r.at < MONDAY_0020]
    assert digest.headline[-1].messages == len(written) >= 1
    page = digests.html(drawn, "file")
    text, md = digests.text(digest), digests.markdown(digest)
    for shown in (page, text, md):
        assert "so far" in shown and "at the week's end" not in shown
        assert "still open</a> now" in shown or "still open now" in shown or "still open]" in shown


async def test_the_overdue_link_of_the_week_in_progress_lists_the_items_overdue_now(
    store: Store,
) -> None:
    await _monday_items(store)
    digest = await fx.digests_of(store).figures(W45, now=MONDAY_0020)
    for line in digest.queue.teams:
        for figure, count in (("open", line.open), ("overdue", line.overdue)):
            query = parse(dict(_params(line.links[figure])))
            where = to_filter(query, staff_id=1, now=MONDAY_0020, seen=None, zone=fx.LONDON)
            assert await store.inbox.count(filter=where) == count, (line.team, figure)


def _params(link: str) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl, urlsplit

    return parse_qsl(urlsplit(link).query)


class Recording:
    """A destination that keeps what it was given."""

    name = "email"

    def __init__(self) -> None:
        self.sent: list[tuple[str, bool]] = []

    def compose(self, drawn: Drawn) -> OutboundMessage:
        self.sent.append((drawn.digest.week, drawn.digest.so_far))
        return OutboundMessage(Address(Channel.EMAIL, "x@lib.example"), drawn.digest.week)


async def test_a_midweek_send_is_refused_a_forced_one_goes_and_monday_still_sends_once(
    store: Store,
) -> None:
    await _monday_items(store)
    mail = Recording()
    sender = DigestSender(store, fx.digests_of(store), {"email": mail}, send_at=time(8))
    with pytest.raises(WeekNotOver, match="has not ended"):
        await sender.send(W45, WEDNESDAY)
    assert (mail.sent, await store.outbox.items(), await store.digest_runs.listed()) == ([], [], [])
    [(name, _)] = await sender.send_early(W45, WEDNESDAY)  # --force
    assert name == "email" and mail.sent == [(str(W45), True)]
    assert len(await store.outbox.items()) == 1 and await store.digest_runs.listed() == []
    await sender.run_due(WEDNESDAY)  # last week's own digest, as any Wednesday
    assert mail.sent[-1] == ("2026-W44", False)
    mail.sent.clear()
    await sender.run_due(NEXT_MONDAY_8)
    await sender.run_due(NEXT_MONDAY_8 + timedelta(minutes=5))  # and again, a minute later
    assert mail.sent == [(str(W45), False)]
    [run] = await store.digest_runs.listed(weeks=[str(W45)])
    assert run.message_id is not None  # handed to the outbox once
    outbox = [o.text for o in await store.outbox.items()]
    assert sorted(outbox) == sorted(["2026-W44", str(W45), str(W45)])  # forced, W44, W45


def test_the_cli_refuses_the_week_in_progress_and_sends_nothing(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from bot.cli import build_cli
    from bot.events import utcnow
    from handlers.digest.week import local_week
    from models.store.migrate import upgrade

    upgrade(f"sqlite+aiosqlite:///{tmp_path / 'var' / 'feedbot.db'}")
    env = {
        "FEEDBOT_STATE_DIR": str(tmp_path / "var"),
        "FEEDBOT_CONFIG_FILE": str(Path(__file__).parents[2] / "config" / "feedbot.yaml"),
        "FEEDBOT_PSEUDONYM_KEY": "cli-test-pseudonym-key",
        "FEEDBOT_SMTP_HOST": "127.0.0.1",
        "FEEDBOT_SMTP_PORT": "9",  # nothing listens: nothing may be tried
        "FEEDBOT_SMTP_STARTTLS": "false",
        "FEEDBOT_MAIL_FROM": "feedbot@lib.example",
        "FEEDBOT_DIGEST_TO": "team@lib.example",
        "FEEDBOT_TIMEZONE": "Europe/London",
    }
    week = str(local_week(utcnow(), fx.LONDON))
    refused = CliRunner().invoke(build_cli(), ["digest", "send", "--week", week], env=env)
    assert refused.exit_code != 0 and "has not ended yet" in refused.output
    assert "--force" in refused.output
    listed = CliRunner().invoke(build_cli(), ["outbox", "list"], env=env)
    assert listed.exit_code == 0 and "email" not in listed.output
