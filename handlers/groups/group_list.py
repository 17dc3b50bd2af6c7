"""Reading the library's group list (CSV: channel,handle,group): every line checked before
anything is stored, each bad one named by its line number; handles hashed as they are read,
so the raw identifiers never reach the store."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from config.groups import CustomerGroups
from models.store.people.groups import ImportRow

CHANNELS = ("telegram", "slack", "x", "widget")
COLUMNS = ("channel", "handle", "group")
MAX_ERRORS = 10


class ListError(ValueError):
    """The list cannot be imported: what is wrong, line by line (nothing was stored)."""


def read_group_list(
    path: Path, groups: CustomerGroups, hashed: Callable[..., str]
) -> list[ImportRow]:
    """The list's rows, hashed; ListError naming the file's bad lines (then none is kept)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ListError(f"{path}: cannot read it: {exc}") from None
    reader = csv.DictReader(io.StringIO(text))
    header = tuple(h.strip().lower() for h in reader.fieldnames or ())
    if header[:3] != COLUMNS:
        raise ListError(f"{path}: the first line must be the columns {','.join(COLUMNS)}")
    rows, errors, keys = [], [], list(reader.fieldnames or ())[:3]
    for number, raw in enumerate(reader, start=2):
        channel, handle, group = (str(raw.get(k) or "").strip() for k in keys)
        problem = _problem(channel.lower(), handle, group, groups)
        if problem:
            errors.append(f"line {number}: {problem}")
            continue
        hashed_handle = hashed(channel=channel.lower(), handle=handle)
        rows.append(ImportRow(channel.lower(), hashed_handle, group))
    if errors:
        more = f" (and {len(errors) - MAX_ERRORS} more)" if len(errors) > MAX_ERRORS else ""
        shown = "; ".join(errors[:MAX_ERRORS])
        raise ListError(f"{path}: nothing imported: {shown}{more}")
    return rows


def _problem(channel: str, handle: str, group: str, groups: CustomerGroups) -> str:
    """What is wrong with one row ('' when nothing)."""
    if channel not in CHANNELS:
        return f"unknown channel {channel!r} (one of {', '.join(CHANNELS)})"
    if not handle.strip("@ "):
        return "no handle"
    if len(handle) > 255:
        return "the handle is longer than 255 characters"
    if not groups.known(group):
        return f"unknown group {group!r} (see customer_groups in the config)"
    return ""
