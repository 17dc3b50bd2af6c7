"""Channel benchmark: 5,000 Slack events over signed HTTP and 5,000 Telegram updates through
getUpdates, each into a fresh store; prints events/s and p50/p99 time to durable storage.
Usage: make bench, or PYTHONPATH=. python bench/channels.py [N]"""

from __future__ import annotations

import asyncio
import sys

from bench.channel_slack import bench_slack
from bench.channel_telegram import bench_telegram


def show(channel: str, figures: dict[str, float]) -> None:
    print(
        f"{channel:<9} {figures['events_per_s']:8.0f} events/s  "
        f"p50 {figures['p50_store_s'] * 1000:7.1f} ms  p99 {figures['p99_store_s'] * 1000:7.1f} ms"
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    print(f"channels: {n} events each, real SDKs against local fakes, SQLite, durable before ack")
    show("slack", asyncio.run(bench_slack(n)))
    show("telegram", asyncio.run(bench_telegram(n)))


if __name__ == "__main__":
    main()
