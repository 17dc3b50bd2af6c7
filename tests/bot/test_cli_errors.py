"""Every CLI failure is one line on stderr and a non-zero exit, never a traceback; what would
fail later (a past closing time, an unconfigured channel, a typo in a poll file) is refused now."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import build_cli
from tests.support.cli import ROOT, base_env, invoke, one_line_failure
from tests.support.databases import SqliteTemplate

POLL = ("poll", "create", "-q", "Open on Sundays?", "--kind", "yes_no", "--to", "widget")
UNREACHABLE_PG = "postgresql+asyncpg://postgres@127.0.0.1:1/feedbot"


@pytest.fixture
def env(tmp_path: Path, sqlite_template: SqliteTemplate) -> dict[str, str | None]:
    """Settings for a migrated SQLite store in a temp folder."""
    sqlite_template.copy_to(tmp_path / "var" / "feedbot.db")
    return base_env(tmp_path)


def poll_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "poll.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_missing_poll_file(env: dict[str, str | None], tmp_path: Path) -> None:
    line = one_line_failure(invoke(env, "poll", "create", "--file", str(tmp_path / "nope.yaml")))
    assert (
        line
        == f"feedbot: --file {tmp_path / 'nope.yaml'}: cannot read it (No such file or directory)"
    )


def test_a_folder_as_poll_file(env: dict[str, str | None], tmp_path: Path) -> None:
    line = one_line_failure(invoke(env, "poll", "create", "--file", str(tmp_path)))
    assert line == f"feedbot: --file {tmp_path} is a folder, not a poll file"


def test_a_poll_file_that_is_not_yaml(env: dict[str, str | None], tmp_path: Path) -> None:
    path = poll_file(tmp_path, "question: [Open on Sundays?\nkind: yes_no\n")
    line = one_line_failure(invoke(env, "poll", "create", "--file", path))
    assert line == (
        f"feedbot: --file {path} is not valid YAML: line 1, column 27:"
        " expected ',' or ']', but got '?'"
    )


def test_a_poll_file_holding_a_list(env: dict[str, str | None], tmp_path: Path) -> None:
    path = poll_file(tmp_path, "- question: Open on Sundays?\n- kind: yes_no\n")
    line = one_line_failure(invoke(env, "poll", "create", "--file", path))
    assert (
        line
        == f"feedbot: --file {path} must hold keys (question, kind, options, to, ...), not a list"
    )


def test_unknown_keys_in_a_poll_file(env: dict[str, str | None], tmp_path: Path) -> None:
    path = poll_file(
        tmp_path, "question: Open on Sundays?\nkind: yes_no\nto: [widget]\nclose_at: x\n"
    )
    line = one_line_failure(invoke(env, "poll", "create", "--file", path))
    assert line.startswith(f"feedbot: --file {path}: unknown key(s) close_at; a poll has question,")


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("anonymous: maybe", "anonymous must be true or false, not 'maybe'"),
        ("repeat_days: weekly", "repeat_days must be a whole number of days (1 or more)"),
        ("options: {a: 1}", "options must be a list of words, e.g. options: [a, b]"),
    ],
)
def test_a_poll_file_value_of_the_wrong_kind(
    env: dict[str, str | None], tmp_path: Path, line: str, problem: str
) -> None:
    path = poll_file(tmp_path, f"question: Open on Sundays?\nkind: single\nto: widget\n{line}\n")
    assert one_line_failure(invoke(env, "poll", "create", "--file", path)) == (
        f"feedbot: --file {path}: {problem}"
    )


def test_a_single_target_may_be_written_without_a_list(
    env: dict[str, str | None], tmp_path: Path
) -> None:
    path = poll_file(tmp_path, "question: Open on Sundays?\nkind: yes_no\nto: widget\n")
    assert invoke(env, "poll", "create", "--file", path).stdout == "1\n"


def test_a_closing_time_in_the_past(env: dict[str, str | None]) -> None:
    line = one_line_failure(invoke(env, *POLL, "--closes-at", "2020-01-01T09:00"))
    assert line == "feedbot: poll refused: --closes-at 2020-01-01 09:00 UTC is in the past"


def test_an_opening_time_after_the_closing_time(env: dict[str, str | None]) -> None:
    when = ("--opens-at", "2999-02-01T09:00", "--closes-at", "2999-01-01T09:00")
    line = one_line_failure(invoke(env, *POLL, *when))
    assert line == (
        "feedbot: poll refused: --opens-at 2999-02-01 09:00 is not before --closes-at"
        " 2999-01-01 09:00 (UTC)"
    )
    assert invoke(env, "poll", "list").stdout.count("Open on Sundays?") == 0  # nothing stored


def test_an_unknown_outbox_status(env: dict[str, str | None]) -> None:
    ran = invoke(env, "outbox", "list", "--status", "bogus")
    line = one_line_failure(ran)
    assert ran.code == 2 and "'bogus' is not one of 'pending', 'sent', 'failed'" in line
    assert line.startswith("feedbot: Invalid value for '--status'") and line.endswith("--help`)")


def test_a_poll_for_a_channel_that_is_not_configured(env: dict[str, str | None]) -> None:
    ran = invoke(
        env, "poll", "create", "-q", "Open late?", "--kind", "yes_no", "--to", "telegram:-1001"
    )
    assert one_line_failure(ran) == (
        "feedbot: poll refused: telegram is not configured here"
        " (set FEEDBOT_TELEGRAM_TOKEN, then restart the bot)"
    )


def test_sending_a_poll_whose_channel_is_no_longer_configured(
    env: dict[str, str | None],
) -> None:
    configured = {**env, "FEEDBOT_TELEGRAM_TOKEN": "123:abc"}
    made = invoke(
        configured, "poll", "create", "-q", "Open?", "--kind", "yes_no", "--to", "telegram:-1"
    )
    assert made.code == 0
    line = one_line_failure(invoke(env, "poll", "send", made.stdout.strip()))
    assert line.startswith("feedbot: telegram is not configured here")
    assert '"status": "draft"' in invoke(env, "poll", "results", "1", "--json").stdout


@pytest.mark.parametrize("command", [("messages", "list"), ("run",), ("migrate",)])
def test_an_unreachable_postgresql(tmp_path: Path, command: tuple[str, ...]) -> None:
    line = one_line_failure(invoke(base_env(tmp_path, database_url=UNREACHABLE_PG), *command))
    assert line.startswith(
        "feedbot: cannot open the database FEEDBOT_DATABASE_URL="
        "postgresql+asyncpg://postgres@127.0.0.1:1/feedbot: "
    )


@pytest.mark.parametrize("command", [("messages", "list"), ("run",), ("migrate",)])
def test_a_sqlite_path_that_is_a_folder(tmp_path: Path, command: tuple[str, ...]) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}"
    line = one_line_failure(invoke(base_env(tmp_path, database_url=url), *command))
    assert line == f"feedbot: FEEDBOT_DATABASE_URL names a folder, not a database file: {tmp_path}"


@pytest.mark.parametrize("command", [("messages", "list"), ("migrate",)])
def test_a_sqlite_path_in_a_missing_folder(tmp_path: Path, command: tuple[str, ...]) -> None:
    missing = tmp_path / "no" / "such"
    url = f"sqlite+aiosqlite:///{missing / 'feedbot.db'}"
    line = one_line_failure(invoke(base_env(tmp_path, database_url=url), *command))
    assert line == (
        f"feedbot: FEEDBOT_DATABASE_URL: the folder {missing} does not exist; create it or"
        " correct the setting (feedbot creates only FEEDBOT_STATE_DIR)"
    )
    assert not missing.exists()


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    ran = invoke(base_env(tmp_path, database_url=f"sqlite+aiosqlite:///{junk}"), "messages", "list")
    assert "file is not a database" in one_line_failure(ran)


def test_whatever_a_command_raises_is_one_line(tmp_path: Path) -> None:
    app = build_cli()

    @app.command("boom")
    def boom() -> None:
        raise RuntimeError("something unforeseen\nwith a second line")

    line = one_line_failure(invoke(base_env(tmp_path), "boom", app=app))
    assert line == (
        "feedbot: RuntimeError: something unforeseen (FEEDBOT_LOG_LEVEL=DEBUG shows where)"
    )


def test_migrate_says_what_it_applied(tmp_path: Path) -> None:
    env = base_env(tmp_path)
    first = invoke(env, "migrate")
    assert first.code == 0 and first.stdout.startswith("applied 0001, 0002, ")
    again = invoke(env, "migrate")
    assert again.code == 0 and again.stdout.startswith("already up to date (schema ")


def test_the_real_entry_point_prints_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in base_env(tmp_path, database_url=UNREACHABLE_PG).items() if v}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "messages", "list"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith("feedbot: cannot open")


def test_a_bare_group_still_shows_its_help(tmp_path: Path) -> None:
    ran = invoke(base_env(tmp_path), "outbox")
    assert "Outgoing messages and their delivery." in ran.stdout + ran.stderr
    assert "Traceback" not in ran.stdout + ran.stderr
