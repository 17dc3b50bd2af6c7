"""A person on the web widget: the JSON API a browser on a library page uses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fakes import widget_sessions
from tests.fakes.chat.base import Heard, Said

if TYPE_CHECKING:
    from tests.fakes.chat.chat import Chat


async def new_session(chat: Chat) -> str:
    """A widget session, as the page gets one (issued by the bot): the one place that knows how."""
    return await widget_sessions.new_session(chat.http, chat.bot.url)


class WidgetPerson:
    """A visitor with one widget session (``session``, or a new one on first use)."""

    channel = "widget"

    def __init__(self, chat: Chat, *, session: str = "") -> None:
        self.chat, self._session = chat, session
        self._last: tuple[str, dict[str, Any]] | None = None

    def __repr__(self) -> str:
        return f"widget {self._session or '(no session yet)'}"

    async def session(self) -> str:
        """Their session, acquired the first time it is needed."""
        if not self._session:
            self._session = await new_session(self.chat)
        return self._session

    async def says(self, text: str, *, replying_to: Heard | None = None) -> Said:
        """POST /widget/api/messages (a widget conversation is one thread: no reply-to)."""
        body = {"session": await self.session(), "client_id": self._client_id(), "text": text}
        return await self._post("/widget/api/messages", body)

    async def taps(self, label: str, *, times: int = 1) -> Said:
        """POST /widget/api/votes for the option ``label`` of the newest open poll with it."""
        poll, key = _find(await self.polls(), label)
        body = {
            "session": await self.session(),
            "client_id": self._client_id(),
            "poll_id": poll,
            "option": key,
        }
        said = await self._post("/widget/api/votes", body)
        await self.redelivers(times=times - 1)
        return said

    async def redelivers(self, *, times: int = 1) -> list[Said]:
        """The browser sends its last request again (a retry: same client_id)."""
        if times <= 0:
            return []
        assert self._last is not None, f"{self} has sent nothing yet"
        return [await self._post(*self._last) for _ in range(times)]

    async def polls(self) -> list[dict[str, Any]]:
        """GET /widget/api/polls: the open polls with their answer."""
        answer = await self.chat.http.get(
            f"{self.chat.bot.url}/widget/api/polls", params={"session": await self.session()}
        )
        assert answer.status_code == 200, answer.text
        polls: list[dict[str, Any]] = answer.json()["polls"]
        return polls

    async def heard(self) -> list[Heard]:
        """The library's side of their widget conversation (GET /widget/api/messages)."""
        answer = await self.chat.http.get(
            f"{self.chat.bot.url}/widget/api/messages", params={"session": await self.session()}
        )
        assert answer.status_code == 200, answer.text
        messages = answer.json()["messages"]
        return [
            Heard(m["text"], "reply", str(m["id"]), (), m) for m in messages if m["from"] != "you"
        ]

    def _client_id(self) -> str:
        return f"client-{self.chat.next_id():06d}"

    async def _post(self, path: str, body: dict[str, Any]) -> Said:
        self._last = (path, body)
        answer = await self.chat.http.post(f"{self.chat.bot.url}{path}", json=body)
        platform_id = f"{body['session']}:{body['client_id']}"
        return Said(platform_id, answer.status_code, answer)


def _find(polls: list[dict[str, Any]], label: str) -> tuple[int, str]:
    """The newest poll offering ``label``, and that option's key."""
    for poll in reversed(polls):
        for option in poll["options"]:
            if option["label"] == label:
                return int(poll["id"]), str(option["key"])
    raise AssertionError(f"no open widget poll offers {label!r}: {polls}")
