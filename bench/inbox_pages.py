"""The staff pages over HTTP (in-process ASGI, the whole web app with its session gate, CSRF and
templates): the queue list with filters and an item page, on the staff-queue benchmark's fixture.

Usage: make bench, or PYTHONPATH=. python bench/inbox_pages.py [MESSAGES [ITEMS]]"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from bench.inbox import _analyze
from bench.inbox_fixture import Size, build
from bot.adapters.widget import WidgetAdapter
from bot.app import running_bot
from config.settings import load_settings
from handlers.staff.passwords import Passwords
from models.store.migrate import upgrade_async

RUNS = 60
PAGES = {
    "queue, all open": "/inbox/",
    "queue, mine": "/inbox/?view=mine",
    "queue, team + overdue": "/inbox/?team=it_services&overdue=1",
    "queue, page 20": "/inbox/?page=20",
    "item page (huge group chat)": "/inbox/items/1",
    "item page": "/inbox/items/4321",
}
PASSWORD = "benchmark staff password"


async def timed(call: Callable[[], Awaitable[httpx.Response]]) -> list[float]:
    """Milliseconds per call, after two warm-up calls; every answer must be 200."""
    took = []
    for i in range(RUNS + 2):
        start = time.perf_counter()
        answer = await call()
        assert answer.status_code == 200, answer.status_code
        if i >= 2:
            took.append((time.perf_counter() - start) * 1000)
    return took


async def measure(http: httpx.AsyncClient) -> None:
    """Time each page; print p50 and p95."""
    for name, path in PAGES.items():
        took = sorted(await timed(lambda path=path: http.get(path)))
        p95 = took[int(len(took) * 0.95) - 1]
        flag = "" if p95 <= 150 else "  (over the 150 ms target)"
        print(f"  {name:<30} p50 {statistics.median(took):7.1f} ms  p95 {p95:7.1f} ms{flag}")


async def log_in(http: httpx.AsyncClient) -> None:
    """Log in through the form, as a browser does."""
    page = (await http.get("/inbox/login")).text
    token = page.split('name="csrftoken" value="')[1].split('"')[0]
    form = {"csrftoken": token, "email": "bench@lib.example.ac.uk", "password": PASSWORD}
    assert (await http.post("/inbox/login", data=form)).status_code == 303


async def main(size: Size) -> None:
    print(f"staff pages over HTTP: {size.messages:,} messages, {size.items:,} items, SQLite")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        await upgrade_async(url)
        settings = load_settings(
            database_url=url, state_dir=Path(tmp), classifier="off", pseudonym_key="bench-key-0123"
        )
        async with running_bot(settings, adapters=[WidgetAdapter()]) as bot:
            await bot.store.inbox._db.write(build, size)
            await bot.store.inbox._db.write(_analyze)
            await bot.store.staff.add(
                email="bench@lib.example.ac.uk", name="Bench", role="lead", team="it_services",
                password_hash=await Passwords().hash(PASSWORD), actor="bench",
            )  # fmt: skip
            transport = httpx.ASGITransport(app=bot.web)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
                await log_in(http)
                await measure(http)


if __name__ == "__main__":
    args = [int(a.replace(",", "").replace("_", "")) for a in sys.argv[1:3]]
    asyncio.run(main(Size(*(args + [1_000_000, 100_000][len(args) :]))))
