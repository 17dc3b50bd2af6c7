"""What `poll create` reads and refuses before anything is stored: the YAML file, its keys,
the opening and closing times, and channels this installation has not configured."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from bot.adapters import x
from bot.cli.errors import fail
from config.settings import Settings
from handlers.polls import PollRefused
from models.store.polls import Target

POLL_KEYS = (
    "question",
    "kind",
    "options",
    "to",
    "follow_up",
    "anonymous",
    "post_results",
    "live_results",
    "repeat_days",
)
CHANNEL_SETTINGS = {
    "slack": "FEEDBOT_SLACK_BOT_TOKEN",
    "telegram": "FEEDBOT_TELEGRAM_TOKEN",
    "x": "the four FEEDBOT_X_* keys",
}


def read_poll_file(path: Path) -> dict[str, Any]:
    """The poll file's keys, or a one-line failure saying what is wrong with the file."""
    try:
        raw = path.read_text(encoding="utf-8")
    except IsADirectoryError:
        fail(f"--file {path} is a folder, not a poll file")
    except UnicodeDecodeError:
        fail(f"--file {path} is not UTF-8 text")
    except OSError as exc:
        fail(f"--file {path}: cannot read it ({exc.strerror})")
    try:
        values = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        fail(f"--file {path} is not valid YAML: {_yaml_problem(exc)}")
    if values is None:
        return {}
    if not isinstance(values, dict):
        fail(
            f"--file {path} must hold keys ({', '.join(POLL_KEYS[:4])}, ...), not a {_kind(values)}"
        )
    check_keys(values, f"--file {path}")
    return values


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """Where and what the YAML error is, on one line."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}" if mark else str(problem)


def _kind(value: object) -> str:
    """A YAML value's kind in the file's terms."""
    return "list" if isinstance(value, list) else f"single value ({value!r:.40})"


def check_keys(values: Mapping[Any, Any], source: str) -> None:
    """Refuse keys a poll does not have (a typo would otherwise be silently ignored)."""
    unknown = sorted(str(k) for k in values if k not in POLL_KEYS)
    if unknown:
        fail(f"{source}: unknown key(s) {', '.join(unknown)}; a poll has {', '.join(POLL_KEYS)}")


def check_times(opens_at: datetime | None, closes_at: datetime | None) -> None:
    """Refuse a closing time in the past, or an opening time at or after the closing time."""
    if closes_at is None:
        return
    if closes_at <= datetime.now(UTC):
        raise PollRefused(f"--closes-at {closes_at:%Y-%m-%d %H:%M} UTC is in the past")
    if opens_at is not None and opens_at >= closes_at:
        raise PollRefused(
            f"--opens-at {opens_at:%Y-%m-%d %H:%M} is not before --closes-at"
            f" {closes_at:%Y-%m-%d %H:%M} (UTC)"
        )


def configured_channels(settings: Settings) -> set[str]:
    """The channels this installation can post to: the widget, and those with credentials."""
    present = {
        "slack": _set(settings.slack_bot_token),
        "telegram": _set(settings.telegram_token),
        "x": x.keys_from(settings) is not None,
    }
    return {"widget"} | {name for name, ok in present.items() if ok}


def check_configured(targets: Iterable[Target], settings: Settings) -> None:
    """Refuse a poll for a channel without credentials: it could never be delivered."""
    ready = configured_channels(settings)
    for channel in sorted({t.channel for t in targets} - ready):
        needs = CHANNEL_SETTINGS.get(channel, "its settings")
        raise PollRefused(f"{channel} is not configured here (set {needs}, then restart the bot)")


def _set(secret: Any) -> bool:
    """Whether an optional secret setting has a value."""
    return secret is not None and bool(secret.get_secret_value().strip())
