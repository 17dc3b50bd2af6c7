"""Data-rights benchmark on SQLite: `export messages` over N stored messages (default
1,000,000) as the operator runs it, in its own process: rows per second and the process's peak
RSS (targets: >= 50,000 rows/s, <= 200 MB); and erasing one person who has 10,000 of those
messages (target <= 2 s).
Usage: make bench, or PYTHONPATH=. python bench/rights.py [MESSAGES]"""

from __future__ import annotations

import asyncio
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from models.store import Store
from models.store.inbound.record import pseudonym
from models.store.migrate import upgrade
from models.store.rights.scope import Who

ROOT = Path(__file__).resolve().parent.parent
KEY = "bench-pseudonym-key-0123456789"
PEOPLE = 20_000
ONE = 10_000  # messages of the person erased
TEXT = "The printers on level {n} keep jamming and nobody seems to know when they are fixed"


def fill(path: Path, n: int) -> None:
    """N messages with a verdict each from PEOPLE people; person 0 has ONE of them in a DM."""
    db = sqlite3.connect(path)
    now = datetime.now(UTC)
    with db:
        db.executemany(
            "INSERT INTO contacts (id, channel, pseudonym, created_at)"
            " VALUES (?, 'telegram', ?, ?)",
            [(i + 1, pseudonym(KEY.encode(), "telegram", f"u{i}"), now) for i in range(PEOPLE)],
        )
        db.executemany(
            "INSERT INTO contact_addresses (contact_id, platform_user_id, display_name)"
            " VALUES (?, ?, ?)",
            [(i + 1, f"u{i}", f"Person {i}") for i in range(PEOPLE)],
        )
        db.execute(
            "INSERT INTO conversations (id, channel, chat, thread, kind, extra, created_at)"
            " VALUES (1, 'telegram', 'group', '', 'group', '{}', ?)",
            (now,),
        )
        db.execute(
            "INSERT INTO conversations (id, channel, chat, thread, kind, extra, created_at)"
            " VALUES (2, 'telegram', 'u0', '', 'direct', '{}', ?)",
            (now,),
        )
        db.executemany(
            "INSERT INTO messages (id, channel, platform_id, kind, direction, conversation_id,"
            " contact_id, text, reply_ref, author, occurred_at, received_at, processed_at,"
            " attempts, last_error) VALUES (?, 'telegram', ?, 'message', 'in', ?, ?, ?, '', '',"
            " ?, ?, ?, 1, '')",
            (_message(i, now, max(2, n // ONE)) for i in range(n)),
        )
        db.executemany(
            "INSERT INTO classifications (message_id, sentiment, sentiment_scores, topic,"
            " topic_confidence, model_version, created_at) VALUES (?, 'negative',"
            " '{\"negative\": 0.9}', 'printing', 0.8, 'bench', ?)",
            ((i + 1, now) for i in range(n)),
        )
    db.close()


def _message(i: int, now: datetime, step: int) -> tuple[object, ...]:
    mine = i % step == 0 and i // step < ONE
    contact = 1 if mine else 2 + i % (PEOPLE - 1)
    at = now - timedelta(seconds=i)
    return (i + 1, f"m{i}", 2 if mine else 1, contact, TEXT.format(n=i), at, at, at)


def export_run(env: dict[str, str], out: Path, since: str = "") -> float:
    """Seconds for `python -m bot export messages` in its own process."""
    args = [sys.executable, "-m", "bot", "export", "messages", "--out", str(out)]
    start = time.perf_counter()
    subprocess.run(args + (["--since", since] if since else []), env=env, cwd=ROOT, check=True,
                   capture_output=True)  # fmt: skip
    return time.perf_counter() - start


async def erase_one(url: str) -> float:
    """Seconds to erase the person with ONE messages (checkpoint included)."""
    async with Store.open(url, pseudonym_key=KEY.encode()) as store:
        start = time.perf_counter()
        done = await store.rights.erase_person(
            who=Who(channel="telegram", user="u0"), actor="bench"
        )
        elapsed = time.perf_counter() - start
    assert done.touched["messages"] == ONE, done.touched
    return elapsed


def main() -> None:
    n = max(2 * ONE, int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        url = f"sqlite+aiosqlite:///{path}"
        upgrade(url)
        fill(path, n)
        env = {**os.environ, "FEEDBOT_DATABASE_URL": url, "FEEDBOT_STATE_DIR": tmp,
               "FEEDBOT_PSEUDONYM_KEY": KEY, "PYTHONPATH": str(ROOT)}  # fmt: skip
        idle = export_run(env, Path(tmp) / "none.csv", since="2999-01-01")
        total = export_run(env, Path(tmp) / "all.csv")
        rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rows = n
        print(f"export messages, {rows:,} rows (SQLite): {total:.1f} s in all, {idle:.1f} s of it"
              f" process start; {rows / total:,.0f} rows/s overall,"
              f" {rows / (total - idle):,.0f} rows/s exporting; peak RSS {rss_mb:.0f} MB"
              " (targets >= 50,000 rows/s, <= 200 MB)")  # fmt: skip
        took = asyncio.run(erase_one(url))
        print(
            f"erase one person with {ONE:,} messages among {rows:,}: {took:.2f} s (target <= 2 s)"
        )


if __name__ == "__main__":
    main()
