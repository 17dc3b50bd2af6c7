"""What the benchmarks share: settings for a throwaway bot in a temp folder, and a bot in its own
process started beside this one's event loop (where the fake platforms run)."""

from __future__ import annotations

import asyncio
import statistics
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import asyncpg

from config.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent


def bench_settings(tmp: str) -> Settings:
    """A fresh SQLite store under ``tmp``, a random port, no classifier (not what is measured)."""
    return load_settings(
        database_url=f"sqlite+aiosqlite:///{tmp}/bench.db",
        state_dir=Path(tmp) / "var",
        http_port=0,
        config_file=ROOT / "config" / "feedbot.yaml",
        pseudonym_key="bench-pseudonym-key-0123456789",
        classifier="off",
    )


def figures(n: int, elapsed: float, latencies: list[float]) -> dict[str, float]:
    """Events per second and p50/p99 seconds to durable storage."""
    return {
        "events_per_s": n / elapsed,
        "p50_store_s": statistics.median(latencies),
        "p99_store_s": statistics.quantiles(latencies, n=100)[98],
    }


async def each_backend(which: str, run: Callable[[str], Awaitable[None]]) -> None:
    """``run`` for each backend ``which`` asks for ("sqlite", "postgresql" or "both"); one whose
    database is not reachable is skipped with a note."""
    for backend in ("sqlite", "postgresql"):
        if which not in (backend, "both"):
            continue
        try:
            await run(backend)
        except (OSError, asyncpg.PostgresError) as exc:
            print(f"{backend}: skipped, database not reachable ({exc})")


@asynccontextmanager
async def bot_running(
    env: dict[str, str], log: Path, port: int, command: tuple[str, ...] = ("-m", "bot", "run")
) -> AsyncIterator[str]:
    """`python -m bot run` (or another server ``command``) in its own process; yields its URL once
    /healthz answers. Waiting never blocks this event loop, so fakes served from it can answer
    the bot as it starts."""
    url = f"http://127.0.0.1:{port}"
    with log.open("ab") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, *command, cwd=ROOT, env=env, stdout=out, stderr=out
        )
    try:
        await _healthy(url, proc, log)
        yield url
    finally:
        if proc.returncode is None:
            proc.terminate()
        try:
            async with asyncio.timeout(30):
                await proc.wait()
        except TimeoutError:
            proc.kill()


async def _healthy(url: str, proc: asyncio.subprocess.Process, log: Path) -> None:
    """Poll /healthz for up to four minutes (a first start builds the classifier)."""
    async with aiohttp.ClientSession() as http:
        for _ in range(2400):
            if proc.returncode is not None:
                break
            try:
                async with http.get(f"{url}/healthz") as answer:
                    if answer.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    tail = (await asyncio.to_thread(log.read_text))[-2000:]
    raise RuntimeError(f"bot did not become healthy (exit {proc.returncode}): {tail}")
