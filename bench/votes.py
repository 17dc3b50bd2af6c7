"""Votes benchmark: 10,000 Slack button clicks over signed HTTP and 10,000 Telegram poll answers
through getUpdates, each from a different person, into `python -m bot run` in its own process (as
deployed); the fake platform and the load come from this process. Checks with `poll results
--json` that every vote is counted exactly once and prints votes/s, from the first vote sent to
the last one counted, and the bot's CPU a vote (for Slack up to the last voter's confirmation, so
that it covers all the bot does for a tap). For Slack it also measures the floor: the same clicks
into bolt alone, which checks and acknowledges them and does nothing else (bench/slack_floor.py).
Usage: make bench, or PYTHONPATH=. python bench/votes.py [N]"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp

from bench.common import bot_running
from bench.cpu import children_cpu_s
from tests.fakes import telegram_payloads as tp
from tests.fakes.process import bot_env, cli, free_port
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_driver import sign
from tests.fakes.slack_payloads import click
from tests.fakes.telegram import FakeTelegram
from tests.fakes.waiting import wait_until

SECRET = "bench-signing-secret-0123456789abcdef"
CONCURRENCY = 32
QUESTION = "How satisfied are you with the library?"


@dataclass(frozen=True)
class Rate:
    """n items in ``elapsed`` seconds, the server process using ``cpu`` CPU seconds for them."""

    n: int
    elapsed: float
    cpu: float
    answered: float = 0.0
    """Seconds to the last voter's confirmation (Slack), when measured."""

    @property
    def per_s(self) -> float:
        return self.n / self.elapsed

    @property
    def cpu_ms(self) -> float:
        """The server's CPU milliseconds per item (steadier than the rate on a shared machine)."""
        return 1000 * self.cpu / self.n


def settings(tmp: str, port: int, **channel: str) -> dict[str, str]:
    """The bot's environment: a fresh SQLite store, no classifier (votes are not classified)."""
    return bot_env(
        database_url=f"sqlite+aiosqlite:///{tmp}/bench.db",
        state_dir=f"{tmp}/var",
        http_port=str(port),
        log_level="WARNING",
        classifier="off",
        **channel,
    )


async def open_poll(env: dict[str, str], target: str) -> int:
    """`poll create` and `poll send` from the CLI, as staff would; returns the poll id."""
    for args in (
        ("migrate",),
        ("poll", "create", "--kind", "csat", "-q", QUESTION, "--to", target),
    ):
        done = await asyncio.to_thread(cli, env, *args)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {done.stderr}")
    poll_id = int(done.stdout.split()[-1])
    sent = await asyncio.to_thread(cli, env, "poll", "send", str(poll_id))
    if sent.returncode != 0:
        raise RuntimeError(f"poll send failed: {sent.stderr}")
    return poll_id


async def counted(tmp: str, poll_id: int, n: int, limit_s: float) -> None:
    """Wait until the store holds n votes for the poll (a read-only COUNT beside the bot)."""
    db = sqlite3.connect(f"file:{tmp}/bench.db?mode=ro", uri=True)
    query = "SELECT count(*) FROM votes WHERE poll_id = ?"
    try:
        await wait_until(
            lambda: db.execute(query, (poll_id,)).fetchone()[0] >= n,
            within=limit_s,
            what=f"{n} votes counted",
        )
    finally:
        db.close()


async def check(env: dict[str, str], poll_id: int, n: int) -> None:
    """`poll results --json` must say exactly n responses, n votes over the options."""
    done = await asyncio.to_thread(cli, env, "poll", "results", str(poll_id), "--json")
    results = json.loads(done.stdout)
    votes = sum(o["count"] for o in results["options"])
    if results["responses"] != n or votes != n:
        raise RuntimeError(f"expected {n} votes, results say {results['responses']} ({votes})")


async def bench_slack(n: int) -> Rate:
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeSlack() as fake:
            port = free_port()
            env = settings(
                tmp,
                port,
                slack_bot_token=fake.identity.bot_token,
                slack_signing_secret=SECRET,
                slack_api_url=fake.api_url,
            )
            poll_id = await open_poll(env, "slack:C0BENCH")
            async with bot_running(env, Path(tmp) / "bot.log", port) as url:
                [call] = await fake.wait_for_calls("chat.postMessage", within=60)
                clicks = [click(call.args, i % 5, f"U{i:08d}", fake.hook()) for i in range(n)]
                connector = aiohttp.TCPConnector(limit=CONCURRENCY)
                async with aiohttp.ClientSession(connector=connector) as http:
                    started, cpu = time.perf_counter(), children_cpu_s()
                    await asyncio.gather(*(_post(http, url, c) for c in clicks))
                    await counted(tmp, poll_id, n, limit_s=max(120.0, n / 20))
                    elapsed = time.perf_counter() - started
                    await confirmed(fake, n, limit_s=max(120.0, n / 20))
                    answered, cpu = time.perf_counter() - started, children_cpu_s() - cpu
            await check(env, poll_id, n)
    return Rate(n, elapsed, cpu, answered)


