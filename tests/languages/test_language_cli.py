"""The language parts of the CLI: staff languages (add, change, list), refusals in one line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bot.cli import build_cli
from tests.support.cli import base_env, invoke, one_line_failure
from tests.support.databases import SqliteTemplate

PASSWORD = "correct horse battery staple"


def test_staff_list_the_languages_they_read(
    tmp_path: Path, sqlite_template: SqliteTemplate
) -> None:
    env = base_env(tmp_path)
    sqlite_template.copy_to(tmp_path / "var" / "feedbot.db")
    add = ["staff", "add", "ana@lib.ac.uk", "--name", "Ana", "--role", "agent"]
    ran = CliRunner().invoke(
        build_cli(),
        [*add, "--languages", "en, CY", "--password-stdin"],
        env=env,
        input=PASSWORD,
    )
    assert ran.exit_code == 0 and ran.stdout.rstrip().endswith("active languages:en,cy")
    changed = invoke(env, "staff", "languages", "ana@lib.ac.uk", "cy,es")
    assert (changed.code, changed.stdout) == (0, "ana@lib.ac.uk reads cy, es\n")
    assert invoke(env, "staff", "list").stdout.rstrip().endswith("languages:cy,es")
    cleared = invoke(env, "staff", "languages", "ana@lib.ac.uk", "")
    assert cleared.stdout == "ana@lib.ac.uk reads no language set\n"
    assert "languages:" not in invoke(env, "staff", "list").stdout


def test_bad_languages_are_refused_in_one_line(
    tmp_path: Path, sqlite_template: SqliteTemplate
) -> None:
    env = base_env(tmp_path)
    sqlite_template.copy_to(tmp_path / "var" / "feedbot.db")
    bad = invoke(env, "staff", "languages", "ana@lib.ac.uk", "welsh")
    assert bad.code == 2 and "'welsh' is not an ISO 639-1 language code" in bad.stderr
    nobody = invoke(env, "staff", "languages", "nobody@lib.ac.uk", "cy")
    assert one_line_failure(nobody) == "feedbot: no staff account for nobody@lib.ac.uk"
    two = invoke(env, "queue", "list", "--language", "cy,es")
    assert two.code == 2 and "give one language code" in two.stderr
