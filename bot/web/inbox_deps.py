"""What the inbox pages need, in one value built by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.templating import Jinja2Templates

from models.store import Store


@dataclass(frozen=True)
class InboxDeps:
    """The store, the templates and the library's name."""

    store: Store
    templates: Jinja2Templates
    library_name: str
