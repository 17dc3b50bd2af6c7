"""FakeX: a local X API v2 server (aiohttp) that verifies OAuth 1.0a and records every call.

It serves what the adapter calls — ``/2/users/me``, the mentions timeline (``since_id``,
``max_results``, ``pagination_token``, ``meta.newest_id``), ``/2/dm_events``, ``POST /2/tweets``
(replies, polls), DMs, and tweet lookup with poll expansions — and records every call. OAuth 1.0a
signatures are checked against the original ``https://api.twitter.com`` URL, as tweepy signs them.
``inject`` makes the next N matching calls answer 429 (with ``x-rate-limit-reset`` = now - 1 unless
told otherwise) or 5xx.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, unquote

from aiohttp import web

from tests.fakes.x.common import Json, now_iso, one_to_one, problem
from tests.fakes.x.routes import add_routes

ORIGIN = "https://api.twitter.com"


def _q(value: str) -> str:
    return quote(value, safe="~")


def oauth_signature(method: str, url: str, params: list[tuple[str, str]], key: str) -> str:
    """RFC 5849 HMAC-SHA1 over the signature base string."""
    pairs = sorted((_q(k), _q(v)) for k, v in params)
    normalized = "&".join(f"{k}={v}" for k, v in pairs)
    base = "&".join((method.upper(), _q(url), _q(normalized)))
    digest = hmac.new(key.encode(), base.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


@dataclass
class Call:
    """One request the fake received."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int = 0
    host: str = ""  # the Host header: which of several clients (given aliases of the URL) called


@dataclass
class Injection:
    """Answer the next ``times`` matching calls with ``status``."""

    status: int
    times: int
    method: str | None
    path: str | None
    reset: int | None
    skip: int = 0


@dataclass
class Keys:
    """The OAuth 1.0a keys the fake accepts."""

    consumer_key: str = "fake-consumer-key"
    consumer_secret: str = "fake-consumer-secret"
    access_token: str = "1500000000000000001-fakeaccesstoken"
    access_token_secret: str = "fake-access-token-secret"


@dataclass
class State:
    """What the fake platform holds."""

    tweets: dict[str, Json] = field(default_factory=dict)
    mention_ids: list[str] = field(default_factory=list)
    dm_events: list[Json] = field(default_factory=list)
    users: dict[str, str] = field(default_factory=dict)
    polls: dict[str, Json] = field(default_factory=dict)


