"""Load for the crash tests: many widget messages posted at once, optionally killing the bot."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx

TOTAL = 2000
CONCURRENCY = 64


def payload(i: int, sessions: list[str]) -> dict[str, str]:
    """Message ``i``, spread over the issued ``sessions``."""
    return {
        "session": sessions[i % len(sessions)],
        "client_id": f"crash-client-{i:05d}",
        "text": f"message {i}",
    }


async def send_all(
    url: str, sessions: list[str], stop_after: int | None, kill: Callable[[], None] | None
) -> dict[int, int]:
    """Post every message; index → id for each 202; kill the bot after ``stop_after`` 202s."""
    accepted: dict[int, int] = {}
    problems: list[str] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(TOTAL):
        queue.put_nowait(i)

    async def worker(http: httpx.AsyncClient) -> None:
        while not queue.empty():
            i = queue.get_nowait()
            try:
                answer = await post(http, payload(i, sessions))
            except httpx.TransportError as exc:
                problems.append(type(exc).__name__)
                continue
            if answer.status_code != 202:
                problems.append(str(answer.status_code))
            if answer.status_code == 202:
                accepted[i] = answer.json()["id"]
                if stop_after is not None and len(accepted) == stop_after and kill is not None:
                    kill()

    limits = httpx.Limits(max_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as http:
        await asyncio.gather(*(worker(http) for _ in range(CONCURRENCY)))
    if stop_after is None or len(accepted) < stop_after:
        assert not problems, f"{len(problems)} requests failed: {sorted(set(problems))}"
    return accepted


async def post(
    http: httpx.AsyncClient, body: dict[str, str], *, tries: int = 3, base: str = ""
) -> httpx.Response:
    """Post as the widget's client does: a dropped connection (e.g. a kept-alive one the server
    closed just then) is sent again with the same client_id, which the server stores once."""
    for attempt in range(tries):
        try:
            return await http.post(f"{base}/widget/api/messages", json=body)
        except httpx.TransportError:
            if attempt == tries - 1:
                raise
    raise AssertionError("unreachable")


async def send_spread(urls: list[str], sessions: list[str]) -> dict[int, int]:
    """Post every message, each to the next of ``urls`` in turn (as a load balancer spreads
    them over processes); index → id of each 202 (all must be 202)."""
    accepted: dict[int, int] = {}
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(TOTAL):
        queue.put_nowait(i)

    async def worker(http: httpx.AsyncClient) -> None:
        while not queue.empty():
            i = queue.get_nowait()
            url = urls[i % len(urls)]
            answer = await post(http, {**payload(i, sessions)}, base=url)
            assert answer.status_code == 202, answer.text
            accepted[i] = answer.json()["id"]

    limits = httpx.Limits(max_connections=CONCURRENCY)
    async with httpx.AsyncClient(limits=limits, timeout=60) as http:
        await asyncio.gather(*(worker(http) for _ in range(CONCURRENCY)))
    return accepted
