"""A member of staff in the Slack staff channel: sees cards, presses their buttons, sends the
reply form, types in a card's thread, all as signed Slack interactions and events."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from tests.fakes.chat.base import Heard, Said
from tests.fakes.chat.slack import _labels, _text
from tests.fakes.slack import Call, Json
from tests.fakes.slack_driver import SlackDriver, event_envelope
from tests.fakes.slack_payloads import click, message_event, view_submission
from tests.fakes.waiting import wait_until

if TYPE_CHECKING:
    from tests.fakes.chat.chat import Chat

STAFF_CHANNEL = "C0STAFF01"


class SlackStaff:
    """Slack user ``user`` in the staff channel ``where``; with ``socket`` their presses and
    forms arrive over Socket Mode (``interactive`` envelopes) instead of signed HTTP posts."""

    def __init__(
        self,
        chat: Chat,
        *,
        user: str = "U0ANN0001",
        where: str = STAFF_CHANNEL,
        socket: bool = False,
    ) -> None:
        self.chat, self.user, self.where, self.socket = chat, user, where, socket
        self.hooks: set[str] = set()
        self.last: Json | None = None

    def __repr__(self) -> str:
        return f"staff {self.user} in {self.where}"

    # -- what they see -----------------------------------------------------------------------

    def cards(self) -> list[Heard]:
        """Each card posted in the staff channel, as it looks now (its latest edit), oldest
        first; ``how`` is "post" until it was edited, then "edit"."""
        latest: dict[str, Heard] = {}
        for call in self._calls():
            args = call.args
            if call.method == "chat.postMessage" and not args.get("thread_ts"):
                ts = str(call.answer.get("ts", ""))
                latest[ts] = Heard(_text(args), "post", ts, _labels(args), call)
            elif call.method == "chat.update" and str(args.get("ts")) in latest:
                ts = str(args["ts"])
                latest[ts] = Heard(_text(args), "edit", ts, _labels(args), call)
        return list(latest.values())

    def edits(self, card: Heard) -> list[Call]:
        """The chat.update calls made to one card."""
        return [c for c in self._calls() if c.method == "chat.update" and c.args["ts"] == card.ref]

    async def card_shows(self, contains: str, *, within: float = 10.0) -> Heard:
        """Wait until a card shows ``contains``; the newest such card as it is now."""
        found: list[Heard] = []

        def shown() -> bool:
            found[:] = [c for c in self.cards() if contains in c.text]
            return bool(found)

        await wait_until(shown, within=within, what=f"a card showing {contains!r}")
        return found[-1]

    def thread(self, card: Heard) -> list[str]:
        """What was posted in a card's thread, oldest first."""
        return [
            _text(c.args)
            for c in self._calls()
            if c.method == "chat.postMessage" and c.args.get("thread_ts") == card.ref
        ]

    async def thread_says(self, card: Heard, contains: str, *, within: float = 10.0) -> str:
        """Wait until the card's thread has a message containing ``contains``."""
        await wait_until(
            lambda: any(contains in t for t in self.thread(card)),
            within=within,
            what=f"{contains!r} in the card's thread",
        )
        return next(t for t in self.thread(card) if contains in t)

    def told(self) -> list[str]:
        """What only they were shown: ephemeral posts and answers to their presses' hooks."""
        return [
            _text(c.args)
            for c in self.chat.slack.calls
            if c.status == 200
            and (
                (c.method == "chat.postEphemeral" and c.args.get("user") == self.user)
                or (c.method == "response_url" and c.token in self.hooks)
            )
        ]

    async def told_that(self, contains: str, *, within: float = 10.0) -> str:
        """Wait until they were privately told something containing ``contains``."""
        await wait_until(
            lambda: any(contains in t for t in self.told()), within=within, what=repr(contains)
        )
        return next(t for t in self.told() if contains in t)

    async def form(self, *, within: float = 5.0) -> Json:
        """The newest modal opened for them (views.open's answer, with its id)."""
        await wait_until(lambda: bool(self._forms()), within=within, what="views.open")
        return self._forms()[-1]

    # -- what they do ------------------------------------------------------------------------

    async def presses(self, label: str, card: Heard | None = None) -> Said:
        """Press ``label`` on a card (by default the newest), as it looks now."""
        shown = self._now(card)
        hook = self.chat.slack.hook()
        self.hooks.add(urlparse(hook).path)
        args = dict(shown.raw.args)
        args.setdefault("channel", self.where)
        body = click(args, shown.options.index(label), self.user, hook, ts=shown.ref)
        body["trigger_id"] = f"{int(time.time())}.{self.user}.{self.chat.next_id()}"
        return await self._action(body)

    def menu(self, card: Heard) -> list[str]:
        """The options of the card's menu (Move to team…), as it looks now."""
        return [str(o["text"]["text"]) for o in self._menu(self._now(card))["options"]]

    async def chooses(self, option: str, card: Heard | None = None) -> Said:
        """Pick ``option`` in the card's menu, as Slack reports a static_select choice."""
        shown = self._now(card)
        hook = self.chat.slack.hook()
        self.hooks.add(urlparse(hook).path)
        args = dict(shown.raw.args)
        args.setdefault("channel", self.where)
        element = self._menu(shown)
        [picked] = [o for o in element["options"] if o["text"]["text"] == option]
        actions = next(b for b in _blocks(args) if b["type"] == "actions")
        body = click(args, actions["elements"].index(element), self.user, hook, ts=shown.ref)
        body["actions"][0]["selected_option"] = picked
        return await self._action(body)

    def _menu(self, shown: Heard) -> Json:
        actions = next(b for b in _blocks(shown.raw.args) if b["type"] == "actions")
        return next(e for e in actions["elements"] if e["type"] == "static_select")

    async def forges(self, action_id: str, value: str, card: Heard) -> Said:
        """A block_actions payload for a button the card does not show."""
        hook = self.chat.slack.hook()
        self.hooks.add(urlparse(hook).path)
        element = {
            "type": "button",
            "action_id": action_id,
            "value": value,
            "text": {"type": "plain_text", "text": action_id},
        }
        args = {
            "channel": self.where,
            "text": card.text,
            "blocks": [{"type": "actions", "elements": [element]}],
        }
        return await self._action(click(args, 0, self.user, hook, ts=card.ref))

    async def sends_form(self, *, text: str = "", canned: str = "") -> Said:
        """Send the newest reply form opened for them, with ``text`` and/or ``canned``."""
        view = await self.form()
        return await self._action(view_submission(view, self.user, text=text, canned=canned))

    async def says_in_thread(self, card: Heard, text: str) -> Said:
        """Type a message in the card's thread."""
        ts = f"{int(time.time())}.9{self.chat.next_id():05d}"  # never a ts FakeSlack handed out
        event = message_event(text, user=self.user, channel=self.where, ts=ts, thread_ts=card.ref)
        body = event_envelope(event, event_id=f"Ev{self.chat.next_id():08d}")
        self.last = {"event": body}
        answer = await self._driver().post_event(body)
        return Said(f"{self.where}:{ts}", answer.status_code, answer, ("event", body))

    async def redelivers(self, said: Said, *, times: int = 1) -> list[int]:
        """Slack sends the same payload again (it got no answer in time); the statuses."""
        kind, body = said.delivery
        statuses = []
        for n in range(times):
            if kind == "event":
                answer = await self._driver().post_event(body, retry_num=n + 1)
            else:
                answer = await self._driver().post_action(body)
            statuses.append(answer.status_code)
        return statuses

    # -- helpers -----------------------------------------------------------------------------

    def _now(self, card: Heard | None) -> Heard:
        cards = self.cards()
        assert cards, "no card in the staff channel yet"
        if card is None:
            return cards[-1]
        return next(c for c in cards if c.ref == card.ref)

    def _calls(self) -> list[Call]:
        return [
            c
            for c in self.chat.slack.calls
            if c.status == 200 and c.args.get("channel") == self.where
        ]

    def _forms(self) -> list[Json]:
        return [
            c.answer["view"]
            for c in self.chat.slack.calls_to("views.open")
            if str(c.args.get("trigger_id", "")).split(".")[1:2] == [self.user]
        ]

    async def _action(self, body: Json) -> Said:
        if self.socket:
            envelope = await self.chat.slack.push(body, kind="interactive")
            ack = await self.chat.slack.wait_for_ack(envelope)
            return Said("", 200, ack, ("socket", body))
        answer = await self._driver().post_action(body)
        return Said("", answer.status_code, answer, ("action", body))

    def _driver(self) -> SlackDriver:
        assert self.chat.slack_driver is not None, "start the bot first"
        return self.chat.slack_driver


def link_of(heard: Heard, label: str) -> Any:
    """The URL of a card's link button."""
    blocks = heard.raw.args.get("blocks") or []
    for block in blocks:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element["text"]["text"] == label:
                return element.get("url")
    raise AssertionError(f"no button {label!r}")


def _blocks(args: Json) -> list[Json]:
    """A call's blocks (sent as a list, or as JSON text)."""
    blocks: Any = args.get("blocks") or []
    return list(json.loads(blocks) if isinstance(blocks, str) else blocks)
