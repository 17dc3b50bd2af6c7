"""Running `python -m bot` as a real subprocess, as an operator would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port nobody is listening on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bot_env(**settings: str) -> dict[str, str]:
    """The environment with FEEDBOT_* settings given as keyword arguments (lower-case names)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDBOT_")}
    env.update({f"FEEDBOT_{k.upper()}": v for k, v in settings.items()})
    env["PYTHONUNBUFFERED"] = "1"
    return env


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run one CLI command to completion."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


BOT = ("-m", "bot", "run")
KEYWORD_BOT = ("-m", "tests.fakes.keyword_bot")
"""The bot with the keyword classifier (see tests/fakes/keyword_bot.py)."""


@contextmanager
def bot_process(
    env: dict[str, str], log: Path, command: Sequence[str] = BOT, *, wait: bool = True
) -> Iterator[subprocess.Popen[bytes]]:
    """Start `python -m bot run` (or ``command``), wait until /healthz answers (unless not
    ``wait``), kill it at the end if still alive."""
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, *command], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    try:
        if wait:
            wait_healthy(f"http://127.0.0.1:{env['FEEDBOT_HTTP_PORT']}", proc, log)
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)


def wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 240) -> None:
    """Poll /healthz until it answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"bot exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"bot did not become healthy:\n{log.read_text()[-3000:]}")
