"""The staff queue's store area (``store.inbox``): keyword-only, each call one transaction.
Staff actions take ``actor_id`` and write their audit_log rows in that same transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from models.store.bridge.once import once as once_only
from models.store.inbox import actions, queue_reads
from models.store.inbox import moves as inbox_moves
from models.store.inbox import page as inbox_page
from models.store.inbox import reply as inbox_reply
from models.store.inbox import route as inbox_route
from models.store.inbox import staff as inbox_staff
from models.store.inbox.moves import Move, SplitOff
from models.store.inbox.reply import Awaiting, CsatAsk
from models.store.inbox.staff import Member
from models.store.inbox.types import (
    Canned,
    ClaimResult,
    CsatAnswer,
    Incoming,
    ItemPage,
    ItemRow,
    ItemView,
    QueueFilter,
    Routed,
)
from models.store.runner import Runner


class InboxStore:
    """Queue items, their replies and notes, CSAT and canned replies."""

    def __init__(self, runner: Runner, *, durable: Runner | None = None) -> None:
        self._derived = runner  # routing: re-run from the stored events if a crash loses it
        self._db = durable or runner  # what staff did: durable before we answer them

    # -- the pipeline ------------------------------------------------------------------------

    async def route(self, *, incoming: Sequence[Incoming]) -> list[Routed]:
        """Create, join or reopen each message's item (one per person per conversation)."""
        return await self._derived.write(inbox_route.route, list(incoming))

    async def follow_up_answers(
        self, *, message_ids: Sequence[int]
    ) -> dict[int, tuple[str, list[str]]]:
        """Messages that answer a poll's follow-up: (poll kind, vote options) each."""
        return await self._db.read(inbox_route.follow_up_answers, list(message_ids))

    async def awaiting_csat(self, *, contact_ids: Sequence[int], since: datetime) -> list[Awaiting]:
        """Satisfaction questions these people have not answered yet."""
        return await self._db.read(inbox_reply.awaiting_csat, list(contact_ids), since=since)

    async def record_csat(self, *, message_ids: Sequence[int]) -> list[CsatAnswer]:
        """Store the satisfaction answers among these vote events against their items."""
        return await self._derived.write(inbox_reply.record_csat, list(message_ids))

    async def wake_snoozed(self, *, now: datetime) -> list[int]:
        """Wake items whose snooze ran out; their ids."""
        return await self._db.write(actions.wake_snoozed, now=now)

    # -- reading -----------------------------------------------------------------------------

    async def listing(
        self, *, filter: QueueFilter, limit: int = 50, offset: int = 0
    ) -> list[ItemRow]:
        """Items a filter picks, soonest due first."""
        return await self._db.read(queue_reads.listing, filter, limit=limit, offset=offset)

    async def count(self, *, filter: QueueFilter) -> int:
        """How many items a filter picks."""
        return await self._db.read(queue_reads.count, filter)

    async def counts(
        self, *, staff_id: int | None, now: datetime, new_since: datetime | None = None
    ) -> dict[str, int]:
        """Open items per standing view (all, mine, unassigned, overdue, new_since) and items
        per status (new, open, pending, snoozed, resolved)."""
        return await self._db.read(
            queue_reads.counts, staff_id=staff_id, now=now, new_since=new_since
        )

    async def facets(self, *, column: str) -> dict[str, int]:
        """Open items per team, channel, topic, sentiment or priority."""
        if column not in {"team", "channel", "topic", "sentiment", "priority", "language"}:
            raise ValueError(f"cannot count items by {column!r}")
        return await self._db.read(queue_reads.facets, column)

    async def item(self, *, item_id: int) -> ItemView | None:
        """One item, without its conversation."""
        return await self._db.read(queue_reads.item, item_id)

    async def page(
        self, *, item_id: int, before: int | None = None, limit: int = 50
    ) -> ItemPage | None:
        """An item with one page of its conversation (older pages: ``before=page.older``)."""
        return await self._db.read(inbox_page.page, item_id, before=before, limit=limit)

    async def members(self, *, include_disabled: bool = False) -> list[Member]:
        """Staff who can be assigned items."""
        return await self._db.read(inbox_staff.members, include_disabled=include_disabled)

    async def canned(self) -> list[Canned]:
        """Canned replies saved by leads."""
        return await self._db.read(inbox_staff.canned)

    # -- staff actions (each audited in its own transaction) ----------------------------------

    async def claim(self, *, item_id: int, actor_id: int, via: str = "") -> ClaimResult:
        """Take an unassigned item; of concurrent claims exactly one wins. ``via`` (here and
        for replies, notes and resolving): where staff acted when not the web inbox, audited."""
        return await self._db.write(actions.claim, item_id, actor_id, via=via)

    async def unclaim(self, *, item_id: int, actor_id: int, anyone: bool = False) -> bool:
        """Give an item back."""
        return await self._db.write(actions.unclaim, item_id, actor_id, anyone=anyone)

    async def assign(
        self,
        *,
        item_ids: Sequence[int],
        actor_id: int,
        staff_id: int | None = None,
        team: str | None = None,
    ) -> list[int]:
        """Give items to a member of staff and/or a team."""
        return await self._db.write(
            actions.assign, list(item_ids), actor_id, staff_id=staff_id, team=team
        )

    async def set_priority(
        self, *, item_id: int, actor_id: int, priority: str, due_at: datetime
    ) -> bool:
        """Change priority and due time."""
        return await self._db.write(
            actions.set_priority, item_id, actor_id, priority=priority, due_at=due_at
        )

    async def reply(
        self, *, item_id: int, actor_id: int, text: str, once: str = "", via: str = ""
    ) -> int:
        """Queue a reply on the item's conversation; returns the reply's entry id. With
        ``once``, only if that key was not done yet (Repeated otherwise), in one transaction."""
        reply = once_only(inbox_reply.reply, once)
        return await self._db.write(reply, item_id, actor_id, text=text, via=via)

    async def note(
        self, *, item_id: int, actor_id: int | None, text: str, once: str = "", via: str = ""
    ) -> int:
        """Add a private note; returns its entry id (``once`` as for replies)."""
        note = once_only(actions.note, once)
        return await self._db.write(note, item_id, actor_id, text=text, via=via)

    async def relabel(
        self,
        *,
        item_id: int,
        actor_id: int,
        field: str,
        value: str,
        message_id: int,
        team: str | None = None,
    ) -> Move | None:
        """Store a relabel of a message's topic or sentiment as a correction; with ``team``
        (a topic's team), move the item there too unless a lead pinned its team."""
        return await self._db.write(
            inbox_moves.relabel,
            item_id,
            actor_id,
            field=field,
            value=value,
            message_id=message_id,
            team=team,
        )

    async def move(
        self, *, item_id: int, actor_id: int, from_team: str, to_team: str, pin: bool, via: str = ""
    ) -> Move:
        """Give an item to another team if it is still with ``from_team`` (``pin``: a lead's
        choice, which later topic corrections leave alone); the due time stays."""
        return await self._db.write(
            inbox_moves.move,
            item_id,
            actor_id,
            from_team=from_team,
            to_team=to_team,
            pin=pin,
            via=via,
        )

    async def split(
        self,
        *,
        item_id: int,
        actor_id: int,
        message_ids: Sequence[int],
        off: SplitOff,
        via: str = "",
    ) -> int:
        """Split some of an item's messages into a new item; the new item's id."""
        return await self._db.write(
            inbox_moves.split, item_id, actor_id, message_ids=list(message_ids), off=off, via=via
        )

    async def snooze(self, *, item_id: int, actor_id: int, until: datetime) -> bool:
        """Put an item aside until a time."""
        return await self._db.write(actions.snooze, item_id, actor_id, until=until)

    async def resolve(
        self,
        *,
        item_ids: Sequence[int],
        actor_id: int,
        ask: CsatAsk | None = None,
        via: str = "",
        languages: Mapping[int, str] | None = None,
    ) -> list[int]:
        """Close items; answered ones get the satisfaction question once (``ask``), in the
        person's language (``languages``: item id → ISO 639-1 code; English if missing)."""
        return await self._db.write(
            inbox_reply.resolve, list(item_ids), actor_id, ask=ask, via=via, languages=languages
        )

    async def resolve_would_ask(self, *, item_id: int, ask: CsatAsk) -> bool:
        """Whether resolving the item now would send the person the satisfaction question."""
        found = await self._db.read(inbox_reply.csat_address, item_id, ask)
        return found is not None

    async def reopen(
        self,
        *,
        item_id: int,
        actor_id: int | None,
        due_at: datetime,
        reason: str = "",
        note: str = "",
    ) -> bool:
        """Put a resolved item back in the queue (``actor_id`` None: the bot did it), with a
        private note saying why when given."""
        return await self._db.write(
            actions.reopen, item_id, actor_id, due_at=due_at, reason=reason, with_note=note
        )

    async def retry_reply(self, *, entry_id: int, actor_id: int) -> bool:
        """Send a failed reply again."""
        return await self._db.write(actions.retry_reply, entry_id, actor_id)

    async def save_canned(self, *, name: str, text: str, actor_id: int) -> None:
        """Add or change a canned reply."""
        await self._db.write(inbox_staff.save_canned, name=name, text=text, actor_id=actor_id)

    async def delete_canned(self, *, name: str, actor_id: int) -> bool:
        """Remove a canned reply."""
        return await self._db.write(inbox_staff.delete_canned, name=name, actor_id=actor_id)
