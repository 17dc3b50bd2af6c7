"""Routing that follows staff: which team a topic belongs to, moving an item to another team,
and splitting messages about something else into an item of their own.

Who may move or split an item: leads and admins, any item; agents, items of their own team.
An agent who sees that an item in their team's queue belongs elsewhere can hand it on at once,
without waiting for a lead; but an agent cannot pull items out of another team's queue (that
team's agents, or a lead, decide). A topic correction is different: it follows the triage rules
rather than anyone's choice, so any agent's correction moves the item, unless a lead set the
team by hand (``team_manual``)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.events import utcnow
from config.triage import TriageConfig
from config.wording import Wording
from handlers.inbox.changes import Change, Changes
from handlers.inbox.roles import Actor, Forbidden, allowed, require
from handlers.inbox.steps import Clock
from handlers.team_names import NamesTeams, team_name
from models.store import Store
from models.store.inbox.moves import Move, SplitOff
from models.store.inbox.types import PRIORITIES, InboxError, ItemView, NoSuchItem


def team_of(topic: str, rules: TriageConfig) -> str:
    """The team a topic's items go to (as triage decides for a new message)."""
    return rules.teams.get(topic, rules.default_team)


def may_move(actor: Actor, item_team: str) -> bool:
    """Leads and admins move any item; an agent, items of their own team."""
    if allowed(actor.role, "assign"):
        return True
    return allowed(actor.role, "claim") and bool(actor.team) and actor.team == item_team


class NotTheirTeam(NamesTeams, Forbidden):
    """An agent's move or split of an item of another team (or of no team)."""

    def __init__(self, team: str | None) -> None:
        who = "{teams}" if team else "its team"
        words = f"only agents of {who} or a lead can move or split this item"
        super().__init__(words, [team] if team else [])


class UnknownTeam(NamesTeams, InboxError):
    """A team that is not one of the teams staff may choose from."""


class Moves:
    """Move and split use cases (built by ``Inbox``, which shares its store and clock)."""

    def __init__(
        self,
        store: Store,
        rules: TriageConfig,
        clock: Clock,
        changes: Changes,
        wording: Wording,
    ) -> None:
        self._store = store
        self._wording = wording
        self._rules = rules
        self._clock = clock
        self._changes = changes
        self.teams = rules.team_names()
        """The teams staff may choose from."""

    async def move(self, actor: Actor, item_id: int, team: str) -> Move:
        """Give an item to another team; its due time stays. A lead's move pins the team."""
        item = await self._allowed(actor, item_id)
        self._known(team)
        done = await self._store.inbox.move(
            item_id=item_id,
            actor_id=actor.id,
            from_team=item.row.team,
            to_team=team,
            pin=allowed(actor.role, "assign"),
            via=actor.via,
        )
        await self._told(actor, (item_id,), "move", _words(done, self._wording))
        return done

    async def split(
        self,
        actor: Actor,
        item_id: int,
        message_ids: Sequence[int],
        *,
        topic: str,
        priority: str,
        team: str = "",
    ) -> int:
        """Split messages of an item into a new item with its own topic, team (the topic's
        team unless given), priority and due time (from now); the new item's id."""
        await self._allowed(actor, item_id)
        if priority not in PRIORITIES:
            raise InboxError(f"priority must be one of {', '.join(PRIORITIES)}")
        if not topic.strip() or len(topic) > 64:
            raise InboxError("give the new item a topic of 1-64 characters")
        chosen = team or team_of(topic, self._rules)
        self._known(chosen)
        off = SplitOff(chosen, topic, priority, self._clock.due(priority, utcnow()))
        new_id = await self._store.inbox.split(
            item_id=item_id, actor_id=actor.id, message_ids=message_ids, off=off, via=actor.via
        )
        await self._told(actor, (item_id,), "split", f"split off as item #{new_id}")
        await self._told(actor, (new_id,), "created", f"split from item #{item_id}")
        return new_id

    async def corrected(self, actor: Actor, move: Move | None) -> None:
        """Tell the listeners that a topic correction moved an item (when it did)."""
        if move is not None:
            await self._told(actor, (move.item_id,), "move", _words(move, self._wording))

    def team_for(self, field: str, value: str) -> str | None:
        """The team a relabel moves the item to: a topic's team, else none."""
        return team_of(value, self._rules) if field == "topic" else None

    async def _allowed(self, actor: Actor, item_id: int) -> ItemView:
        require(actor, "read")
        item = await self._store.inbox.item(item_id=item_id)
        if item is None:
            raise NoSuchItem(f"queue item {item_id} does not exist")
        if not may_move(actor, item.row.team):
            raise NotTheirTeam(item.row.team)
        return item

    def _known(self, team: str) -> None:
        if team not in self.teams:
            raise UnknownTeam("choose a team from the list: {teams}", self.teams)

    async def _told(self, actor: Actor, ids: tuple[int, ...], what: str, text: str) -> None:
        change = Change(ids, what, actor.name or f"staff {actor.id}", text, actor.via)
        await self._changes.changed(change)


def _words(move: Move, wording: Wording) -> str:
    """The move as staff read it, teams by their names ("moved from IT services to Estates")."""
    how = " (topic corrected)" if move.by == "correction" else ""
    was = team_name(wording, move.from_team) if move.from_team else "no team"
    return f"moved from {was} to {team_name(wording, move.to_team)}{how}"
