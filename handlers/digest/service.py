"""The digest as the bot offers it: figures, charts and each rendering, for one week."""

from __future__ import annotations

import base64
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from handlers.digest import charts as drawing
from handlers.digest.build import DigestConfig, Timer, build_digest
from handlers.digest.charts import Chart
from handlers.digest.markdown import markdown
from handlers.digest.model import Digest
from handlers.digest.plain import plain
from handlers.digest.render import as_json, html
from handlers.digest.week import IsoWeek
from models.store import Store

Where = Literal["file", "mail", "web"]


@dataclass(frozen=True)
class Drawn:
    """A digest with its charts."""

    digest: Digest
    charts: list[Chart]

    def chart(self, name: str) -> Chart | None:
        """The chart of that name, if drawn."""
        return next((c for c in self.charts if c.name == name), None)


class Digests:
    """Builds and renders digests for the CLI, the web pages and the sender."""

    def __init__(self, store: Store, config: DigestConfig, *, library: str, base_url: str):
        self._store = store
        self.config = config
        self.library = library
        self.base_url = base_url.rstrip("/")

    async def figures(
        self, week: IsoWeek, timer: Timer | None = None, *, now: datetime | None = None
    ) -> Digest:
        """Every figure of the week as it stands at ``now`` (default: this moment)."""
        return await build_digest(self._store, week, self.config, timer, now=now)

    async def drawn(
        self, week: IsoWeek, timer: Timer | None = None, *, now: datetime | None = None
    ) -> Drawn:
        """The figures and their charts (drawn in a thread)."""
        digest = await self.figures(week, timer, now=now)
        charts = [*await drawing.draw(digest), *(c for p in digest.parts for c in p.charts)]
        if timer is not None:
            timer.lap("charts")
        return Drawn(digest, charts)

    def html(self, drawn: Drawn, where: Where, *, leads: bool = True) -> str:
        """HTML for a file (images inside), an e-mail (cid: images) or the web page (without
        the sections for leads only when ``leads`` is False: an agent reading it)."""
        sources = {c.name: _source(drawn.digest, c, where) for c in drawn.charts}
        base = "" if where == "web" else self.base_url
        digest = drawn.digest
        if not leads:
            digest = replace(digest, parts=[p for p in digest.parts if not p.leads_only])
        return html(
            digest,
            drawn.charts,
            sources,
            library=self.library,
            base=base,
            inline_css=where != "web",
        )

    def text(self, digest: Digest) -> str:
        """Plain text (the e-mail's text part): figures in words, one link to the page."""
        return plain(digest, library=self.library, base=self.base_url)

    def markdown(self, digest: Digest) -> str:
        """Markdown with tables and a full link behind every figure (``--format md``)."""
        return markdown(digest, library=self.library, base=self.base_url)

    def json(self, digest: Digest) -> str:
        """Every figure as JSON."""
        return as_json(digest)


def _source(digest: Digest, chart: Chart, where: Where) -> str:
    if where == "mail":
        return f"cid:{chart.name}.{digest.week}@feedbot"
    if where == "web":
        return f"{digest.page}/{chart.name}.png"
    return "data:image/png;base64," + base64.b64encode(chart.png).decode("ascii")
