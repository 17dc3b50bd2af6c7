"""The staff channel: keeps each queue item's card true (told of every change, never polling),
and does what staff press, submit or type there, as the same audited use cases as the inbox."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace

from bot.events import (
    Button,
    OutboundMessage,
    ReplyForm,
    StaffAction,
    StaffAnswer,
    StaffKind,
    utcnow,
)
from handlers.bridge import cards
from handlers.bridge.cards import CardStyle
from handlers.bridge.people import StaffDirectory
from handlers.bridge.port import StaffSlack
from handlers.inbox.changes import Change
from handlers.inbox.roles import Actor, Forbidden, require
from handlers.inbox.usecases import Inbox
from handlers.inbox.view_filters import pseudonym
from handlers.team_names import NamesTeams
from handlers.topic_names import in_words
from models.store import Store
from models.store.bridge.once import Repeated
from models.store.inbox.types import InboxError
from models.store.outbox.outcomes import Settled

log = logging.getLogger(__name__)

UNLINKED = (
    "Nothing was changed: your Slack account is not linked to a feedbot staff account. "
    "Please ask an admin to link your account (python -m bot staff link-slack EMAIL {user})."
)
ALERTS_ONLY = (
    "Replying, claiming and resolving from Slack are switched off here "
    "(FEEDBOT_STAFF_SLACK_MODE=alerts). Use Open in inbox."
)
ACTIONS = ("claim", "reply", "resolve", "move")


class StaffBridge:
    """Cards for queue items in the staff channel, and staff actions taken from it."""

    def __init__(
        self,
        store: Store,
        inbox: Inbox,
        style: CardStyle,
        slack: StaffSlack,
        wake_outbox: Callable[[], None],
    ) -> None:
        self._store = store
        self._inbox = inbox
        self._style = replace(style, teams=inbox.moves.teams)
        self._slack = slack
        self._people = StaffDirectory(store, slack)
        self._wake = wake_outbox

    # -- keeping cards true --------------------------------------------------------------------

    async def changed(self, change: Change) -> None:
        """An item changed: bring its card up to date; a further message from the person, a
        reply on its way, or a private note added in the web inbox goes into the card's thread
        (a note typed in the thread itself is there already)."""
        for item_id in change.item_ids:
            await self.refresh(item_id)
            if _threaded(change):
                await self._thread_line(item_id, change)
        self._wake()

    async def refresh(self, item_id: int) -> None:
        """Post the item's card, or edit it where what it shows changed."""
        item = await self._store.inbox.item(item_id=item_id)
        if item is None:
            return
        fresh = cards.card(item, self._style, now=utcnow())
        digest, bridge = cards.shown(fresh), self._store.bridge
        found = await bridge.card(item_id=item_id)
        if found is None:
            await bridge.post(item_id=item_id, message=fresh, shown=digest)
        elif not found.ts and found.post_status == "failed":
            await bridge.repost(item_id=item_id, message=fresh, shown=digest)
        elif found.ts and digest != found.shown:
            edit = cards.card(item, self._style, now=utcnow(), edit_of=found.ts)
            await bridge.edit(item_id=item_id, message=edit, shown=digest)
        elif found.ts:
            await bridge.synced(item_id=item_id)
        # else: the first post is on its way; ``settled`` brings it up to date once it is sent

    async def settled(self, outcomes: list[Settled]) -> None:
        """Sends were recorded: a card just posted is brought up to date (the item may have
        changed while it was on its way); a staff reply's fate goes into its card's thread."""
        sent = [o.item_id for o in outcomes if o.status == "sent"]
        posted = await self._store.bridge.cards_posted(outbox_ids=sent) if sent else []
        for item_id in posted:
            await self.refresh(item_id)
        for reply in await self._store.bridge.replies_settled(outcomes=outcomes):
            found = await self._store.bridge.card(item_id=reply.item_id)
            if found is not None and found.ts:
                line = cards.reply_settled(self._style, found.ts, reply)
                await self._queue([line], item_id=reply.item_id)

    async def _thread_line(self, item_id: int, change: Change) -> None:
        found = await self._store.bridge.card(item_id=item_id)
        item = await self._store.inbox.item(item_id=item_id)
        if found is None or not found.ts or item is None:
            return  # the card itself is not posted yet; it shows the latest message
        if change.what == "reply":
            line = cards.reply_queued(self._style, found.ts, change.actor, change.text)
        elif change.what == "note":
            line = cards.note_added(self._style, found.ts, change.actor, change.text)
        elif change.what in ("move", "split"):
            line = cards.routed(self._style, found.ts, change.actor, change.text)
        else:
            line = cards.person_wrote(self._style, found.ts, item, change.text)
        await self._queue([line], item_id=item_id)

    # -- what staff do in Slack ----------------------------------------------------------------

    async def act(self, action: StaffAction) -> StaffAnswer:
        """Do one staff action from Slack, once per Slack payload (redeliveries do nothing).
        A reply or a note is marked done in its own transaction; a press is marked first and
        unmarked if it fails, so that Slack's retry may do it."""
        if action.kind is not StaffKind.THREAD and action.action not in ACTIONS:
            return StaffAnswer()  # Open in inbox is a link: Slack only tells us it was pressed
        if self._style.mode != "full":
            return await self._refuse_alerts_only(action)
        item_id = await self._item_of(action)
        if item_id is None:
            return StaffAnswer()
        marked = action.kind is StaffKind.PRESS
        if marked and not await self._store.bridge.first_time(key=action.dedupe):
            return StaffAnswer()
        try:
            return await self._as_staff(action, item_id)
        except Repeated:
            return StaffAnswer()
        except Exception:
            if marked:
                await self._store.bridge.forget(key=action.dedupe)
            raise

    async def _refuse_alerts_only(self, action: StaffAction) -> StaffAnswer:
        """In alerts mode nothing from Slack changes an item; a forged press is told so."""
        log.warning("staff action %r from Slack refused: alerts mode", action.action)
        if action.kind is StaffKind.THREAD:
            return StaffAnswer()
        await self._tell(action, ALERTS_ONLY)
        return StaffAnswer(ALERTS_ONLY)

    async def _item_of(self, action: StaffAction) -> int | None:
        if action.kind is StaffKind.THREAD:
            return await self._store.bridge.item_at(chat=action.chat, ts=action.card)
        return action.item_id

    async def _as_staff(self, action: StaffAction, item_id: int) -> StaffAnswer:
        """Map the Slack user to a staff account, then act as them (their role checked)."""
        actor = await self._people.actor(action.user)
        if actor is None:
            await self._tell(action, UNLINKED.format(user=action.user))
            return StaffAnswer("Your Slack account is not linked to a staff account.")
        try:
            return await self._do(action, actor, item_id)
        except Repeated:
            raise
        except (Forbidden, InboxError) as exc:
            said = exc.said(self._style.team) if isinstance(exc, NamesTeams) else str(exc)
            if action.kind is not StaffKind.SUBMIT:  # a form shows it and stays open
                await self._tell(action, f"Nothing was changed: {said}.")
            return StaffAnswer(said)

    async def _do(self, action: StaffAction, actor: Actor, item_id: int) -> StaffAnswer:
        if action.kind is StaffKind.THREAD:
            await self._inbox.note(actor, item_id, action.text, once=action.dedupe)
            await self._queue([cards.note_kept(self._style, action.user, action.card)])
        elif action.kind is StaffKind.SUBMIT:
            text = await self._reply_text(action, actor, item_id)
            await self._inbox.reply(actor, item_id, text, once=action.dedupe)
        elif action.action == "claim":
            result = await self._inbox.claim(actor, item_id)
            if not result.won:
                await self._tell(action, f"{result.assignee or 'Someone'} has already claimed it.")
        elif action.action == "resolve":
            if not await self._inbox.resolve(actor, [item_id]):
                await self._tell(action, "It was already resolved.")
        elif action.action == "move":
            await self._inbox.moves.move(actor, item_id, action.text)
        else:
            await self._open_form(action, actor, item_id)
        return StaffAnswer()

    async def _reply_text(self, action: StaffAction, actor: Actor, item_id: int) -> str:
        """The text typed, or the canned reply picked (filled in as ``actor`` may see the
        person); not both."""
        if action.text.strip() and action.canned:
            raise InboxError("write a reply or pick a canned one, not both")
        if action.canned:
            return await self._inbox.canned.text(actor, action.canned, item_id)
        if not action.text.strip():
            raise InboxError("write a reply or pick a canned one")
        return action.text

    async def _open_form(self, action: StaffAction, actor: Actor, item_id: int) -> None:
        """Reply…: the reply form, opened at once (Slack's trigger lasts three seconds)."""
        require(actor, "reply")
        item = await self._store.inbox.item(item_id=item_id)
        if item is None:
            raise InboxError(f"queue item {item_id} does not exist")
        who = pseudonym(item.row.person)
        canned = tuple(Button(in_words(c.name), c.name) for c in await self._inbox.canned.replies())
        form = ReplyForm(
            item_id,
            title=f"Reply to {who}",
            to=f"{who} on {item.row.channel.capitalize()}",
            max_chars=self._inbox.max_chars,
            canned=canned,
        )
        if not await self._slack.open_form(action.trigger, form):
            await self._store.bridge.forget(key=action.dedupe)
            await self._tell(action, "The reply form could not be opened; press Reply… again.")

    async def _tell(self, action: StaffAction, text: str) -> None:
        """A private answer to the member of staff who acted."""
        thread = action.card if action.kind is StaffKind.THREAD else ""
        message = cards.private(
            self._style, action.user, text, thread=thread, hook=action.reply_hook
        )
        await self._queue([message])

    async def _queue(
        self, messages: Sequence[OutboundMessage], *, item_id: int | None = None
    ) -> None:
        if messages:
            await self._store.bridge.queue(messages=messages, item_id=item_id)
            self._wake()


def _threaded(change: Change) -> bool:
    """Whether a change shows as a line in the card's thread."""
    if not change.text:
        return False
    if change.what == "note":
        return change.via != "slack"
    return change.what in ("joined", "reopened", "reply", "move", "split")
