"""What `poll create` reads and refuses before anything is stored: the YAML file and its keys
(the poll's own rules are the use case's, in handlers/polls/drafting.py)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.cli.errors import fail

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
