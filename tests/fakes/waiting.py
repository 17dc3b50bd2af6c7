"""The one wait-until helper: tests, fakes and benchmarks wait for things with it."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable

Check = Callable[[], bool | Awaitable[bool]]


async def wait_until(check: Check, *, within: float = 10.0, what: str = "") -> None:
    """Call ``check`` (plain or async) until it is true; fail after ``within`` seconds. It is
    asked again after 5 ms, then less and less often (every 50 ms at most), so that a long wait
    does not take the CPU from the bot it waits for."""
    deadline, pause = time.monotonic() + within, 0.005
    while not await _holds(check):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within}s waiting for {what or check}")
        await asyncio.sleep(pause)
        pause = min(pause * 1.5, 0.05)


async def _holds(check: Check) -> bool:
    """What the check says now, awaiting it when it is async."""
    answer = check()
    return bool(await answer) if inspect.isawaitable(answer) else bool(answer)
