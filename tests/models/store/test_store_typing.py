"""The checker sees through the store: a wrong keyword to a store call is a mypy error, both on an
area facade (``store.polls.get``) and on a query function run through the runner
(``store.read`` / ``Runner.write``), while the right calls pass. One small sample file, checked
with the project's own mypy settings and cache (fast once ``make lint`` has run)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mypy import api

from tests.fakes.process import ROOT

SAMPLE = """\
from models.store import Store
from models.store.polls.definitions import create, get
from models.store.runner import Runner


async def right(store: Store, runner: Runner) -> None:
    await store.polls.get(poll_id=1)
    await store.read(get, 1)
    await runner.write(create, targets=[], options=[], question="q", kind="csat")


async def wrong(store: Store, runner: Runner) -> None:
    await store.polls.get(poll=1)  # WRONG facade keyword
    await store.read(get, poll=1)  # WRONG query keyword through the runner
    await runner.write(create, targets=[], options=[], question="q", kind="k", hue="red")  # WRONG
"""


def test_a_wrong_keyword_to_a_store_call_is_a_type_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(SAMPLE)
    monkeypatch.chdir(ROOT)
    out, err, status = api.run(
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            "--no-error-summary",
            str(sample),
        ]
    )
    wrong_lines = {n for n, line in enumerate(SAMPLE.splitlines(), 1) if "# WRONG" in line}
    flagged = {int(m) for m in re.findall(r"sample\.py:(\d+): error", out)}
    assert status == 1, out + err
    assert flagged == wrong_lines, out
    assert 'Unexpected keyword argument "poll"' in out
    assert 'Unexpected keyword argument "hue"' in out
