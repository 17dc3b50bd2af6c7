"""How a section plugs into the digest: a ``Section`` reads its own figures for the week (one
or a few aggregate queries of its own) and renders them; the digest carries each as a ``Part``
(its figures for JSON, its HTML for the page and the e-mail, its plain text for the e-mail's
text part and ``--format md``). Sections are listed once, in ``DigestConfig.sections`` (built in
``bot/wiring/digest.py``): adding one is a module with a class like the ones in
``handlers/digest/staff.py`` or ``trends.py`` and one line there."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from config.calendar import AcademicCalendar
from handlers.digest.week import IsoWeek
from models.store import Store


@dataclass(frozen=True)
class Context:
    """What every section knows about the digest being built."""

    week: IsoWeek
    start: datetime
    """The week's start (UTC)."""
    end: datetime
    """Where its figures stop (UTC): the week's end, or now while the week is in progress."""
    so_far: bool
    zone: ZoneInfo
    topic_names: Mapping[str, str]
    calendar: AcademicCalendar | None = None

    def topic(self, key: str) -> str:
        """A topic as people read it (its display name from config, else the key)."""
        return self.topic_names.get(key, key)


@dataclass(frozen=True)
class Chart:
    """A drawn chart: a Content-ID-safe name, the PNG, and what it shows in words."""

    name: str
    png: bytes
    alt: str


Sources = Mapping[str, Mapping[str, str]]
"""Each chart's ``src`` (a URL, a cid: or a data: URL, as the rendering needs) and ``alt``."""


@dataclass(frozen=True)
class Part:
    """A section as built: ``name`` is its key in the JSON form, ``data`` its figures (plain
    data: dataclasses, lists, dicts); ``html(base, charts)`` its body (escaped HTML; ``charts``
    says where each of its charts' images is) and ``text(base)`` its plain lines, every link
    with ``base`` before it (the public URL in e-mail, '' on the web page). ``charts``: drawn
    with the section (``handlers/digest/charts.py`` helpers), sent inline and served like the
    digest's own. ``first``: shown before the fixed sections (new themes, say).
    ``leads_only``: per-person figures, left out of the web page for agents."""

    name: str
    title: str
    data: Any
    html: Callable[[str, Sources], str]
    text: Callable[[str], list[str]]
    charts: tuple[Chart, ...] = ()
    first: bool = False
    leads_only: bool = False


class Section(Protocol):
    """A digest section of its own: figures from the store, then its rendering."""

    name: str

    async def build(self, store: Store, context: Context) -> Part | None:
        """The section for this week (None: nothing to show, left out)."""
        ...


def plain(data: Any) -> Any:
    """Figures as JSON-ready values (dataclasses turned into dicts)."""
    if dataclasses.is_dataclass(data) and not isinstance(data, type):
        return dataclasses.asdict(data)
    if isinstance(data, list | tuple):
        return [plain(d) for d in data]
    return data
