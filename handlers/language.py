"""The language step: each text message's language, stored with it, and its person's language
remembered from confident detections (for what the bot sends them later)."""

from __future__ import annotations

from handlers.classify import TEXT_KINDS
from handlers.context import Context, Stage
from models.language import language_of
from models.store import Store
from models.store.inbound.languages import Detected


class DetectLanguage:
    """Detect (offline, in microseconds) and store each text's language; put ``language`` and
    ``person_language`` on the context for the steps after it (triage, acknowledge)."""

    name = "language"
    stage = Stage.AFTER_STORE

    def __init__(self, store: Store) -> None:
        self._store = store

    def applies(self, ctx: Context) -> bool:
        return ctx.kind in TEXT_KINDS and bool(ctx.text.strip())

    async def run(self, batch: list[Context]) -> None:
        people = [c.contact_id for c in batch if c.contact_id is not None]
        known = await self._store.languages.of_people(contact_ids=people)
        detected = []
        for ctx in batch:
            person = ctx.contact_id
            ctx.language, confident = language_of(ctx.text, known.get(person or 0))
            if confident and person is not None:
                known[person] = ctx.language  # a later message in the batch sees it
            detected.append(Detected(ctx.message_id, person, ctx.language, confident))
            ctx.person_language = known.get(person) if person is not None else None
        await self._store.languages.save(detected=detected)
