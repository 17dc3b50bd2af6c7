"""FakeSlack: a local Slack Web API + Socket Mode server, and a driver that signs Events API posts.

The Web API (``/api/<method>``) checks ``Authorization: Bearer``, records every call and can answer
the next N calls with a 429 (``Retry-After``) or a 5xx. ``apps.connections.open`` hands out
``ws://.../link``, which says hello, delivers envelopes and records acks. ``hook()`` hands out a
response_url (``/actions/...``): like Slack's, it takes 5 posts and can be expired; posts to it are
recorded as calls to "response_url". File uploads follow files.upload v2:
``files.getUploadURLExternal`` hands out ``/upload/<file id>``, the bytes posted there are kept in
``uploads`` (and recorded as an "upload" call), and ``files.completeUploadExternal`` shares only
files that were uploaded in full. ``views.open`` answers the view with an id (as a
view_submission later carries it); ``users.info`` and ``users.lookupByEmail`` show the addresses
in ``emails``. Posted messages are kept in ``history`` (with their metadata) and read back by
conversations.history and conversations.replies. ``hang_next`` makes a call that Slack carries
out (or, with ``take=False``, not) but whose answer is held past the client's timeout. The
inbound HTTP side (signed Events API and interaction posts) is ``tests.fakes.slack_driver``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes.slack_history import History
from tests.fakes.waiting import wait_until

Json = dict[str, Any]
HOOK_USES = 5


@dataclass
class Call:
    """One Web API call as the fake saw it."""

    method: str
    args: Json
    token: str
    status: int = 200
    at: float = field(default_factory=time.monotonic)
    answer: Json = field(default_factory=dict)


@dataclass
class Fault:
    """Answer the next ``count`` matching calls with ``status`` (and Retry-After for a 429), or
    with Slack's ``{"ok": false, "error": ...}`` when ``error`` is given."""

    status: int
    count: int
    retry_after: int = 0
    methods: frozenset[str] = frozenset()
    error: str = ""


@dataclass
class Hang:
    """Hold the answer to the next ``count`` calls of ``methods`` for ``seconds``; with
    ``take`` the call is carried out first (Slack took the message), else never."""

    seconds: float
    count: int
    methods: frozenset[str]
    take: bool = True
    drop: bool = False
    """Cut the connection instead of answering (after ``seconds``)."""


@dataclass
class Identity:
    """Who the fake workspace says the bot is."""

    bot_token: str = "xoxb-fake-bot-token"
    app_token: str = "xapp-fake-app-token"
    team_id: str = "T0FAKE001"
    team: str = "Library"
    bot_user_id: str = "U0BOT0001"
    bot_id: str = "B0BOT0001"
    app_id: str = "A0APP0001"


