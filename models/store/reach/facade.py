"""``store.reach``: the contact ledger, segments, targeted sends, the panel, re-engagement
consent and the once-only questions, keyword-only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.events import Address
from models.store.reach import audience, ledger, panel, questions, segment, sends
from models.store.reach.audience import Person
from models.store.reach.questions import Asking, OnceAsk
from models.store.reach.segment import Segment
from models.store.reach.sends import Delivery, SendRecord
from models.store.runner import Runner


class ReachStore:
    """Contacts the bot made (for the per-person cap), who an audience is and how to reach
    them, the sends made to audiences, the advisory panel and re-engagement consent."""

    def __init__(self, *, durable: Runner, derived: Runner) -> None:
        self._durable = durable
        self._db = derived

    async def record(
        self, *, contact_ids: Sequence[int], kind: str, ref: str = "", at: datetime
    ) -> None:
        """Note one contact of ``kind`` with each of these contacts at ``at``."""
        await self._durable.write(ledger.record, contact_ids, kind, ref, at)

    async def asked_since(
        self, *, since: datetime, contact_ids: Sequence[int] | None = None
    ) -> dict[int, int]:
        """Contacts made per contact since a time (``contact_ids=None``: everyone asked)."""
        return await self._db.read(ledger.asked_since, contact_ids, since)

    async def came_back(self, *, kind: str, since: datetime, until: datetime) -> tuple[int, int]:
        """People reached out to with ``kind`` in the window, and how many of them wrote since."""
        return await self._db.read(ledger.came_back, kind, since, until)

    async def count(self, *, segment: Segment, until: datetime) -> int:
        """How many contacts a segment holds."""
        return await self._db.read(segment_count, segment, until)

    async def audience(
        self, *, segment: Segment, until: datetime, asked_from: datetime
    ) -> list[Person]:
        """Everyone in the segment with where they can be reached, their opt-out and how often
        they were asked since ``asked_from``."""
        return await self._db.read(_audience, segment, until, asked_from)

    async def send(self, *, send: SendRecord, deliveries: Sequence[Delivery]) -> int:
        """Record a send and queue its messages, in one transaction; the send's id."""
        return await self._durable.write(sends.record, send, deliveries)

    async def tally(self, *, send_id: int) -> dict[str, int]:
        """Told, replied and answered, for one send ({} when there is no such send)."""
        return await self._db.read(sends.tally, send_id)

    async def recent(self, *, limit: int = 20) -> list[dict[str, Any]]:
        """The latest sends with their reports and tallies."""
        return await self._db.read(sends.recent, limit)

    async def join_panel(self, *, contact_id: int, via: str) -> bool:
        """Add a person to the panel (False: already on it)."""
        return await self._durable.write(panel.join, contact_id, via)

    async def leave_panel(self, *, contact_id: int) -> bool:
        """Take a person off the panel (False: not on it)."""
        return await self._durable.write(panel.leave, contact_id)

    async def panel_members(self) -> list[tuple[str | None, str, datetime]]:
        """(group, pseudonym, joined) of each member."""
        return await self._db.read(panel.members)

    async def panel_by_group(self) -> dict[str, int]:
        """Members per customer group ("" for no known group)."""
        return await self._db.read(panel.by_group)

    async def ask_consent(
        self, *, contact_id: int, address: Address, ask: OnceAsk, language: str
    ) -> bool:
        """Ask "may we contact you again?" once (False: asked before, or opted out)."""
        asking = Asking(contact_id, address, language)
        return bool(await self.ask_once_many(people=[asking], asks=[ask]))

    async def ask_once_many(
        self,
        *,
        people: Sequence[Asking],
        asks: Sequence[OnceAsk],
        cap: tuple[int, timedelta] | None = None,
    ) -> dict[int, str]:
        """Ask each of these people the first once-only question they were never asked, in one
        durable transaction; contact id → topic asked (none for a person asked everything,
        opted out, capped, or whose vote answers one of them)."""
        return await self._durable.write(questions.ask_once_many, people, asks, cap)

    async def still_to_ask(self, *, contact_ids: Sequence[int], topics: Sequence[str]) -> set[int]:
        """Those of these contacts with a once-only question of ``topics`` never asked."""
        return await self._db.read(questions.still_to_ask, contact_ids, topics)

    async def group_answers(self, *, message_ids: Sequence[int]) -> dict[int, str]:
        """Contact → option, for these votes that answer the person's own group question."""
        return await self._db.read(questions.group_answers, message_ids)

    async def vote_options(self, *, message_ids: Sequence[int]) -> dict[int, list[str]]:
        """The options each of these vote events chose, once counted."""
        return await self._db.read(panel.vote_options, message_ids)

    async def consented(self, *, contact_ids: Sequence[int] | None = None) -> list[int]:
        """The contacts who said yes to being contacted again."""
        return await self._db.read(panel.consented, contact_ids)


def segment_count(conn: Any, seg: Segment, until: datetime) -> int:
    """How many contacts the segment holds."""
    return segment.count(conn, seg, until)


def _audience(conn: Any, seg: Segment, until: datetime, asked_from: datetime) -> list[Person]:
    return audience.people(conn, segment.matching(conn, seg, until), asked_from)