async def confirmed(fake: FakeSlack, n: int, limit_s: float) -> None:
    """Wait until every voter has been told privately what was counted (n response_url posts):
    the CPU a tap costs is everything the bot does for it, its confirmation included."""
    await wait_until(
        lambda: len(fake.calls_to("response_url")) >= n,
        within=limit_s,
        what=f"{n} confirmations",
    )


async def bench_slack_floor(n: int) -> Rate:
    """Clicks/s into bolt alone (signature checked, acknowledged, nothing stored or sent)."""
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeSlack() as fake:
            port = free_port()
            posted = {"channel": "C0BENCH", "blocks": [_actions()]}
            clicks = [click(posted, i % 5, f"U{i:08d}", fake.hook()) for i in range(n)]
            command = ("-m", "bench.slack_floor", str(port), SECRET)
            env = bot_env()
            async with bot_running(env, Path(tmp) / "floor.log", port, command) as url:
                connector = aiohttp.TCPConnector(limit=CONCURRENCY)
                async with aiohttp.ClientSession(connector=connector) as http:
                    started, cpu = time.perf_counter(), children_cpu_s()
                    await asyncio.gather(*(_post(http, url, c) for c in clicks))
                    elapsed, cpu = time.perf_counter() - started, children_cpu_s() - cpu
    return Rate(n, elapsed, cpu)


def _actions() -> dict[str, Any]:
    """A poll's five CSAT buttons, as posted."""
    buttons = [
        {"type": "button", "action_id": f"vote:{k}", "value": str(k), "text": str(k)}
        for k in range(1, 6)
    ]
    return {"type": "actions", "block_id": "poll:1", "elements": buttons}


async def _post(http: aiohttp.ClientSession, url: str, body: dict[str, Any]) -> None:
    """One signed interaction post, as Slack sends it."""
    raw = urlencode({"payload": json.dumps(body)}).encode()
    ts = str(int(time.time()))
    headers = {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": sign(SECRET, ts, raw),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    async with http.post(f"{url}/slack/events", data=raw, headers=headers) as answer:
        answer.raise_for_status()


async def bench_telegram(n: int) -> Rate:
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeTelegram() as fake:
            port = free_port()
            env = settings(tmp, port, telegram_token=fake.token, telegram_api_url=fake.url)
            poll_id = await open_poll(env, "telegram:-100777")
            async with bot_running(env, Path(tmp) / "bot.log", port):
                native = await _native_poll_id(fake)
                answers = [
                    tp.poll_answer_update(
                        [i % 5], poll_id=native, sender=tp.user(7_000_000 + i, "S")
                    )
                    for i in range(n)
                ]
                started, cpu = time.perf_counter(), children_cpu_s()
                await fake.push(*answers)
                await counted(tmp, poll_id, n, limit_s=max(120.0, n / 20))
                elapsed, cpu = time.perf_counter() - started, children_cpu_s() - cpu
            await check(env, poll_id, n)
    return Rate(n, elapsed, cpu)


async def _native_poll_id(fake: FakeTelegram) -> str:
    """The id Telegram gave the poll the bot sent."""
    await wait_until(lambda: bool(fake.calls_to("sendPoll")), within=60, what="the poll sent")
    return str(fake.calls_to("sendPoll")[0].answer["result"]["poll"]["id"])


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    print(f"votes: {n} per channel, each from a different person, bot in its own process, SQLite")
    slack = asyncio.run(bench_slack(n))
    print(
        f"slack     {slack.per_s:8.0f} votes/s, {slack.cpu_ms:.2f} ms bot CPU a vote"
        " (signed HTTP clicks, first sent to last counted; the CPU up to the last voter's"
        f" confirmation, {slack.answered:.1f} s after the first click)"
    )
    floor = asyncio.run(bench_slack_floor(n))
    print(
        f"  floor   {floor.per_s:8.0f} clicks/s, {floor.cpu_ms:.2f} ms CPU a click"
        " (the same clicks into bolt alone: checked, acked)"
    )
    print(f"  ratio   {slack.per_s / floor.per_s:8.2f}x bolt's floor, measured in the same run")
    telegram = asyncio.run(bench_telegram(n))
    print(
        f"telegram  {telegram.per_s:8.0f} votes/s, {telegram.cpu_ms:.2f} ms bot CPU a vote"
        " (getUpdates poll answers, first sent to last counted)"
    )


if __name__ == "__main__":
    main()
