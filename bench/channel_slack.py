"""Slack ingest benchmark: n signed Events API posts over HTTP into a running bot (not a test).

The adapter answers a delivery only once the event is durably stored (bolt's
process_before_response), so each request's round trip bounds its time to durable storage.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time

import aiohttp

from bench.common import bench_settings, figures
from bot.adapters.slack import SlackAdapter
from tests.fakes.running import running_bot
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_driver import event_envelope, sign

SECRET = "bench-signing-secret-0123456789abcdef"
CONCURRENCY = 32
JSON = {"Content-Type": "application/json"}
THREADS = 20


def message(i: int) -> dict[str, object]:
    """The i-th Events API body: a thread reply from one of many students in a few threads."""
    ts = f"{1763856000 + i}.{i % 1_000_000:06d}"
    thread = f"{1763850000 + i % THREADS}.000100"
    event = {
        "type": "message",
        "channel": "C0BENCH01",
        "channel_type": "channel",
        "user": f"U{i % 997:07d}",
        "text": f"Feedback number {i}: the quiet room is too warm",
        "ts": ts,
        "thread_ts": thread,
        "event_ts": ts,
    }
    return event_envelope(event, event_id=f"Ev{i:010d}")


async def _post_all(url: str, n: int) -> list[float]:
    """Post n signed events with bounded concurrency; returns each one's seconds until stored.

    aiohttp sends the load: a light client, so the figures are the bot's, not the client's."""
    gate, latencies = asyncio.Semaphore(CONCURRENCY), []

    async def one(http: aiohttp.ClientSession, i: int) -> None:
        raw = json.dumps(message(i)).encode()
        ts = str(int(time.time()))
        headers = {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sign(SECRET, ts, raw)}
        async with gate:
            started = time.perf_counter()
            async with http.post(url, data=raw, headers=headers | JSON) as answer:
                answer.raise_for_status()
            latencies.append(time.perf_counter() - started)

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONCURRENCY)) as http:
        await asyncio.gather(*(one(http, i) for i in range(n)))
    return latencies


async def bench_slack(n: int) -> dict[str, float]:
    """Events per second and p99 seconds to durable storage for n Slack events over signed HTTP."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = bench_settings(tmp)
        async with FakeSlack() as fake:
            adapter = SlackAdapter(
                bot_token=fake.identity.bot_token, signing_secret=SECRET, api_url=fake.api_url
            )
            async with running_bot(settings, adapters=[adapter]) as bot:
                started = time.perf_counter()
                latencies = await _post_all(f"{bot.url}/slack/events", n)
                elapsed = time.perf_counter() - started
                kept = await bot.store.messages.find(channel="slack", limit=2 * n + THREADS)
                stored = sum(1 for m in kept if m.direction == "in")
    if stored != n:
        raise RuntimeError(f"stored {stored} of {n} Slack events")
    return figures(n, elapsed, latencies)


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    for name, value in asyncio.run(bench_slack(count)).items():
        print(f"slack {name}: {value:.4f}")
