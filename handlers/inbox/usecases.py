"""The staff queue's use cases: each checks the actor's role, decides what follows (due times,
placeholders, the CSAT question) and makes one audited store call."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from bot.channel import Capabilities
from bot.events import Channel, utcnow
from config.library import LibraryConfig
from config.wording import ENGLISH, Wording
from handlers.inbox.canned import CannedReplies
from handlers.inbox.changes import Change, Changes
from handlers.inbox.csat import CsatQuestion
from handlers.inbox.moves import Moves
from handlers.inbox.roles import Actor, require
from handlers.inbox.steps import Clock
from handlers.inbox.view_filters import view_filter
from handlers.speaking import Fixed, Languages
from models.store import Store
from models.store.inbox.moves import Move
from models.store.inbox.queue_reads import MAX_LIMIT
from models.store.inbox.types import (
    PRIORITIES,
    ClaimResult,
    InboxError,
    ItemPage,
    ItemRow,
    ItemView,
    NoSuchItem,
    QueueFilter,
)

LABEL_FIELDS = ("topic", "sentiment")


class Inbox:
    """What staff can do with the queue (built once, in the composition root)."""

    def __init__(
        self,
        store: Store,
        library: LibraryConfig,
        clock: Clock,
        capabilities: Mapping[Channel, Capabilities],
        wake_outbox: Callable[[], None],
        changes: Changes | None = None,
        *,
        max_chars: int,
        wording: Wording,
        languages: Languages | None = None,
    ) -> None:
        self.max_chars = max_chars
        """The longest reply, note or canned reply (``FEEDBOT_MAX_MESSAGE_CHARS``)."""
        self._store = store
        self._changes = changes or Changes()
        self._library = library
        self._clock = clock
        self._wording = wording
        self._languages = languages or Fixed()
        self._csat = CsatQuestion(wording, capabilities, library.reach.contact_cap)
        self._wake = wake_outbox
        self.moves = Moves(store, library.triage, clock, self._changes, wording)
        """Moving items between teams and splitting them."""
        self.canned = CannedReplies(store, library, wording, self._languages, self._text)
        """The canned replies: listed, filled in for a person, saved and deleted."""

    def _text(self, text: str) -> str:
        """Staff text, checked: not empty, not over the limit."""
        cleaned = text.strip()
        if not cleaned:
            raise InboxError("the text is empty")
        if len(cleaned) > self.max_chars:
            raise InboxError(f"the text is longer than {self.max_chars} characters")
        return cleaned

    # -- reading -----------------------------------------------------------------------------

    def view(
        self,
        actor: Actor,
        name: str,
        *,
        now: datetime,
        seen_at: datetime | None = None,
        **narrow: Any,
    ) -> QueueFilter:
        """The filter for a standing view (mine, unassigned, pending, snoozed, overdue, ...)."""
        require(actor, "read")
        return view_filter(name, staff_id=actor.id, now=now, seen_at=seen_at, **narrow)

    async def listing(
        self, actor: Actor, filter: QueueFilter, *, limit: int = 50, offset: int = 0
    ) -> list[ItemRow]:
        """Items a filter picks, soonest due first."""
        require(actor, "read")
        limit = max(1, min(limit, MAX_LIMIT))
        return await self._store.inbox.listing(filter=filter, limit=limit, offset=max(0, offset))

    async def counts(
        self, actor: Actor, *, now: datetime, seen_at: datetime | None = None
    ) -> dict[str, int]:
        """Items per standing view and status, for the filter list."""
        require(actor, "read")
        return await self._store.inbox.counts(staff_id=actor.id, now=now, new_since=seen_at)

    async def page(
        self, actor: Actor, item_id: int, *, before: int | None = None, limit: int = 50
    ) -> ItemPage:
        """An item with one page of its conversation."""
        require(actor, "read")
        limit = max(1, min(limit, MAX_LIMIT))
        found = await self._store.inbox.page(item_id=item_id, before=before, limit=limit)
        if found is None:
            raise NoSuchItem(f"queue item {item_id} does not exist")
        return found

    # -- working an item ---------------------------------------------------------------------

    async def claim(self, actor: Actor, item_id: int) -> ClaimResult:
        """Take an item; ``won`` False (with who has it) when someone else was first."""
        require(actor, "claim")
        result = await self._store.inbox.claim(item_id=item_id, actor_id=actor.id, via=actor.via)
        if result.won:
            await self._told(actor, [item_id], "claim")
        return result

    async def unclaim(self, actor: Actor, item_id: int) -> bool:
        """Give an item back; leads may give back anyone's. InboxError says why when nothing
        changed (someone else holds it, or nobody does)."""
        require(actor, "unclaim")
        anyone = actor.role in ("lead", "admin")
        done = await self._store.inbox.unclaim(item_id=item_id, actor_id=actor.id, anyone=anyone)
        await self._told(actor, [item_id] if done else [], "unclaim")
        return done

    async def assign(
        self,
        actor: Actor,
        item_ids: Sequence[int],
        *,
        staff_id: int | None = None,
        team: str | None = None,
    ) -> list[int]:
        """Give one or many items to a member of staff and/or a team (leads)."""
        require(actor, "assign")
        done = await self._store.inbox.assign(
            item_ids=list(item_ids), actor_id=actor.id, staff_id=staff_id, team=team or None
        )
        await self._told(actor, done, "assign")
        return done

    async def set_priority(self, actor: Actor, item_id: int, priority: str) -> bool:
        """Change priority; the due time follows from the SLA, from when the clock started."""
        require(actor, "priority")
        if priority not in PRIORITIES:
            raise InboxError(f"priority must be one of {', '.join(PRIORITIES)}")
        item = await self._item(item_id)
        due = self._clock.due(priority, item.clock_from)
        done = await self._store.inbox.set_priority(
            item_id=item_id, actor_id=actor.id, priority=priority, due_at=due
        )
        await self._told(actor, [item_id] if done else [], "priority")
        return done

    async def reply(self, actor: Actor, item_id: int, text: str, *, once: str = "") -> int:
        """Send a reply on the channel the person wrote on; returns the reply's entry id.
        ``once``: a platform's id for this request; done again, it raises Repeated."""
        require(actor, "reply")
        entry_id = await self._store.inbox.reply(
            item_id=item_id, actor_id=actor.id, text=self._text(text), once=once, via=actor.via
        )
        self._wake()
        await self._told(actor, [item_id], "reply", text.strip())
        return entry_id

    async def note(self, actor: Actor, item_id: int, text: str, *, once: str = "") -> int:
        """Add a private note: a separate action, never sent to the person (``once`` as for
        replies)."""
        require(actor, "note")
        entry_id = await self._store.inbox.note(
            item_id=item_id, actor_id=actor.id, text=self._text(text), once=once, via=actor.via
        )
        await self._told(actor, [item_id], "note", self._text(text))
        return entry_id

    async def relabel(
        self, actor: Actor, item_id: int, *, field: str, value: str, message_id: int | None = None
    ) -> Move | None:
        """Correct a message's topic or sentiment (the item's latest message by default); a
        topic correction also moves the item to that topic's team unless a lead pinned it."""
        require(actor, "relabel")
        if field not in LABEL_FIELDS or not value.strip() or len(value) > 64:
            raise InboxError("relabel the topic or the sentiment, with a value of 1-64 characters")
        item = await self._item(item_id)
        target = message_id if message_id is not None else await self._latest(item_id)
        moved = await self._store.inbox.relabel(
            item_id=item.row.id,
            actor_id=actor.id,
            field=field,
            value=value.strip(),
            message_id=target,
            team=self.moves.team_for(field, value.strip()),
        )
        await self._told(actor, [item_id], "relabel")
        await self.moves.corrected(actor, moved)
        return moved

    async def snooze(self, actor: Actor, item_id: int, until: datetime) -> bool:
        """Put an item aside until a time in the future."""
        require(actor, "snooze")
        if until.tzinfo is None or until <= utcnow():
            raise InboxError("snooze until a time in the future")
        done = await self._store.inbox.snooze(item_id=item_id, actor_id=actor.id, until=until)
        await self._told(actor, [item_id] if done else [], "snooze")
        return done

    async def resolve(self, actor: Actor, item_ids: Sequence[int]) -> list[int]:
        """Close items; each one a member of staff replied to gets the 1-5 question once."""
        require(actor, "resolve")
        done = await self._store.inbox.resolve(
            item_ids=list(item_ids),
            actor_id=actor.id,
            ask=self._csat,
            via=actor.via,
            languages=await self._spoken(item_ids),
        )
        self._wake()
        await self._told(actor, done, "resolve")
        return done

    @property
    def rating_question(self) -> str:
        """The satisfaction question a resolve sends, as the person reads it."""
        return self._csat.question

    async def resolve_would_ask(self, actor: Actor, item_id: int) -> bool:
        """Whether resolving the item would message the person (the rating question): the
        pages ask first."""
        require(actor, "resolve")
        return await self._store.inbox.resolve_would_ask(item_id=item_id, ask=self._csat)

    async def _spoken(self, item_ids: Sequence[int]) -> dict[int, str]:
        """The language remembered for each item's person (for the CSAT question)."""
        items = {i: await self._store.inbox.item(item_id=i) for i in item_ids}
        people = {i: item.contact_id for i, item in items.items() if item is not None}
        spoken = await self._languages.of_contacts(sorted(set(people.values())))
        return {i: spoken.get(c, ENGLISH) for i, c in people.items()}

    async def reopen(self, actor: Actor, item_id: int) -> bool:
        """Put a resolved item back in the queue, due again from now."""
        require(actor, "reopen")
        item = await self._item(item_id)
        due = self._clock.due(item.row.priority, utcnow())
        done = await self._store.inbox.reopen(
            item_id=item_id, actor_id=actor.id, due_at=due, reason="reopened by staff"
        )
        await self._told(actor, [item_id] if done else [], "reopen")
        return done

    async def retry_reply(self, actor: Actor, entry_id: int) -> bool:
        """Send a failed reply again; InboxError ("nothing to retry") when it has not failed."""
        require(actor, "retry")
        done = await self._store.inbox.retry_reply(entry_id=entry_id, actor_id=actor.id)
        self._wake()
        return done  # the card does not change: the reply's delivery shows in its thread

    # -- helpers -----------------------------------------------------------------------------

    async def _told(self, actor: Actor, item_ids: Sequence[int], what: str, text: str = "") -> None:
        """Tell the listeners (the staff channel) what changed."""
        change = Change(tuple(item_ids), what, actor.name or f"staff {actor.id}", text, actor.via)
        await self._changes.changed(change)

    async def _item(self, item_id: int) -> ItemView:
        item = await self._store.inbox.item(item_id=item_id)
        if item is None:
            raise NoSuchItem(f"queue item {item_id} does not exist")
        return item

    async def _latest(self, item_id: int) -> int:
        page = await self._store.inbox.page(item_id=item_id, limit=50)
        theirs = [e.message_id for e in (page.entries if page else []) if e.kind == "person"]
        mine = [e.message_id for e in page.splittable()] if page else []  # this item's own
        mine = mine or theirs
        if not mine or mine[-1] is None:
            raise InboxError("this item has no message from the person to relabel")
        return mine[-1]
