"""Reading a platform's JSON defensively: a field of the wrong type reads as absent."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Payload = Mapping[str, Any]
_EMPTY: Payload = {}


def obj(value: object) -> Payload:
    """``value`` when it is a JSON object, else an empty one."""
    return value if isinstance(value, Mapping) else _EMPTY


def objs(value: object) -> list[Payload]:
    """The JSON objects in ``value`` when it is a list (other items left out), else none."""
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list | tuple) else []


def text(value: object) -> str:
    """``value`` as a string when it is a string or a whole number, else ""."""
    if isinstance(value, str):
        return value
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else ""
