"""Every figure's link opens exactly what the figure counted: the messages behind a channel's,
a week's, a topic's or a group's count, a quote's message, a poll's answers; the queue items
behind new, resolved, still open, overdue, first response and CSAT. Checked in the store for
every link of a hand-built history, and through the running bot's pages: the number shown on
the digest page against the count and the list on the page its link opens."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
from sqlalchemy import update

from bot.web.digest_behind import behind_of
from bot.web.queue_query import parse, to_filter
from config.settings import Settings
from handlers.digest.build import DigestConfig, build_digest
from handlers.digest.model import Digest
from handlers.digest.week import IsoWeek
from models.store import Store
from models.store.migrate import upgrade_async
from models.store.tables import Message
from tests.digest import queue_history as qh
from tests.fakes.running import running_bot
from tests.support import digest_fixture as fx
from tests.support.browser import Axe
from tests.support.browser_staff import PHONE, keyboard_login, no_horizontal_scroll, shoot
from tests.support.staff import add_staff, log_in

NOW = datetime(2026, 12, 1, tzinfo=UTC)


async def history(store: Store) -> int:
    """Messages, queue items and a satisfaction poll answered by three people (a fourth took
    their vote back) in W44; returns the poll's id."""
    await fx.store_history(store, fx.history())
    await qh.store_items(store, qh.items())
    return await fx.satisfaction_poll(store)


def message_links(d: Digest) -> list[tuple[str, int]]:
    """(link, the number the digest shows on it) for every figure counting messages."""
    found = [(c.link, c.messages) for c in d.headline]
    found += [(s.link, s.total) for s in d.sentiment]
    found += [(t.link, t.count) for t in d.topics]
    found += [(g.link, g.messages) for g in (*d.channels, *d.groups)]
    found += [(q.link, 1) for q in d.quotes]
    return found + [(p.link, p.responses) for p in d.polls]


def queue_links(d: Digest) -> list[tuple[str, int]]:
    """(link, count) for every queue figure."""
    found = []
    for t in d.queue.teams:
        found += [
            (t.links["new"], t.new),
            (t.links["resolved"], t.resolved),
            (t.links["open"], t.open),
            (t.links["overdue"], t.overdue),
            (t.links["first_response"], t.first_response.items),
            (t.links["csat"], t.csat_responses),
        ]
    return found


async def test_every_link_lists_exactly_the_messages_or_items_counted(store: Store) -> None:
    poll_id = await history(store)
    config = DigestConfig(zone=fx.LONDON, groups=fx.GROUPS)
    checked = 0
    for week in ("2026-W43", "2026-W44"):
        digest = await build_digest(store, IsoWeek.parse(week), config, now=NOW)
        if week == "2026-W44":
            assert [(p.id, p.responses) for p in digest.polls] == [(poll_id, 3)]
            assert {g.group for g in digest.groups} >= {"students", "unknown"}
        for link, count in message_links(digest):
            url = urlsplit(link)
            assert url.path == "/inbox/messages", link
            behind = behind_of(
                dict(parse_qsl(url.query)), zone=fx.LONDON, now=NOW, groups=fx.GROUPS
            )
            assert await store.digest.behind_count(behind=behind) == count, link
            listed = await store.digest.behind(behind=behind, limit=5000)
            assert len({m.id for m in listed}) == count, link
            checked += 1
        for link, count in queue_links(digest):
            url = urlsplit(link)
            assert url.path == "/inbox/", link
            query = parse(dict(parse_qsl(url.query)))
            where = to_filter(query, staff_id=1, now=NOW, seen=None, zone=fx.LONDON)
            assert await store.inbox.count(filter=where) == count, (week, link)
            checked += 1
    assert checked > 100


ANCHOR = re.compile(r'<a href="(/inbox/[^"]*)">([^<]*)</a>')
NUMBER = re.compile(r"^(\d+)(?: (?:new|resolved|still open|overdue|answers|items))?$")


async def test_the_number_on_the_page_is_the_number_listed_behind_it(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    await upgrade_async(sqlite_url)
    async with Store.open(sqlite_url, pseudonym_key=b"k" * 32) as seeded:
        await history(seeded)
        done = update(Message).values(processed_at=NOW)  # the bot leaves them as they are
        await seeded._db.write(lambda conn: conn.execute(done))
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        await add_staff(bot.store, "lead@lib.example.ac.uk", role="lead")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "lead@lib.example.ac.uk")
            page = (await http.get(f"/digests/{fx.WEEK}")).text
            figures = [
                (unescape(href), int(m[1]))
                for href, text in ANCHOR.findall(page)
                if (m := NUMBER.match(text)) is not None
            ]
            quotes = [unescape(h) for h, t in ANCHOR.findall(page) if t == "the message"]
            kinds = set()
            for href, shown in [*figures, *((q, 1) for q in quotes)]:
                answer = await http.get(href)
                assert answer.status_code == 200, href
                listed, total = _listed(answer.text)
                assert total == shown, href
                assert listed == min(shown, 50), href
                kinds |= {k for k, _ in parse_qsl(urlsplit(href).query)}
            bad = [
                await http.get(f"/inbox/messages{q}")
                for q in ("", "?week=2026-W99", "?message=abc", "?poll=-1", "?topic=wifi")
            ]
    assert {"channel", "topic", "group", "message", "poll", "week"} <= kinds
    assert {"created", "resolved", "open", "overdue", "csat"} <= kinds
    assert [b.status_code for b in bad] == [400] * 5
    assert all('class="alert error"' in b.text for b in bad)  # said on the page, no 500
    assert "say which messages" in bad[0].text and "not a week of 2026" in bad[1].text


def _listed(html: str) -> tuple[int, int]:
    """(rows listed, the total the page states) on a messages or queue page."""
    count = re.search(r'<strong class="behind-count">(\d+)</strong>', html)
    if count is not None:
        return html.count('class="entry message"'), int(count[1])
    total = re.search(r'data-total="(\d+)"', html)
    assert total is not None, "neither a messages page nor a queue page"
    ids = re.search(r'data-ids="([^"]*)"', html)
    return (len(ids[1].split(",")) if ids and ids[1] else 0), int(total[1])


async def test_the_messages_page_by_keyboard_with_axe_on_a_phone(
    sqlite_url: str, make_settings: Callable[..., Settings], browser: Any, axe: Axe, tmp_path: Path
) -> None:
    await upgrade_async(sqlite_url)
    async with Store.open(sqlite_url, pseudonym_key=b"k" * 32) as seeded:
        await history(seeded)
        done = update(Message).values(processed_at=NOW)
        await seeded._db.write(lambda conn: conn.execute(done))
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        await add_staff(bot.store, "agent@lib.example.ac.uk")
        context = await browser.new_context(viewport=PHONE, bypass_csp=True)
        page = await context.new_page()
        await keyboard_login(page, bot.url, "agent@lib.example.ac.uk")
        await page.goto(f"{bot.url}/digests/{fx.WEEK}")
        link = page.locator("#h-topics ~ div table a").first
        shown = int(await link.text_content() or "0")
        await link.focus()
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        assert "/inbox/messages?topic=" in page.url
        stated = int(await page.locator(".behind-count").text_content() or "-1")
        listed = await page.locator("li.entry.message").count()
        await axe(page)
        assert await no_horizontal_scroll(page)
        await shoot(page, tmp_path, "digest-messages-behind-375")
        staff_page = await page.content()
        await context.close()
    assert stated == shown and listed == min(shown, 50)
    assert "Per member of staff" not in staff_page  # agents do not see per-person figures
