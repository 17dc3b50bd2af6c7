"""A person on Slack: signed Events API posts and button clicks into the bot's /slack/events."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from tests.fakes.chat.base import Heard, Said, newest_with
from tests.fakes.slack import Call, Json
from tests.fakes.slack_driver import SlackDriver, event_envelope
from tests.fakes.slack_payloads import click, message_event

if TYPE_CHECKING:
    from tests.fakes.chat.chat import Chat

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


class SlackPerson:
    """``user`` writing in ``where`` (a channel id, or a DM when it starts with "D")."""

    channel = "slack"

    def __init__(self, chat: Chat, *, user: str = "U01STUDNT", where: str = "C01LIBRARY") -> None:
        self.chat, self.user, self.where = chat, user, where
        self.hooks: set[str] = set()  # the response_url paths of this person's clicks
        self.threads: set[str] = set()  # threads they are in: started, replied in, tapped under
        self._last: tuple[str, Json] | None = None
        self._redeliveries = 0

    def __repr__(self) -> str:
        return f"Slack {self.user} in {self.where}"

    async def says(
        self, text: str, *, replying_to: Heard | None = None, mentioning_the_bot: bool = False
    ) -> Said:
        """A message; ``mentioning_the_bot`` delivers it as Slack does: as app_mention and
        message events of one ts."""
        ts = f"{int(time.time())}.{self.chat.next_id():06d}"
        thread = replying_to.ref if replying_to else ""
        self.threads.add(thread or ts)
        said = Said("")
        for mention in (True, False) if mentioning_the_bot else (False,):
            event = message_event(
                text, user=self.user, channel=self.where, ts=ts, thread_ts=thread, mention=mention
            )
            said = await self._event(event_envelope(event, event_id=f"Ev{self.chat.next_id():08d}"))
        return Said(f"{self.where}:{ts}", said.status, said.answer, self._last)

    async def taps(self, label: str, *, times: int = 1, response_url: str | None = None) -> Said:
        """Click the button ``label`` of the newest message with it; ``response_url`` replaces
        the fresh one Slack would hand out (an expired one, say)."""
        shown = newest_with(await self.heard(), label)
        hook = response_url or self.chat.slack.hook()
        self.hooks.add(urlparse(hook).path)
        self.threads.add(shown.ref)
        body = click(shown.raw.args, shown.options.index(label), self.user, hook, ts=shown.ref)
        answers = [await self._action(body) for _ in range(times)]
        action = body["actions"][0]
        platform_id = f"{action['action_id']}:{shown.ref}:{self.user}:{action['action_ts']}"
        return Said(platform_id, answers[-1].status, answers[-1].answer, ("action", body))

    async def redelivers(self, *, times: int = 1, of: Said | None = None) -> list[Said]:
        """Slack delivers the last event (or the one ``of``) again, with X-Slack-Retry-Num; or
        the last click (or ``of``), unchanged."""
        last = of.delivery if of is not None else self._last
        assert last is not None, f"{self} has sent nothing yet"
        kind, body = last
        if kind == "action":
            return [await self._action(body) for _ in range(times)]
        said = []
        for _ in range(times):
            self._redeliveries += 1
            said.append(await self._event(body, retry_num=self._redeliveries))
        return said

    async def heard(self) -> list[Heard]:
        """Posts and edits in their chat (in its main flow, or in threads they are in), their
        DM, ephemeral posts to them, and the answers to their clicks' response_urls."""
        heard = (self._heard(c) for c in self.chat.slack.calls if c.status == 200)
        return [h for h in heard if h is not None]

    def _heard(self, call: Call) -> Heard | None:
        args, chats = call.args, {self.where, "D" + self.user.lstrip("UW")}
        thread = str(args.get("thread_ts") or "")
        if call.method == "chat.postMessage" and args.get("channel") in chats:
            if thread and thread not in self.threads:
                return None
            how = "reply" if thread else "post"
            return Heard(_text(args), how, str(call.answer.get("ts", "")), _labels(args), call)
        if call.method == "chat.update" and args.get("channel") in chats:
            return Heard(_text(args), "edit", str(args.get("ts", "")), _labels(args), call)
        if call.method == "chat.postEphemeral" and args.get("user") == self.user:
            return Heard(_text(args), "private", "", _labels(args), call)
        if call.method == "response_url" and call.token in self.hooks:
            return Heard(_text(args), "private", "", _labels(args), call)
        return None

    async def _event(self, body: Json, *, retry_num: int = 0) -> Said:
        self._last = ("event", body)
        answer = await self._driver().post_event(body, retry_num=retry_num)
        return Said("", answer.status_code, answer)

    async def _action(self, body: Json) -> Said:
        self._last = ("action", body)
        answer = await self._driver().post_action(body)
        return Said("", answer.status_code, answer)

    def _driver(self) -> SlackDriver:
        assert self.chat.slack_driver is not None, "start the bot first"
        return self.chat.slack_driver


def _text(args: Json) -> str:
    return str(args.get("text", ""))


def _labels(args: Json) -> tuple[str, ...]:
    """The labels of the buttons in a call's blocks."""
    blocks: Any = args.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return tuple(
        str(e["text"]["text"])
        for b in blocks
        if b.get("type") == "actions"
        for e in b.get("elements", [])
        if "text" in e  # a button (a menu has options instead: see SlackStaff.menu)
    )
