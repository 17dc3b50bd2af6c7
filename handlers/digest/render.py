"""A digest as HTML (page and e-mail), Markdown (also the e-mail's plain text) and JSON."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from handlers import text_direction
from handlers.digest.charts import Chart
from handlers.digest.model import Digest
from handlers.digest.parts import plain

TEMPLATES = Path(__file__).parent / "templates"
NONE = "n/a"  # no figure to compare with


def pct(value: float | None) -> str:
    """'+12.5%', '-3%', or 'n/a' when there is nothing to compare with."""
    return NONE if value is None else f"{value:+g}%"


def signed(value: float | None) -> str:
    """'+40', '-10', or 'n/a'."""
    return NONE if value is None else f"{value:+g}"


def duration(seconds: float | None) -> str:
    """'45 min', '5 h 20 min', '3 d 4 h', or 'n/a'."""
    if seconds is None:
        return NONE
    minutes = round(seconds / 60)
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {mins} min" if hours else f"{mins} min"


@cache
def environment() -> Environment:
    """Jinja with autoescaping on for every template; ``shown`` for every person's text."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True)
    )
    env.filters.update(pct=pct, signed=signed, duration=duration)
    env.filters["shown"] = text_direction.shown
    return env


def css() -> str:
    """The digest's style sheet (inlined in e-mail, served as /static/digest.css)."""
    return (TEMPLATES / "digest.css").read_text(encoding="utf-8")


def html(
    digest: Digest,
    charts: list[Chart],
    sources: Mapping[str, str],
    *,
    library: str,
    base: str = "",
    inline_css: bool = False,
) -> str:
    """The HTML page; ``sources`` says where each chart's image is (a URL or a cid:)."""
    shown = {c.name: {"src": sources[c.name], "alt": c.alt} for c in charts}
    return (
        environment()
        .get_template("digest.html")
        .render(d=digest, charts=shown, library=library, base=base, css=css() if inline_css else "")
    )


def as_json(digest: Digest) -> str:
    """Every figure as JSON; each plugged-in section's figures under its own name."""
    fields = {f.name: getattr(digest, f.name) for f in dataclasses.fields(digest)}
    parts = fields.pop("parts")
    figures = {k: plain(v) for k, v in fields.items()}
    figures |= {p.name: plain(p.data) for p in parts}
    return json.dumps(figures, indent=2, ensure_ascii=False)
