"""Processes started at once on one fresh PostgreSQL database each migrate it without tripping
over the other: the upgrade takes a lock, and the next finds nothing to do. (Several processes
share PostgreSQL; a SQLite file belongs to one process.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from models.store.migrate import current, head
from tests.fakes.process import ROOT, bot_env


def test_concurrent_migrations_of_a_fresh_database_all_succeed(
    empty_db_url: str, tmp_path: Path
) -> None:
    if empty_db_url.startswith("sqlite"):
        pytest.skip("a SQLite file belongs to one process")
    env = bot_env(database_url=empty_db_url, state_dir=str(tmp_path / "var"))
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "migrate"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(3)
    ]
    outputs = [run.communicate(timeout=120)[0].decode() for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    assert sum("applied" in out for out in outputs) >= 1
    assert current(empty_db_url) == head()