class FakeX:
    """The fake X API; use as ``async with FakeX() as x:`` and point the adapter at ``x.url``."""

    def __init__(self, keys: Keys | None = None, *, username: str = "uni_library") -> None:
        self.keys = keys or Keys()
        self.me = self.keys.access_token.partition("-")[0]
        self.state = State(users={self.me: username})
        self.calls: list[Call] = []
        self.ignore_since_id = False
        self._injections: list[Injection] = []
        self._nonces: set[str] = set()
        self._ids = itertools.count(1_860_000_000_000_000_000, 1_000)
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def __aenter__(self) -> FakeX:
        app = web.Application(middlewares=[self._middleware])
        add_routes(app, self)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # --- building the world -------------------------------------------------------------

    def new_id(self) -> str:
        """A fresh snowflake-like id, larger than every earlier one."""
        return str(next(self._ids))

    def user(self, user_id: str, username: str) -> None:
        """Make a user known (for ``includes.users``)."""
        self.state.users[user_id] = username

    def mention(
        self,
        text: str,
        *,
        author_id: str = "2200000000000000001",
        username: str = "student_a",
        in_reply_to: str | None = None,
    ) -> Json:
        """A tweet by someone else that mentions the bot; shows up on the mentions timeline."""
        self.user(author_id, username)
        tweet = self.add_tweet(text, author_id, in_reply_to)
        self.state.mention_ids.append(tweet["id"])
        return tweet

    def dm(
        self, text: str, *, sender_id: str = "2200000000000000002", username: str = "student_b"
    ) -> Json:
        """A DM from someone to the bot; shows up on ``/2/dm_events``."""
        self.user(sender_id, username)
        return self.add_dm_event(text, sender_id, one_to_one(self.me, sender_id))

    def vote(self, tweet_id: str, label: str, count: int = 1) -> None:
        """Add votes to an option of the poll attached to a tweet."""
        poll = self.state.polls[self.state.tweets[tweet_id]["attachments"]["poll_ids"][0]]
        next(o for o in poll["options"] if o["label"] == label)["votes"] += count

    def inject(
        self,
        status: int,
        times: int = 1,
        *,
        method: str | None = None,
        path: str | None = None,
        reset: int | bool | None = True,
        skip: int = 0,
    ) -> None:
        """The next ``times`` calls (matching method and path prefix) answer ``status``.

        For 429 ``reset`` True sends ``x-rate-limit-reset: now - 1``; an int sends that value;
        False sends no reset header (the hot-loop trap). ``skip`` lets that many through first.
        """
        at = int(time.time()) - 1 if reset is True else (None if reset is False else reset)
        self._injections.append(Injection(status, times, method, path, at, skip))

    # --- reading what happened ----------------------------------------------------------

    def created_tweets(self) -> list[Json]:
        """Tweets the bot posted, oldest first."""
        return [t for t in self.state.tweets.values() if t["author_id"] == self.me]

    def sent_dms(self) -> list[Json]:
        """DM events the bot sent, oldest first."""
        return [e for e in self.state.dm_events if e["sender_id"] == self.me]

    def calls_to(self, method: str, path: str) -> list[Call]:
        """Recorded calls with this method whose path starts with ``path``."""
        return [c for c in self.calls if c.method == method and c.path.startswith(path)]

    # --- internals ----------------------------------------------------------------------

    def add_tweet(self, text: str, author: str, in_reply_to: str | None) -> Json:
        """Store a tweet (conversation and reply fields filled in as X does)."""
        tweet_id = self.new_id()
        parent = self.state.tweets.get(in_reply_to or "")
        tweet = {
            "id": tweet_id,
            "text": text,
            "edit_history_tweet_ids": [tweet_id],
            "author_id": author,
            "created_at": now_iso(),
            "conversation_id": parent["conversation_id"] if parent else tweet_id,
        }
        if parent:
            tweet["in_reply_to_user_id"] = parent["author_id"]
            tweet["referenced_tweets"] = [{"type": "replied_to", "id": parent["id"]}]
        self.state.tweets[tweet_id] = tweet
        return tweet

    def add_dm_event(self, text: str, sender: str, conversation: str) -> Json:
        """Store a MessageCreate DM event."""
        event = {
            "id": self.new_id(),
            "event_type": "MessageCreate",
            "text": text,
            "sender_id": sender,
            "dm_conversation_id": conversation,
            "created_at": now_iso(),
        }
        self.state.dm_events.append(event)
        return event

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        body = await request.json() if request.can_read_body else None
        call = Call(request.method, request.path, dict(request.query), body, host=request.host)
        self.calls.append(call)
        response = self._check_oauth(request) or self._injected(request)
        if response is None:
            try:
                response = await handler(request)
            except web.HTTPException as exc:
                response = exc
        call.status = response.status
        return response

    def _injected(self, request: web.Request) -> web.Response | None:
        for inj in self._injections:
            if inj.times <= 0 or (inj.method and inj.method != request.method):
                continue
            if inj.path and not request.path.startswith(inj.path):
                continue
            if inj.skip > 0:
                inj.skip -= 1
                continue
            inj.times -= 1
            if inj.status != 429:
                return problem(inj.status, "Service Unavailable")
            headers = {"x-rate-limit-limit": "300", "x-rate-limit-remaining": "0"}
            if inj.reset is not None:
                headers["x-rate-limit-reset"] = str(inj.reset)
            return problem(429, "Too Many Requests", headers)
        return None

    def _check_oauth(self, request: web.Request) -> web.Response | None:
        """None when the OAuth 1.0a signature is valid for the original X URL; else a 401."""
        header = request.headers.get("Authorization", "")
        if not header.startswith("OAuth "):
            return problem(401, "Unauthorized")
        oauth = {
            k.strip(): unquote(v.strip().strip('"'))
            for k, _, v in (p.partition("=") for p in header[6:].split(","))
        }
        if not self._oauth_fields_ok(oauth):
            return problem(401, "Unauthorized")
        query = parse_qsl(request.rel_url.raw_query_string, keep_blank_values=True)
        params = query + [(k, v) for k, v in oauth.items() if k not in ("oauth_signature", "realm")]
        key = f"{_q(self.keys.consumer_secret)}&{_q(self.keys.access_token_secret)}"
        expected = oauth_signature(request.method, ORIGIN + request.rel_url.raw_path, params, key)
        if not hmac.compare_digest(expected, oauth.get("oauth_signature", "")):
            return problem(401, "Unauthorized")
        return None

    def _oauth_fields_ok(self, oauth: dict[str, str]) -> bool:
        """Right keys, method, a fresh timestamp and an unused nonce."""
        fresh = abs(int(oauth.get("oauth_timestamp", "0")) - time.time()) <= 300
        nonce = oauth.get("oauth_nonce", "")
        ok = (
            oauth.get("oauth_consumer_key") == self.keys.consumer_key
            and oauth.get("oauth_token") == self.keys.access_token
            and oauth.get("oauth_signature_method") == "HMAC-SHA1"
            and fresh
            and bool(nonce)
            and nonce not in self._nonces
        )
        self._nonces.add(nonce)
        return ok
