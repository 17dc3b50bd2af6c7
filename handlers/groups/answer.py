"""The answer to the optional group question: a person's vote on their own "which of these are
you?" poll places them in that group, source "asked", unless the library's list or their entry
point placed them already (stronger sources stay); "prefer not to say" places nobody (and, as
a changed answer, takes back a group they gave)."""

from __future__ import annotations

from collections import defaultdict

from bot.events import EventKind
from config.groups import CustomerGroups
from handlers.context import Context, Stage
from handlers.reach.once import PREFER_NOT
from models.store import Store


class AnswerGroup:
    """For each batch of votes: those answering the person's group question set their group."""

    name = "group_answer"
    stage = Stage.AFTER_STORE

    def __init__(self, store: Store, groups: CustomerGroups) -> None:
        self._store = store
        self._groups = groups

    def applies(self, ctx: Context) -> bool:
        return ctx.kind is EventKind.VOTE and ctx.contact_id is not None

    async def run(self, batch: list[Context]) -> None:
        answers = await self._store.reach.group_answers(message_ids=[c.message_id for c in batch])
        said: dict[str, list[int]] = defaultdict(list)
        for contact_id, option in sorted(answers.items()):
            if self._groups.known(option) or option == PREFER_NOT:
                said[option].append(contact_id)
        for group, contacts in sorted(said.items()):
            if group == PREFER_NOT:  # taken back, or never given: no group from them
                await self._store.people.unplace_asked(contact_ids=contacts)
            else:
                await self._store.people.place(contact_ids=contacts, group=group, source="asked")
