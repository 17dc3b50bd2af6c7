"""Item changes, told as they happen (not polled): the use cases and the pipeline steps that
change queue items say so here, and listeners (the staff channel) follow."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Change:
    """Items changed by one action. ``what``: ``created``, ``joined``, ``reopened`` (by the
    person's message, in ``text``), or a staff action (``claim``, ``reply`` with its ``text``,
    ``resolve`` ..., ``note`` with its ``text``), or ``woke`` / ``csat`` (the bot). ``actor`` names
    the member of staff; ``via`` where they acted from when not the web inbox (``slack``)."""

    item_ids: tuple[int, ...]
    what: str
    actor: str = ""
    text: str = ""
    via: str = ""


class Listener(Protocol):
    """Something that follows item changes."""

    async def changed(self, change: Change) -> None:
        """React to a change; raising is logged, never undoes the change."""
        ...


class Changes:
    """Hands each change to every listener (built once, in the composition root)."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def listen(self, listener: Listener) -> None:
        """Follow changes from now on."""
        self._listeners.append(listener)

    async def changed(self, change: Change) -> None:
        """Tell every listener; one that fails is logged and the others still hear."""
        if not change.item_ids:
            return
        for listener in self._listeners:
            try:
                await listener.changed(change)
            except Exception:
                log.exception("item change %s of %s not followed", change.what, change.item_ids)
