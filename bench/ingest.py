"""Ingest benchmark: a separate process posts N widget messages over HTTP (concurrency 32) to a
running bot and reports events/s and p50/p99 latency to durable storage (the 202), on SQLite and
on PostgreSQL, with the session check, the rate limits and durability all on. Before each, the
same client against the floor (bench/ingest_floor.py: the same server answering 202 at once) in
the same run, and the ratio, so that a busy machine shows as a lower floor, not a slower bot.
Usage: python bench/ingest.py [--n 10000] [--concurrency 32] [--backend both] [--repeat 1]"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
import asyncpg

from tests.fakes.process import bot_env, bot_process, free_port

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
NO_LIMITS = {  # not off: still counted and checked on every request, but set above what one load
    # generator on one address sends (500 sessions at ~1,000 messages/s is 120 a minute each)
    "widget_session_rate": "1000000",
    "widget_address_rate": "10000000",
    "widget_new_session_rate": "1000000",
}


async def post_all(url: str, n: int, concurrency: int) -> tuple[float, list[float]]:
    """Post n messages; returns wall seconds and per-request latencies."""
    latencies: list[float] = []
    counter = iter(range(n))
    run = uuid.uuid4().hex[:8]

    async def worker(http: aiohttp.ClientSession) -> None:
        for i in counter:
            body = {
                "session": sessions[i % len(sessions)],
                "client_id": f"c-{run}-{i}",
                "text": f"bench message {i}",
            }
            started = time.perf_counter()
            async with http.post(f"{url}/widget/api/messages", json=body) as answer:
                await answer.read()
                assert answer.status == 202, answer.status
            latencies.append(time.perf_counter() - started)

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:
        sessions = [await issue(http, url) for _ in range(500)]
        started = time.perf_counter()
        await asyncio.gather(*(worker(http) for _ in range(concurrency)))
        return time.perf_counter() - started, latencies


async def issue(http: aiohttp.ClientSession, url: str) -> str:
    """A widget session issued by the bot, as the page gets one."""
    async with http.post(f"{url}/widget/api/sessions", json={}) as answer:
        assert answer.status == 201, answer.status
        return str((await answer.json())["session"])


def report(backend: str, n: int, seconds: float, latencies: list[float], floor: float) -> None:
    cuts = statistics.quantiles(latencies, n=100)
    rate = n / seconds
    print(
        f"{backend:<11} {n:>7} msgs  {rate:>8.0f} events/s  "
        f"p50 {cuts[49] * 1000:6.1f} ms  p99 {cuts[98] * 1000:6.1f} ms  "
        f"{rate / floor:5.2f}x the floor ({floor:.0f}/s)"
    )


def run_floor(n: int, concurrency: int) -> float:
    """Messages/s the same client gets from the floor server (nothing checked or stored)."""
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        command = ("-m", "bench.ingest_floor", str(port))
        with bot_process(bot_env(http_port=str(port)), Path(tmp) / "floor.log", command):
            url = f"http://127.0.0.1:{port}"
            asyncio.run(post_all(url, min(n, 500), concurrency))  # warm-up
            seconds, _ = asyncio.run(post_all(url, n, concurrency))
    return n / seconds


async def pg_database() -> str:
    admin = await asyncpg.connect(PG_ADMIN)
    name = f"feedbot_bench_{uuid.uuid4().hex[:8]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    return name


async def drop(name: str) -> None:
    admin = await asyncpg.connect(PG_ADMIN)
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


def run_backend(backend: str, n: int, concurrency: int) -> None:
    floor = run_floor(n, concurrency)
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        settings = {
            "state_dir": f"{tmp}/var",
            "http_port": str(port),
            "log_level": "WARNING",
            "classifier": "off",  # ingest only: classification runs after the 202, elsewhere
            **NO_LIMITS,
        }
        pg = asyncio.run(pg_database()) if backend == "postgresql" else None
        if pg:
            settings["database_url"] = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{pg}"
        try:
            with bot_process(bot_env(**settings), Path(tmp) / "bot.log"):
                asyncio.run(
                    post_all(f"http://127.0.0.1:{port}", min(n, 500), concurrency)
                )  # warm-up
                seconds, latencies = asyncio.run(
                    post_all(f"http://127.0.0.1:{port}", n, concurrency)
                )
        finally:
            if pg:
                asyncio.run(drop(pg))
        report(backend, n, seconds, latencies, floor)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=1, help="measure each backend this often")
    args = parser.parse_args()
    print(
        f"ingest: widget API over HTTP, concurrency {args.concurrency}, sessions checked, "
        "limits on, durable before 202"
    )
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        for _ in range(args.repeat):
            run_backend(backend, args.n, args.concurrency)


if __name__ == "__main__":
    main()
