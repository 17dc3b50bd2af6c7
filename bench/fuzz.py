"""Fuzz benchmark: a seeded mix of valid and malformed requests against the running bot
(`python -m bot run` in its own process) at every unauthenticated door: the widget API, and
Slack's, X's and Telegram's webhooks (opened on local fakes; signed, forged, unsigned, malformed
and odd-typed deliveries). Prints the count of 5xx answers per door (target 0), valid messages
lost (target 0: every valid message answered 202, or 200 by a platform's door, and found
stored), throughput of the valid ones and p99 latencies.
Usage: python bench/fuzz.py [--n 100000] [--concurrency 32] [--seed 7] [--backend sqlite]"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
import uuid
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import select
from sqlalchemy.engine import Connection

from bench.fuzz_doors import (
    JSON_TYPE,
    Doors,
    Request,
    door_malformed,
    door_of,
    door_valid,
    headers_of,
)
from bench.ingest import NO_LIMITS, drop, issue, pg_database
from models.store import Store
from models.store.tables import Message
from tests.fakes.process import bot_env, bot_process, free_port
from tests.fakes.slack import FakeSlack
from tests.fakes.telegram import FakeTelegram
from tests.fakes.x.server import FakeX

DOOR_SHARE = 0.3
"""The share of requests that go to the platforms' doors (the rest to the widget API)."""


def message(session: str, client_id: str, text: Any) -> bytes:
    return json.dumps({"session": session, "client_id": client_id, "text": text}).encode()


def post(body: bytes, headers: dict[str, str] = JSON_TYPE) -> Request:
    """A POST to the message API."""
    return Request("POST", "/widget/api/messages", body, headers)


def malformed(rng: random.Random, session: str, n: int) -> Request:
    """One of many ways a request can be wrong."""
    cid = f"bad-{n:08d}"
    api = "/widget/api/messages"
    kinds = [
        lambda: Request("POST", api, b"{not json", JSON_TYPE),
        lambda: Request("POST", api, b'{"text": NaN, "session": 1}', JSON_TYPE),
        lambda: Request("POST", api, b"[" * rng.randint(100, 20_000), JSON_TYPE),
        lambda: Request(
            "POST", api, message(session, cid, rng.choice([7, None, [], {}])), JSON_TYPE
        ),
        lambda: Request("POST", api, message(session, cid, "hi"), {"content-type": "text/plain"}),
        lambda: Request("POST", api, message(session, cid, "hi")),
        lambda: Request("POST", api, message(session, cid, "\ud800 lone surrogate"), JSON_TYPE),
        lambda: Request("POST", api, message(session, cid, "nul \u0000 inside"), JSON_TYPE),
        lambda: Request(
            "POST", api, message(session, cid, "bell \u0007 esc \u001b[31m"), JSON_TYPE
        ),
        lambda: Request("POST", api, message(session, cid, "x" * 4001), JSON_TYPE),
        lambda: Request("POST", api, message("probe-session-0001", cid, "hi"), JSON_TYPE),
        lambda: Request("POST", api, message(session + "\n", cid, "hi"), JSON_TYPE),
        lambda: Request("POST", api, message(session, "abcdefgh\n", "hi"), JSON_TYPE),
        lambda: Request("POST", api, b"\xff\xfe\x00", JSON_TYPE),
        lambda: Request("POST", api, b"{" + b" " * 100_000 + b"}", JSON_TYPE),
        lambda: Request("GET", f"{api}?session=probe-session-0001"),
        lambda: Request("GET", f"{api}?session={session}&before=abc"),
        lambda: Request("POST", "/widget/api/votes", b'{"poll_id": 99999999999}', JSON_TYPE),
        lambda: Request(
            "POST",
            "/widget/api/votes",
            json.dumps(
                {"session": session, "client_id": cid, "poll_id": 424242, "option": "5"}
            ).encode(),
            JSON_TYPE,
        ),
        lambda: Request(
            "POST",
            "/widget/send",
            b"session=" + session.encode() + b"&client_id=" + cid.encode() + b"&text=%ff",
            {"content-type": "application/x-www-form-urlencoded"},
        ),
        lambda: Request("PUT", api, b"{}", JSON_TYPE),
        lambda: Request("POST", "/widget/api/sessions", b"[1,2", JSON_TYPE),
    ]
    return rng.choice(kinds)()


