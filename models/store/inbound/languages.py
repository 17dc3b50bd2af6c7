"""Languages in the store: each message's detected language, and a person's language (their
last confident detection), which later messages to them (CSAT, polls, notices) are worded in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from models.store.runner import Runner
from models.store.tables import Contact, Message


@dataclass(frozen=True, slots=True)
class Detected:
    """One message's language; ``confident`` ones also become its person's language."""

    message_id: int
    contact_id: int | None
    language: str
    confident: bool


def save(conn: Connection, detected: Sequence[Detected]) -> None:
    """Set each message's language; a confident detection sets its person's language too."""
    if not detected:
        return
    conn.execute(
        update(Message).where(Message.id == bindparam("mid")).values(language=bindparam("lang")),
        [{"mid": d.message_id, "lang": d.language} for d in detected],
    )
    people = {d.contact_id: d.language for d in detected if d.confident and d.contact_id}
    if people:
        conn.execute(
            update(Contact)
            .where(Contact.id == bindparam("cid"))
            .values(language=bindparam("lang")),
            [{"cid": c, "lang": lang} for c, lang in sorted(people.items())],
        )


def of_people(conn: Connection, contact_ids: Sequence[int]) -> dict[int, str]:
    """The known language of each of these people (those with none are left out)."""
    if not contact_ids:
        return {}
    rows = conn.execute(
        select(Contact.id, Contact.language).where(
            Contact.id.in_(sorted(set(contact_ids))), Contact.language.is_not(None)
        )
    )
    return {int(c): str(lang) for c, lang in rows.all()}


class LanguageStore:
    """``store.languages``: messages' languages and people's languages, keyword-only."""

    def __init__(self, *, derived: Runner) -> None:
        self._db = derived

    async def save(self, *, detected: Sequence[Detected]) -> None:
        """Store messages' languages (and people's, from confident detections), in one go."""
        await self._db.write(save, detected)

    async def of_people(self, *, contact_ids: Sequence[int]) -> dict[int, str]:
        """People's known languages by contact id; someone not known yet is absent."""
        return await self._db.read(of_people, contact_ids)

    async def of_person(self, *, contact_id: int) -> str | None:
        """One person's known language (ISO 639-1), or None when not known yet."""
        return (await self._db.read(of_people, [contact_id])).get(contact_id)
