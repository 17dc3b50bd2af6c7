"""Bad settings stop start-up with one line that names the setting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.library import load_library_config
from config.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ({"http_port": "eighty"}, "FEEDBOT_HTTP_PORT"),
        ({"http_port": 70000}, "FEEDBOT_HTTP_PORT"),
        ({"database_url": "mysql://x"}, "FEEDBOT_DATABASE_URL"),
        ({"max_message_chars": 0}, "FEEDBOT_MAX_MESSAGE_CHARS"),
        ({"pseudonym_key": "change-me"}, "FEEDBOT_PSEUDONYM_KEY"),
        ({"log_level": "LOUD"}, "FEEDBOT_LOG_LEVEL"),
        ({"classify_threads": 0}, "FEEDBOT_CLASSIFY_THREADS"),
        ({"staff_slack_mode": "replies"}, "FEEDBOT_STAFF_SLACK_MODE"),
        ({"staff_slack_channel": "#library-staff"}, "FEEDBOT_STAFF_SLACK_CHANNEL"),
    ],
)
def test_a_bad_value_names_the_setting(override: dict[str, object], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        load_settings(**override)


def test_the_default_store_is_sqlite_under_the_state_folder(tmp_path: Path) -> None:
    assert (
        load_settings(state_dir=tmp_path).database_url
        == f"sqlite+aiosqlite:///{tmp_path}/feedbot.db"
    )


def test_the_command_line_prints_one_line_and_no_traceback() -> None:
    env = {**os.environ, "FEEDBOT_HTTP_PORT": "eighty"}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "migrate"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("feedbot: FEEDBOT_HTTP_PORT: Input should be a valid integer")


def test_the_yaml_file_errors_name_the_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "feedbot.yaml"
    bad.write_text("library_name: hi\nwidget_titel: typo\n")
    with pytest.raises(SettingsError, match=r"FEEDBOT_CONFIG_FILE: .*widget_titel"):
        load_library_config(bad)
    with pytest.raises(SettingsError, match="cannot read"):
        load_library_config(tmp_path / "missing.yaml")
    bad.write_text("library_name: [unclosed\n")
    with pytest.raises(SettingsError, match="not valid YAML"):
        load_library_config(bad)


def test_the_shipped_yaml_is_valid() -> None:
    assert load_library_config(ROOT / "config" / "feedbot.yaml").acknowledgements.needs_person


def test_the_old_single_acknowledgement_is_refused_naming_its_replacement(tmp_path: Path) -> None:
    old = tmp_path / "feedbot.yaml"
    old.write_text("acknowledgement: Thanks, a member of staff will reply here.\n")
    with pytest.raises(SettingsError) as refused:
        load_library_config(old)
    assert str(refused.value).startswith(f"FEEDBOT_CONFIG_FILE: {old}: acknowledgement: replaced")
    assert "acknowledgements" in str(refused.value) and "Value error" not in str(refused.value)


def test_guidance_naming_campus_security_needs_its_number(tmp_path: Path) -> None:
    bad = tmp_path / "feedbot.yaml"
    bad.write_text("safety:\n  guidance: 'Call security on {security_number}'\n")
    with pytest.raises(SettingsError, match="safety: security_number: give campus security"):
        load_library_config(bad)
