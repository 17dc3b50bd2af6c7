"""The CLI loads only the data-rights group for a data-rights command (no chat SDKs, no chart
library: a big export starts fast and small), and every group for anything else."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import typer

from bot.cli import OWN_GROUP, build_cli

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("matplotlib", "slack_bolt", "telegram", "tweepy")


def names(app: typer.Typer) -> set[str]:
    """The top-level command names of a built CLI."""
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    return set(group.commands)


def test_a_data_rights_command_loads_its_group_alone() -> None:
    probe = (
        "import sys; from bot.cli import build_cli; build_cli('export');"
        f" print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    ran = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert ran.stdout.strip() == "[]", ran.stdout
    assert names(build_cli("export")) == set(OWN_GROUP)


def test_any_other_command_gets_every_group() -> None:
    every = names(build_cli())
    assert set(OWN_GROUP) | {"run", "migrate", "messages", "queue", "staff", "digest"} <= every
    assert names(build_cli("messages")) == every == names(build_cli("no-such-command"))
