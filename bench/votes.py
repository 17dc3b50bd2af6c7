"""Votes benchmark: 10,000 Slack button clicks over signed HTTP and 10,000 Telegram poll answers
through getUpdates, each from a different person, into a fresh store; checks that every vote is
counted exactly once and prints votes/s (receipt to counted in the results).
Usage: make bench, or PYTHONPATH=. python bench/votes.py [N]"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from urllib.parse import urlencode

import aiohttp

from bench.common import bench_settings
from bot.adapters.slack import SlackAdapter
from bot.adapters.telegram import TelegramAdapter
from handlers import polls
from handlers.poll_kinds import standard_options
from models.store.polls import Target
from tests.adapters.test_slack_polls import click
from tests.fakes import telegram_payloads as tp
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_driver import sign
from tests.fakes.telegram import FakeTelegram
from tests.fakes.telegram_store import MemoryCursors
from tests.harness import RunningBot, running_bot

SECRET = "bench-signing-secret-0123456789abcdef"
CONCURRENCY = 32


async def open_poll(bot: RunningBot, channel: str, chat: str) -> int:
    poll_id = await bot.store.create_poll(
        targets=[Target(channel, chat)],
        options=standard_options("csat", []),
        question="How satisfied are you with the library?",
        kind="csat",
    )
    await polls.send(bot.store, poll_id, bot.app.delivery.wake)
    return poll_id


async def counted(bot: RunningBot, poll_id: int, n: int, limit_s: float) -> None:
    """Wait (with a cheap COUNT) until n votes are in; then check the full results say n."""
    deadline = time.perf_counter() + limit_s
    while int((await bot.store.poll_vote_mark(poll_id)).split(":")[0]) < n:
        if time.perf_counter() > deadline:
            raise RuntimeError(f"fewer than {n} votes counted after {limit_s:.0f} s")
        await asyncio.sleep(0.02)
    r = await polls.results(bot.store, poll_id)
    if r.responses != n or sum(o.count for o in r.options) != n:
        raise RuntimeError(f"expected {n} votes, counted {r.responses}")


async def bench_slack(n: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeSlack() as fake:
            adapter = SlackAdapter(
                bot_token=fake.identity.bot_token, signing_secret=SECRET, api_url=fake.api_url
            )
            async with running_bot(bench_settings(tmp), adapters=[adapter]) as bot:
                poll_id = await open_poll(bot, "slack", "C0BENCH")
                [call] = await fake.wait_for_calls("chat.postMessage", within=30)
                clicks = [click(call.args, i % 5, f"U{i:08d}") for i in range(n)]
                connector = aiohttp.TCPConnector(limit=CONCURRENCY)
                async with aiohttp.ClientSession(connector=connector) as http:
                    started = time.perf_counter()
                    await asyncio.gather(*(_post(http, bot.url, c) for c in clicks))
                    await counted(bot, poll_id, n, limit_s=max(120.0, n / 20))
                    elapsed = time.perf_counter() - started
    return n / elapsed


async def _post(http: aiohttp.ClientSession, url: str, body: dict[str, object]) -> None:
    """One signed interaction post, as Slack sends it (aiohttp: a light client for the load)."""
    raw = urlencode({"payload": json.dumps(body)}).encode()
    ts = str(int(time.time()))
    headers = {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": sign(SECRET, ts, raw),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    async with http.post(f"{url}/slack/events", data=raw, headers=headers) as answer:
        answer.raise_for_status()


async def bench_telegram(n: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeTelegram() as fake:
            adapter = TelegramAdapter(token=fake.token, api_url=fake.url, cursors=MemoryCursors())
            async with running_bot(bench_settings(tmp), adapters=[adapter]) as bot:
                poll_id = await open_poll(bot, "telegram", "-100777")
                await bot.wait_for(lambda: _poll_sent(bot), timeout=30, what="the poll")
                native = (await bot.store.outbox_items())[0].platform_message_id
                answers = [
                    tp.poll_answer_update(
                        [i % 5], poll_id=native, sender=tp.user(7_000_000 + i, "S")
                    )
                    for i in range(n)
                ]
                started = time.perf_counter()
                await fake.push(*answers)
                await counted(bot, poll_id, n, limit_s=max(120.0, n / 20))
                elapsed = time.perf_counter() - started
    return n / elapsed


async def _poll_sent(bot: RunningBot) -> bool:
    return any(o.status == "sent" for o in await bot.store.outbox_items())


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    print(f"votes: {n} per channel, each from a different person, SQLite; counted exactly once")
    slack = asyncio.run(bench_slack(n))
    print(f"slack     {slack:8.0f} votes/s (signed HTTP clicks, receipt to counted)")
    telegram = asyncio.run(bench_telegram(n))
    print(f"telegram  {telegram:8.0f} votes/s (getUpdates poll answers, receipt to counted)")


if __name__ == "__main__":
    main()
