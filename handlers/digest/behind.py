"""The messages behind a digest figure, for staff who may read the queue: the use case checks
the role, reads the count and a page of the very messages the figure counted."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.inbox.roles import Actor, require
from models.store import Store
from models.store.digest.behind import Behind, Listed

PER_PAGE = 50


@dataclass(frozen=True)
class Page:
    """How many messages are behind the figure, and one page of them."""

    total: int
    rows: list[Listed]


async def messages_behind(store: Store, actor: Actor, behind: Behind, *, page: int = 1) -> Page:
    """The count and the ``page``-th page (newest first) of the messages behind a figure."""
    require(actor, "read")
    total = await store.digest.behind_count(behind=behind)
    rows = await store.digest.behind(
        behind=behind, limit=PER_PAGE, offset=(max(page, 1) - 1) * PER_PAGE
    )
    return Page(total, rows)
