"""The classify step: sentiment and topic for each free-text message, with the model version."""

from __future__ import annotations

from bot.events import EventKind
from handlers.context import Context, Stage
from models.classification import Classifier
from models.store import Store

TEXT_KINDS = frozenset({EventKind.MESSAGE, EventKind.EDIT})


class Classify:
    """Label the message; skipped when no classifier is configured."""

    name = "classify"
    stage = Stage.AFTER_STORE

    def __init__(self, classifier: Classifier | None, store: Store) -> None:
        self._classifier = classifier
        self._store = store

    def applies(self, ctx: Context) -> bool:
        return self._classifier is not None and ctx.kind in TEXT_KINDS and bool(ctx.text.strip())

    async def run(self, ctx: Context) -> bool:
        assert self._classifier is not None
        [verdict] = await self._classifier.classify([ctx.text])
        await self._store.save_classifications([(ctx.message_id, verdict)])
        return True
