"""What the in-process benchmarks share: settings for a throwaway bot in a temp folder."""

from __future__ import annotations

import statistics
from pathlib import Path

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
