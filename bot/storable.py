"""Making a stranger's text storable: pure, stdlib only, imports nothing of ours.

Storable text is valid Unicode scalar values (no lone surrogates) without NUL or other control
characters (newline and tab stay; ``\\r\\n`` and a lone ``\\r`` become ``\\n``). Ids and names are
at most ``MAX_ID_CHARS`` characters, counted after decoding. ``storable`` applies this to every
string of a frozen event dataclass (nested addresses, votes, mappings and tuples too) and makes
its times timezone-aware UTC, so the store can keep any event an adapter hands it.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import re
from collections.abc import Hashable, Mapping
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any, TypeVar, cast

T = TypeVar("T")
MAX_ID_CHARS = 255
LONG_TEXT_FIELDS = frozenset({"text"})
"""Fields kept at any length (stored as TEXT); every other string is an id, name or key."""

_NEEDS_WORK = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_NEWLINES = re.compile("\r\n?")
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f]")


class Unstorable(ValueError):
    """An event that cannot be stored because of its own content (the sender's fault)."""


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored as given, or None when it can (``\\r`` is normalised)."""
    if (bad := _SURROGATE.search(text)) is not None:
        return f"is not valid Unicode (lone surrogate U+{ord(bad.group()):04X})"
    if (bad := _CONTROL.search(text)) is not None:
        return f"contains a control character (U+{ord(bad.group()):04X})"
    return None


def clean_text(text: str) -> str:
    """``text`` made storable: lone surrogates → U+FFFD, controls dropped, newlines normalised."""
    if not _NEEDS_WORK.search(text):
        return text
    text = _SURROGATE.sub("\ufffd", _NEWLINES.sub("\n", text))
    return _CONTROL.sub("", text)


def clean_id(value: str, limit: int = MAX_ID_CHARS) -> str:
    """A storable id or name of at most ``limit`` characters; a longer one keeps a stable hash."""
    value = clean_text(value)
    if len(value) <= limit:
        return value
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]
    return f"{value[: limit - 33]}~{digest}"


def storable(event: T) -> T:
    """``event`` (a dataclass) with every string cleaned and every time aware UTC."""
    return _clean(event, "")  # type: ignore[no-any-return]


def problems(value: object, path: str = "event") -> list[str]:
    """Where ``value`` holds something the store cannot keep: ``[]`` when it is storable."""
    return _walk(value, path)


_AS_THEY_ARE = frozenset({type(None), int, bool})


def _clean(value: Any, name: str) -> Any:
    """Clean one value found in field ``name`` (the common exact types checked first: this runs
    for every field of every event, on the way in)."""
    kind = type(value)
    if kind is str:
        return clean_text(value) if name in LONG_TEXT_FIELDS else clean_id(value)
    if kind in _AS_THEY_ARE or isinstance(value, enum.Enum):
        return value
    if isinstance(value, str):
        return clean_text(value) if name in LONG_TEXT_FIELDS else clean_id(value)
    if isinstance(value, int):
        return value
    if isinstance(value, datetime):
        return _utc(value)
    if isinstance(value, Mapping):
        return _clean_mapping(value, name)
    if isinstance(value, tuple):
        cleaned = tuple(_clean(v, name) for v in value)
        return value if all(a is b for a, b in zip(value, cleaned, strict=True)) else cleaned
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _clean_dataclass(value)
    return value


def _clean_mapping(value: Mapping[Any, Any], name: str) -> Mapping[Any, Any]:
    """A read-only copy with cleaned keys and values; the same mapping when nothing changed."""
    items = [(k, v, _clean(k, name), _clean(v, name)) for k, v in value.items()]
    if all(k is nk and v is nv for k, v, nk, nv in items):
        return value
    return MappingProxyType({nk: nv for _, _, nk, nv in items})


def _clean_dataclass(value: Any) -> Any:
    """A copy with cleaned fields; the same object when nothing needed cleaning."""
    changes = {}
    for name in _field_names(cast(Hashable, type(value))):
        old = getattr(value, name)
        if (new := _clean(old, name)) is not old:
            changes[name] = new
    return dataclasses.replace(value, **changes) if changes else value


@functools.cache
def _field_names(kind: Hashable) -> tuple[str, ...]:
    """A dataclass's field names (``dataclasses.fields`` rebuilds its tuple on every call)."""
    return tuple(f.name for f in dataclasses.fields(cast(Any, kind)))


def _utc(when: datetime) -> datetime:
    """Aware UTC; a naive time is taken as UTC, one that cannot be expressed in UTC is now."""
    if when.tzinfo is UTC:
        return when
    try:
        return when.astimezone(UTC) if when.tzinfo is not None else when.replace(tzinfo=UTC)
    except (OverflowError, ValueError):
        return datetime.now(UTC)


def _walk(value: Any, path: str) -> list[str]:
    """The paths below ``value`` that are not storable."""
    if isinstance(value, enum.Enum):
        return []
    if isinstance(value, str):
        limit = None if path.rsplit(".", 1)[-1] in LONG_TEXT_FIELDS else MAX_ID_CHARS
        too_long = limit is not None and len(value) > limit
        return [path] if text_problem(value) or "\r" in value or too_long else []
    if isinstance(value, datetime):
        return [] if value.tzinfo is not None and value.utcoffset() == timedelta(0) else [path]
    if isinstance(value, Mapping):
        return [p for k, v in value.items() for p in _walk(k, path) + _walk(v, path)]
    if isinstance(value, tuple):
        return [p for v in value for p in _walk(v, path)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return [p for f in fields for p in _walk(getattr(value, f.name), f"{path}.{f.name}")]
    return []
