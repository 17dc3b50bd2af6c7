"""The classify step: sentiment and topic for each free-text message, with the model version;
a message in a language the model cannot read is labelled unsure rather than guessed."""

from __future__ import annotations

from bot.events import EventKind
from handlers.context import Context, Stage
from models.classification import READABLE_LANGUAGES, Classifier, label_readable
from models.store import Store

TEXT_KINDS = frozenset({EventKind.MESSAGE, EventKind.EDIT})


class Classify:
    """Label the message; skipped when no classifier is configured."""

    name = "classify"
    stage = Stage.AFTER_STORE

    def __init__(
        self,
        classifier: Classifier | None,
        store: Store,
        readable: frozenset[str] = READABLE_LANGUAGES,
    ) -> None:
        self._classifier = classifier
        self._store = store
        self._readable = readable

    def applies(self, ctx: Context) -> bool:
        return self._classifier is not None and ctx.kind in TEXT_KINDS and bool(ctx.text.strip())

    async def run(self, batch: list[Context]) -> None:
        assert self._classifier is not None
        texts, languages = [c.text for c in batch], [c.language for c in batch]
        verdicts = await label_readable(self._classifier, texts, languages, self._readable)
        await self._store.classifications.save(
            verdicts=[(c.message_id, v) for c, v in zip(batch, verdicts, strict=True)]
        )
        for ctx, verdict in zip(batch, verdicts, strict=True):
            ctx.labels = verdict  # for the triage step