def plan(n: int, seed: int, sessions: list[str], run: str, doors: Doors) -> list[Request]:
    """The seeded list of requests: about half valid messages, half malformed; ``DOOR_SHARE``
    of them to the platforms' webhooks."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        session, valid = rng.choice(sessions), rng.random() < 0.5
        text = rng.choice(["The wifi on floor 3", "Café open? 😀", "Thanks!\nGreat staff"])
        if rng.random() < DOOR_SHARE:
            out.append(
                door_valid(rng, doors, i, f"{text} #{i}")
                if valid
                else door_malformed(rng, doors, i)
            )
        elif valid:
            cid = f"ok-{run}-{i:08d}"
            body = message(session, cid, f"{text} #{i}")
            key = f"widget/{session}:{cid}"
            out.append(Request("POST", "/widget/api/messages", body, JSON_TYPE, key))
        else:
            out.append(malformed(rng, session, i))
    return out


@dataclass
class Tally:
    """What came back."""

    statuses: Counter[int] = field(default_factory=Counter)
    fives: Counter[str] = field(default_factory=Counter)
    accepted: set[str] = field(default_factory=set)
    valid_latencies: list[float] = field(default_factory=list)
    all_latencies: list[float] = field(default_factory=list)
    transport_errors: int = 0


async def send_all(url: str, requests: list[Request], concurrency: int) -> tuple[float, Tally]:
    """Send every request with ``concurrency`` workers; wall seconds and the tally."""
    tally, queue = Tally(), iter(requests)

    async def worker(http: aiohttp.ClientSession) -> None:
        for r in queue:
            started = time.perf_counter()
            try:
                async with http.request(
                    r.method,
                    url + r.path,
                    data=r.body or None,
                    headers=headers_of(r),
                    skip_auto_headers=["Content-Type"],
                    allow_redirects=False,
                ) as answer:
                    await answer.read()
                    status = answer.status
            except aiohttp.ClientError:
                tally.transport_errors += 1
                continue
            elapsed = time.perf_counter() - started
            tally.statuses[status] += 1
            tally.all_latencies.append(elapsed)
            if status >= 500:
                tally.fives[door_of(r)] += 1
            if r.valid_key:
                tally.valid_latencies.append(elapsed)
                if status == r.ok:
                    tally.accepted.add(r.valid_key)

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:
        started = time.perf_counter()
        await asyncio.gather(*(worker(http) for _ in range(concurrency)))
        return time.perf_counter() - started, tally


def _stored_keys(conn: Connection) -> set[str]:
    query = select(Message.channel, Message.platform_id).where(Message.direction == "in")
    return {f"{channel}/{platform_id}" for channel, platform_id in conn.execute(query)}


async def stored(db_url: str) -> set[str]:
    async with Store.open(db_url) as store:
        return await store.read(_stored_keys)


async def sessions_of(url: str, count: int) -> list[str]:
    async with aiohttp.ClientSession() as http:
        return [await issue(http, url) for _ in range(count)]


def report(requests: list[Request], seconds: float, tally: Tally, kept: set[str]) -> None:
    valid = {r.valid_key for r in requests if r.valid_key}
    lost = len(valid - (tally.accepted & kept))
    fives = sum(c for s, c in tally.statuses.items() if s >= 500)
    cut = statistics.quantiles
    print(f"  requests {len(requests)}  answers {dict(sorted(tally.statuses.items()))}")
    doors = "  ".join(f"{d} {tally.fives[d]}" for d in ("widget", "slack", "x", "telegram"))
    print(f"  5xx: {fives} ({doors})  transport errors: {tally.transport_errors}  (target 0)")
    print(
        f"  valid messages: {len(valid)}  answered 202 (200 at a platform door): "
        f"{len(tally.accepted)}  lost: {lost}"
    )
    print(
        f"  valid throughput {len(tally.accepted) / seconds:.0f} msgs/s "
        f"({len(requests) / seconds:.0f} requests/s in all)  "
        f"p99 valid {cut(tally.valid_latencies, n=100)[98] * 1000:.1f} ms  "
        f"p99 all {cut(tally.all_latencies, n=100)[98] * 1000:.1f} ms"
    )


def run_backend(backend: str, n: int, concurrency: int, seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pg = asyncio.run(pg_database()) if backend == "postgresql" else None
        db = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{pg}" if pg else ""
        db = db or f"sqlite+aiosqlite:///{tmp}/var/feedbot.db"
        try:
            requests, seconds, tally = asyncio.run(fuzz(Path(tmp), db, n, concurrency, seed))
            kept = asyncio.run(stored(db))
        finally:
            if pg:
                asyncio.run(drop(pg))
    print(f"{backend}:")
    report(requests, seconds, tally, kept)


async def fuzz(
    tmp: Path, db: str, n: int, concurrency: int, seed: int
) -> tuple[list[Request], float, Tally]:
    """Start the fakes and the bot on them, send the plan; the requests, seconds and tally."""
    port = free_port()
    settings = {"state_dir": f"{tmp}/var", "http_port": str(port), "log_level": "ERROR"}
    settings.update(classifier="off", database_url=db, **NO_LIMITS)
    url = f"http://127.0.0.1:{port}"
    async with FakeSlack() as slack, FakeX() as x, FakeTelegram() as telegram:
        settings.update(Doors.settings(slack, x, telegram))
        doors = Doors(x_secret=x.keys.consumer_secret, x_me=x.me)
        with ExitStack() as running:  # started in a thread: the fakes answer it meanwhile
            started = bot_process(bot_env(**settings), tmp / "bot.log")
            await asyncio.to_thread(running.enter_context, started)
            sessions = await sessions_of(url, 200)
            requests = plan(n, seed, sessions, uuid.uuid4().hex[:6], doors)
            seconds, tally = await send_all(url, requests, concurrency)
    return requests, seconds, tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    args = parser.parse_args()
    print(
        f"fuzz: {args.n} requests, about half valid, seed {args.seed}, "
        f"concurrency {args.concurrency}, rate limits off, "
        f"{DOOR_SHARE:.0%} to the Slack, X and Telegram webhooks"
    )
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        run_backend(backend, args.n, args.concurrency, args.seed)


if __name__ == "__main__":
    main()