class FakeSlack:
    """The Slack side of a conversation, on 127.0.0.1 and a random port."""

    def __init__(self, identity: Identity | None = None) -> None:
        self.identity = identity or Identity()
        self.calls: list[Call] = []
        self.acks: dict[str, Json] = {}
        self.connections = 0
        self.faults: list[Fault] = []
        self.hangs: list[Hang] = []
        self.history = History()
        self._closing = asyncio.Event()
        self._sockets: list[web.WebSocketResponse] = []
        self._transports: dict[int, asyncio.Transport] = {}
        self._ts = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._hooks: dict[str, int] = {}  # response_url path → posts it still takes
        self.uploads: dict[str, bytes] = {}  # file id → the bytes uploaded
        self._files: dict[str, Json] = {}  # file id → what getUploadURLExternal was told
        self.emails: dict[str, str] = {}  # user id → the e-mail address users.info shows
        self.port = 0

    @property
    def api_url(self) -> str:
        """What FEEDBOT_SLACK_API_URL should be."""
        return f"http://127.0.0.1:{self.port}/api/"

    async def __aenter__(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_get("/link", self._link)
        app.router.add_post("/actions/{team}/{action}/{secret}", self._response_url)
        app.router.add_post("/upload/{file_id}", self._upload)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._closing.set()  # answers still held are let go
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what tests ask -------------------------------------------------------------------------

    def hook(self) -> str:
        """A fresh response_url, as Slack puts in an interaction payload."""
        path = f"/actions/{self.identity.team_id}/{next(self._ts)}/{secrets.token_hex(8)}"
        self._hooks[path] = HOOK_USES
        return f"http://127.0.0.1:{self.port}{path}"

    def expire_hooks(self) -> None:
        """Every response_url handed out so far stops working (Slack's 30 minutes have passed)."""
        self._hooks.clear()

    def calls_to(self, method: str, *, ok_only: bool = True) -> list[Call]:
        """Recorded calls of one method (by default only those answered 200)."""
        return [c for c in self.calls if c.method == method and (c.status == 200 or not ok_only)]

    def fail_next(
        self,
        status: int,
        count: int = 1,
        *,
        retry_after: int = 0,
        methods: tuple[str, ...] = (),
        error: str = "",
    ) -> None:
        """Answer the next ``count`` calls (of ``methods``, or any) with ``status`` (and the
        ``error`` Slack names, as in ``missing_scope``)."""
        self.faults.append(Fault(status, count, retry_after, frozenset(methods), error))

    def hang_next(
        self,
        seconds: float,
        count: int = 1,
        *,
        methods: tuple[str, ...] = ("chat.postMessage",),
        take: bool = True,
    ) -> None:
        """Hold the answer to the next ``count`` calls of ``methods`` for ``seconds``, having
        carried them out (``take``) or not."""
        self.hangs.append(Hang(seconds, count, frozenset(methods), take))

    def drop_next(
        self, count: int = 1, *, methods: tuple[str, ...] = ("chat.postMessage",)
    ) -> None:
        """Carry out the next ``count`` calls of ``methods``, then cut the connection instead of
        answering (the client sees the server disconnect mid-answer)."""
        self.hangs.append(Hang(0.0, count, frozenset(methods), take=True, drop=True))

    async def wait_for_calls(self, method: str, count: int = 1, within: float = 5.0) -> list[Call]:
        """Wait for ``count`` successful calls of ``method``; return them."""
        await wait_until(lambda: len(self.calls_to(method)) >= count, within=within, what=method)
        return self.calls_to(method)

    # -- Socket Mode ------------------------------------------------------------------------------

    async def push(self, payload: Json, *, kind: str = "events_api", retry_attempt: int = 0) -> str:
        """Send one envelope over the newest open socket (waiting for one); return its id."""
        await wait_until(lambda: bool(self._open_sockets()), what="a Socket Mode connection")
        envelope_id = f"env-{next(self._ts)}"
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": False,
        }
        if kind == "events_api":
            envelope |= {
                "retry_attempt": retry_attempt,
                "retry_reason": "timeout" if retry_attempt else "",
            }
        await self._open_sockets()[-1].send_json(envelope)
        return envelope_id

    async def wait_for_ack(self, envelope_id: str, within: float = 5.0) -> Json:
        """Wait until the client acknowledged the envelope."""
        await wait_until(
            lambda: envelope_id in self.acks, within=within, what=f"ack of {envelope_id}"
        )
        return self.acks[envelope_id]

    async def deliver(self, payload: Json, *, attempts: int = 3, each: float = 4.0) -> Json:
        """Push an event as Slack does: an envelope not acknowledged in time is sent again (with
        ``retry_attempt`` counted up), up to ``attempts`` times; returns the acknowledgement."""
        for attempt in range(attempts):
            envelope_id = await self.push(payload, retry_attempt=attempt)
            try:
                return await self.wait_for_ack(envelope_id, within=each)
            except AssertionError:
                if attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")

    async def drop_sockets(self, *, disconnect_message: bool = False, abrupt: bool = False) -> None:
        """Close every open socket: after Slack's ``disconnect`` message, or cut the TCP line."""
        for socket in self._open_sockets():
            transport = self._transports.get(id(socket))
            if abrupt and transport is not None:
                transport.abort()
                continue
            if disconnect_message:
                await socket.send_json({"type": "disconnect", "reason": "refresh_requested"})
            await socket.close(code=1001, message=b"going away")

    def _open_sockets(self) -> list[web.WebSocketResponse]:
        """Sockets still open, oldest first."""
        transports = self._transports
        return [
            s
            for s in self._sockets
            if not s.closed and not (id(s) in transports and transports[id(s)].is_closing())
        ]

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        """The Socket Mode WebSocket: hello, then envelopes out and acks in."""
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        await socket.send_json(
            {
                "type": "hello",
                "num_connections": 1,
                "connection_info": {"app_id": self.identity.app_id},
            }
        )
        # Counted, and open to envelopes, only once it has said hello (as Slack does).
        if isinstance(request.transport, asyncio.Transport):
            self._transports[id(socket)] = request.transport
        self._sockets.append(socket)
        self.connections += 1
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                ack = json.loads(message.data)
                self.acks[str(ack.get("envelope_id"))] = ack
        return socket

    # -- Web API ----------------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        """Every Web API method: auth check, fault injection, then the method's answer."""
        method, args = request.match_info["method"], await _arguments(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip() or str(
            args.get("token", "")
        )
        call = Call(method, args, token)
        self.calls.append(call)
        hang = self._hang(method)
        if hang is not None and not hang.take:  # lost on the way: never carried out
            await self._hold(hang.seconds)
            call.status = 503
            return web.Response(status=503, text="lost")
        response = self._fault(method) or self._answer(method, args, token)
        call.status = response.status
        if response.content_type == "application/json" and response.text:
            call.answer = json.loads(response.text)
        if hang is not None and hang.take:
            await self._hold(hang.seconds)
        if hang is not None and hang.drop and request.transport is not None:
            request.transport.abort()
        return response

    def _hang(self, method: str) -> Hang | None:
        """A hang waiting for this call, if any (counted down)."""
        for hang in self.hangs:
            if hang.count > 0 and method in hang.methods:
                hang.count -= 1
                return hang
        return None

    async def _hold(self, seconds: float) -> None:
        """Sit on an answer for ``seconds`` (or until the fake closes)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)

    async def _response_url(self, request: web.Request) -> web.Response:
        """A post to a response_url: "ok", or 404 once it is used up or expired."""
        call = Call("response_url", await request.json(), token=request.path)
        self.calls.append(call)
        left = self._hooks.get(request.path)
        if left:
            self._hooks[request.path] = left - 1
            response = web.Response(text="ok")
        else:
            response = web.Response(status=404, text="expired_url" if left is None else "used_url")
        call.status = response.status
        return response

    async def _upload(self, request: web.Request) -> web.Response:
        """The upload URL: keeps the bytes of a file announced by getUploadURLExternal."""
        file_id, body = request.match_info["file_id"], await request.read()
        self.calls.append(Call("upload", {"file_id": file_id, "bytes": len(body)}, token=""))
        announced = self._files.get(file_id)
        if announced is None or int(announced["length"]) != len(body):
            self.calls[-1].status = 400
            return web.Response(status=400, text="unknown file or wrong length")
        self.uploads[file_id] = body
        return web.Response(text=f"OK - {len(body)}")

    def _fault(self, method: str) -> web.Response | None:
        """An injected 429/5xx for this call, if one is pending."""
        for fault in self.faults:
            if fault.count > 0 and (not fault.methods or method in fault.methods):
                fault.count -= 1
                if fault.error:
                    body = {"ok": False, "error": fault.error}
                    return web.json_response(body, status=fault.status)
                if fault.status == 429:
                    body = {"ok": False, "error": "ratelimited"}
                    return web.json_response(
                        body, status=429, headers={"Retry-After": str(fault.retry_after)}
                    )
                return web.Response(status=fault.status, text="upstream trouble")
        return None

    def _answer(self, method: str, args: Json, token: str) -> web.Response:
        """A realistic answer, or invalid_auth for the wrong token."""
        wanted = (
            self.identity.app_token
            if method == "apps.connections.open"
            else self.identity.bot_token
        )
        if token != wanted:
            return web.json_response(
                {"ok": False, "error": "invalid_auth" if token else "not_authed"}
            )
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        try:
            return web.json_response({"ok": True, **handler(args)})
        except _Refusal as refusal:
            return web.json_response({"ok": False, "error": str(refusal)})

    def _auth_test(self, args: Json) -> Json:
        i = self.identity
        url = "https://library.slack.com/"
        return {
            "url": url,
            "team": i.team,
            "user": "feedbot",
            "team_id": i.team_id,
            "user_id": i.bot_user_id,
            "bot_id": i.bot_id,
        }

    def _apps_connections_open(self, args: Json) -> Json:
        return {"url": f"ws://127.0.0.1:{self.port}/link?ticket={next(self._ts)}"}

    def _chat_postMessage(self, args: Json) -> Json:
        if not args.get("channel"):
            raise _Refusal("channel_not_found")
        ts = self._next_ts()
        message = self.history.post(args, ts=ts, user=self.identity.bot_user_id)
        return {"channel": args.get("channel"), "ts": ts, "message": message}

    def _conversations_history(self, args: Json) -> Json:
        return self.history.history(args)

    def _conversations_replies(self, args: Json) -> Json:
        if not args.get("ts"):
            raise _Refusal("invalid_arguments")
        return self.history.replies(args)

    def _chat_update(self, args: Json) -> Json:
        if not args.get("channel") or not args.get("ts"):
            raise _Refusal("message_not_found")
        return {"channel": args.get("channel"), "ts": args.get("ts"), "text": args.get("text", "")}

    def _chat_postEphemeral(self, args: Json) -> Json:
        return {"message_ts": self._next_ts()}

    def _conversations_open(self, args: Json) -> Json:
        return {"channel": {"id": "D" + str(args.get("users", "")).split(",")[0].lstrip("UW")}}

    def _users_info(self, args: Json) -> Json:
        user = str(args.get("user", ""))
        profile = {"display_name": f"user-{user}", "real_name": f"User {user}"}
        if user in self.emails:  # shown only to apps with users:read.email, as Slack does
            profile["email"] = self.emails[user]
        return {"user": {"id": user, "name": f"user-{user}", "is_bot": False, "profile": profile}}

    def _users_lookupByEmail(self, args: Json) -> Json:
        wanted = str(args.get("email", "")).lower()
        for user, email in self.emails.items():
            if email.lower() == wanted:
                return self._users_info({"user": user})
        raise _Refusal("users_not_found")

    def _views_open(self, args: Json) -> Json:
        view = _json_arg(args.get("view")) or {}
        if not args.get("trigger_id") or not view.get("type"):
            raise _Refusal("invalid_arguments")
        return {"view": {"id": f"V{next(self._ts):08d}", "hash": f"{time.time():.6f}", **view}}

    def _files_getUploadURLExternal(self, args: Json) -> Json:
        if not args.get("filename") or not str(args.get("length", "")).isdigit():
            raise _Refusal("invalid_arguments")
        file_id = f"F{next(self._ts):08d}"
        self._files[file_id] = {"filename": args["filename"], "length": args["length"]}
        self._files[file_id]["alt_txt"] = args.get("alt_txt", "")
        return {"upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}", "file_id": file_id}

    def _files_completeUploadExternal(self, args: Json) -> Json:
        files = _json_arg(args.get("files")) or []
        if not files or any(f.get("id") not in self.uploads for f in files):
            raise _Refusal("file_not_found")
        channel = args.get("channel_id", "")
        return {
            "files": [
                {
                    "id": f["id"],
                    "title": f.get("title", ""),
                    "name": self._files[f["id"]]["filename"],
                    "channels": [channel] if channel else [],
                }
                for f in files
            ]
        }

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"


class _Refusal(Exception):
    """A method's ``ok: false`` answer."""


async def _arguments(request: web.Request) -> Json:
    """A call's arguments, whether sent as query, form or JSON."""
    args: Json = dict(request.query)
    if request.content_type == "application/json":
        args |= await request.json()
    elif request.can_read_body:
        args |= dict(await request.post())
    return args


def _json_arg(value: Any) -> Any:
    """Form-encoded calls carry nested values as JSON strings."""
    return json.loads(value) if isinstance(value, str) else value
