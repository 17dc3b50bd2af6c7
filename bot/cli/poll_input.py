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
from handlers.polls.service import PollRefused
from models.store.polls.definitions import Target

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
    values = _parse(path, _text(path))
    if values is None:
        return {}
    if not isinstance(values, dict):
        keys = ", ".join(POLL_KEYS[:4])
        fail(f"--file {path} must hold keys ({keys}, ...), not a {_kind(values)}")
    return check_values(values, f"--file {path}")


def _text(path: Path) -> str:
    """The file's text, or a one-line failure (missing, a folder, unreadable, not UTF-8)."""
    try:
        return path.read_text(encoding="utf-8")
    except IsADirectoryError:
        fail(f"--file {path} is a folder, not a poll file")
    except UnicodeDecodeError:
        fail(f"--file {path} is not UTF-8 text")
    except OSError as exc:
        fail(f"--file {path}: cannot read it ({exc.strerror})")


def _parse(path: Path, text: str) -> object:
    """The YAML document, or a one-line failure saying where it is malformed."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        fail(f"--file {path} is not valid YAML: {_yaml_problem(exc)}")


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """Where and what the YAML error is, on one line."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}" if mark else str(problem)


def _kind(value: object) -> str:
    """A YAML value's kind in the file's terms."""
    return "list" if isinstance(value, list) else f"single value ({value!r:.40})"


def check_values(values: Mapping[Any, Any], source: str) -> dict[str, Any]:
    """The poll's keys with their values checked: unknown keys (a typo would otherwise be
    silently ignored) and values of the wrong kind are refused, naming the key."""
    unknown = sorted(str(k) for k in values if k not in POLL_KEYS)
    if unknown:
        fail(f"{source}: unknown key(s) {', '.join(unknown)}; a poll has {', '.join(POLL_KEYS)}")
    return {str(k): _checked(str(k), v, source) for k, v in values.items() if v is not None}


def _checked(key: str, value: Any, source: str) -> Any:
    """One value in the form the poll takes, or a one-line failure naming the key."""
    if key in ("question", "kind", "follow_up"):
        return str(value)
    if key in ("options", "to"):
        items = [value] if isinstance(value, str) else value
        if isinstance(items, list) and all(isinstance(i, str | int | float) for i in items):
            return [str(i) for i in items]
        fail(f"{source}: {key} must be a list of words, e.g. {key}: [a, b]")
    if key == "repeat_days":
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            return value
        fail(f"{source}: repeat_days must be a whole number of days (1 or more)")
    if isinstance(value, bool):
        return value
    fail(f"{source}: {key} must be true or false, not {value!r:.40}")


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
