"""The FakeX endpoints: what X API v2 answers for the calls the adapter makes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.fakes.x.common import Json, one_to_one, problem

if TYPE_CHECKING:
    from tests.fakes.x.server import FakeX

DEFAULT_TWEET_FIELDS = ("id", "text", "edit_history_tweet_ids")
DEFAULT_DM_FIELDS = ("id", "event_type", "text")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _fields(request: web.Request, name: str, default: Sequence[str]) -> list[str]:
    asked = [f for f in request.query.get(name, "").split(",") if f]
    return list(default) + [f for f in asked if f not in default]


def _project(item: Json, fields: Sequence[str]) -> Json:
    return {f: item[f] for f in fields if f in item}


def _page(
    items: list[Json], request: web.Request, default: int, low: int
) -> tuple[list[Json], Json]:
    """One page of ``items`` (newest first) and its meta; raises 400 on a bad max_results."""
    size = int(request.query.get("max_results", default))
    if not low <= size <= 100:
        raise web.HTTPBadRequest(
            text='{"title": "Invalid Request"}', content_type="application/json"
        )
    start = int(request.query.get("pagination_token", "p0")[1:])
    page = items[start : start + size]
    meta: Json = {"result_count": len(page)}
    if page:
        meta.update(newest_id=page[0]["id"], oldest_id=page[-1]["id"])
    if start + size < len(items):
        meta["next_token"] = f"p{start + size}"
    return page, meta


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _weighted(text: str) -> int:
    return sum(1 if ord(c) <= 4351 else 2 for c in text)


class Routes:
    """Handlers bound to one FakeX."""

    def __init__(self, fake: FakeX) -> None:
        self.fake = fake

    async def me(self, request: web.Request) -> web.Response:
        """GET /2/users/me."""
        username = self.fake.state.users[self.fake.me]
        return web.json_response(
            {"data": {"id": self.fake.me, "name": "Library", "username": username}}
        )

    async def mentions(self, request: web.Request) -> web.Response:
        """GET /2/users/:id/mentions, newest first, above ``since_id``."""
        if request.match_info["id"] != self.fake.me:
            return problem(403, "Forbidden")
        state = self.fake.state
        tweets = sorted((state.tweets[i] for i in state.mention_ids), key=lambda t: -int(t["id"]))
        since = request.query.get("since_id")
        if since and not self.fake.ignore_since_id:
            tweets = [t for t in tweets if int(t["id"]) > int(since)]
        start = request.query.get("start_time")
        if start:
            tweets = [t for t in tweets if _time(t["created_at"]) >= _time(start)]
        page, meta = _page(tweets, request, 10, 5)
        fields = _fields(request, "tweet.fields", DEFAULT_TWEET_FIELDS)
        body: Json = {"meta": meta}
        if page:
            body["data"] = [_project(t, fields) for t in page]
        if page and "author_id" in request.query.get("expansions", ""):
            authors = dict.fromkeys(t["author_id"] for t in page)
            body["includes"] = {"users": [self._user(a) for a in authors]}
        return web.json_response(body)

    def _user(self, user_id: str) -> Json:
        name = self.fake.state.users.get(user_id, "someone")
        return {"id": user_id, "name": name.title(), "username": name}

    async def dm_events(self, request: web.Request) -> web.Response:
        """GET /2/dm_events, newest first (X offers no since_id here)."""
        events = sorted(self.fake.state.dm_events, key=lambda e: -int(e["id"]))
        wanted = request.query.get("event_types")
        if wanted:
            events = [e for e in events if e["event_type"] in wanted.split(",")]
        page, meta = _page(events, request, 100, 1)
        fields = _fields(request, "dm_event.fields", DEFAULT_DM_FIELDS)
        body: Json = {"meta": meta}
        if page:
            body["data"] = [_project(e, fields) for e in page]
        return web.json_response(body)

    async def create_tweet(self, request: web.Request) -> web.Response:
        """POST /2/tweets: a tweet, a reply, or a tweet with a poll."""
        body = await request.json()
        text = str(body.get("text", ""))
        error = self._tweet_error(body, text)
        if error is not None:
            return error
        parent = (body.get("reply") or {}).get("in_reply_to_tweet_id")
        tweet = self.fake.add_tweet(text, self.fake.me, parent)
        if "poll" in body:
            self._attach_poll(tweet, body["poll"])
        data = {"id": tweet["id"], "text": text, "edit_history_tweet_ids": [tweet["id"]]}
        return web.json_response({"data": data}, status=201)

    def _tweet_error(self, body: Json, text: str) -> web.Response | None:
        """X's refusals: too long, duplicate, unknown parent, bad poll."""
        if not text or _weighted(text) > 280:
            return problem(400, "Invalid Request: text length")
        if any(t["text"] == text for t in self.fake.created_tweets()):
            return problem(403, "You are not allowed to create a Tweet with duplicate content.")
        parent = (body.get("reply") or {}).get("in_reply_to_tweet_id")
        if parent is not None and parent not in self.fake.state.tweets:
            return problem(400, "Invalid Request: in_reply_to_tweet_id not found")
        poll = body.get("poll")
        if poll is not None and not _poll_ok(poll):
            return problem(400, "Invalid Request: poll")
        return None

    def _attach_poll(self, tweet: Json, poll: Json) -> None:
        poll_id = self.fake.new_id()
        options = [
            {"position": n, "label": label, "votes": 0}
            for n, label in enumerate(poll["options"], 1)
        ]
        self.fake.state.polls[poll_id] = {
            "id": poll_id,
            "options": options,
            "duration_minutes": poll["duration_minutes"],
            "voting_status": "open",
        }
        tweet["attachments"] = {"poll_ids": [poll_id]}

    async def get_tweet(self, request: web.Request) -> web.Response:
        """GET /2/tweets/:id with ``attachments.poll_ids`` expansion."""
        tweet = self.fake.state.tweets.get(request.match_info["id"])
        if tweet is None:
            return problem(404, "Not Found")
        fields = _fields(request, "tweet.fields", DEFAULT_TWEET_FIELDS)
        body: Json = {"data": _project(tweet, [*fields, "attachments"])}
        if "attachments.poll_ids" in request.query.get("expansions", "") and "attachments" in tweet:
            poll_fields = _fields(request, "poll.fields", ("id", "options"))
            polls = [self.fake.state.polls[p] for p in tweet["attachments"]["poll_ids"]]
            body["includes"] = {"polls": [_project(p, poll_fields) for p in polls]}
        return web.json_response(body)

    async def send_dm(self, request: web.Request) -> web.Response:
        """POST /2/dm_conversations/with/:participant_id/messages (and /:conversation_id/)."""
        body = await request.json()
        text = str(body.get("text", ""))
        if not text or len(text) > 10_000:
            return problem(400, "Invalid Request: text length")
        participant = request.match_info.get("participant_id")
        conversation = (
            one_to_one(self.fake.me, participant) if participant else request.match_info["conv"]
        )
        event = self.fake.add_dm_event(text, self.fake.me, conversation)
        data = {"dm_conversation_id": conversation, "dm_event_id": event["id"]}
        return web.json_response({"data": data}, status=201)


def _poll_ok(poll: Any) -> bool:
    options = poll.get("options") or []
    minutes = poll.get("duration_minutes", 0)
    return (
        2 <= len(options) <= 4 and all(0 < len(o) <= 25 for o in options) and 5 <= minutes <= 10_080
    )


def add_routes(app: web.Application, fake: FakeX) -> None:
    """Mount the fake's endpoints."""
    r = Routes(fake)
    app.router.add_get("/2/users/me", r.me)
    app.router.add_get("/2/users/{id}/mentions", r.mentions)
    app.router.add_get("/2/dm_events", r.dm_events)
    app.router.add_post("/2/tweets", r.create_tweet)
    app.router.add_get("/2/tweets/{id}", r.get_tweet)
    app.router.add_post("/2/dm_conversations/with/{participant_id}/messages", r.send_dm)
    app.router.add_post("/2/dm_conversations/{conv}/messages", r.send_dm)
