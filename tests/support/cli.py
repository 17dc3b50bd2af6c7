"""Running the CLI in-process as an operator would, and reading what it printed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import typer
from typer.testing import CliRunner

from bot.cli import build_cli

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Ran:
    """What a command printed and how it ended."""

    code: int
    stdout: str
    stderr: str


def base_env(tmp_path: Path, **settings: str) -> dict[str, str | None]:
    """FEEDBOT_* settings for a temp state folder plus the given ones (lower-case names)."""
    env: dict[str, str | None] = {
        "FEEDBOT_STATE_DIR": str(tmp_path / "var"),
        "FEEDBOT_CONFIG_FILE": str(ROOT / "config" / "feedbot.yaml"),
        "FEEDBOT_PSEUDONYM_KEY": "cli-test-pseudonym-key",
        "FEEDBOT_DATABASE_URL": None,
        "FEEDBOT_TELEGRAM_TOKEN": None,
        "FEEDBOT_SLACK_BOT_TOKEN": None,
        "COLUMNS": "200",
    }
    env.update({f"FEEDBOT_{k.upper()}": v for k, v in settings.items()})
    return env


def invoke(env: dict[str, str | None], *args: str, app: typer.Typer | None = None) -> Ran:
    """Run ``python -m bot ARGS`` in-process."""
    result = CliRunner().invoke(app or build_cli(), list(args), env=env)
    return Ran(result.exit_code, result.stdout, result.stderr)


def one_line_failure(ran: Ran) -> str:
    """The single stderr line of a failed command (asserting it failed, in one line)."""
    assert ran.code != 0, ran
    lines = ran.stderr.splitlines()
    assert len(lines) == 1, ran.stderr
    assert lines[0].startswith("feedbot: ") and "Traceback" not in ran.stdout + ran.stderr
    return lines[0]
