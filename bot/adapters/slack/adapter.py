"""SlackAdapter: bolt AsyncApp over Socket Mode or HTTP (POST /slack/events); Web API out."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

import aiohttp
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.errors import SlackApiError
from starlette.routing import BaseRoute, Route

from bot.adapters.network import may_have_arrived
from bot.adapters.payload import obj, text
from bot.adapters.slack.bolt_app import build_app
from bot.adapters.slack.client import build_client, send_error
from bot.adapters.slack.events_door import EventsDoor
from bot.adapters.slack.inbound import to_event
from bot.adapters.slack.lookup import find_post
from bot.adapters.slack.outbound import (
    CAPABILITIES,
    thread_ts,
    update_call,
)
from bot.adapters.slack.posting import Poster
from bot.adapters.slack.staff import is_staff, reply_view, staff_action
from bot.backoff import backoff
from bot.channel import Capabilities, ChannelState, EventSink, SendError
from bot.events import (
    Channel,
    OutboundMessage,
    ReplyForm,
    StaffAction,
    StaffAnswer,
)

StaffSink = Callable[[StaffAction], Awaitable[StaffAnswer]]

log = logging.getLogger(__name__)

AUTH_ERRORS = frozenset({"invalid_auth", "not_authed", "account_inactive", "token_revoked"})
NETWORK_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError, OSError)


class NotReady(RuntimeError):
    """Slack's auth.test has not answered yet: bolt answers 500, so Slack redelivers."""


class SlackAdapter:
    """Slack via slack-bolt: Socket Mode when an app token is given, HTTP Events API otherwise."""

    channel = Channel.SLACK
    capabilities: Capabilities = CAPABILITIES

    def __init__(
        self,
        *,
        bot_token: str,
        signing_secret: str = "",
        app_token: str = "",
        api_url: str = "https://slack.com/api/",
        ping_interval_s: float = 10.0,
        max_backoff_s: float = 300.0,
        max_rate_limit_wait_s: float = 5.0,
        send_timeout_s: int = 10,
    ) -> None:
        self._client = build_client(
            bot_token,
            api_url,
            max_rate_limit_wait_s=max_rate_limit_wait_s,
            timeout_s=send_timeout_s,
        )
        self._timeout_s = send_timeout_s
        self._api_url = api_url
        self._app_token = app_token
        self._ping_interval_s = ping_interval_s
        self._max_backoff_s = max_backoff_s
        self._app = build_app(self, signing_secret, build_client(None, api_url))
        self._poster = Poster(self._client, api_url, lambda: self._session)
        self._door = EventsDoor(self._app, signing_secret, press=self.ingest)
        self._socket: AsyncSocketModeHandler | None = None
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._sink: EventSink | None = None
        self._staff_channel = ""
        self._staff_sink: StaffSink | None = None
        self._auth: AuthorizeResult | None = None
        self._state, self._detail = ChannelState.STOPPED, ""
        self._setting = "FEEDBOT_SLACK_BOT_TOKEN"

    @property
    def state(self) -> ChannelState:
        """Health for /healthz; RECONNECTING while the SDK replaces a dropped socket."""
        session = self._socket.client.current_session if self._socket is not None else None
        if self._state is ChannelState.UP and session is not None and session.closed:
            return ChannelState.RECONNECTING
        return self._state

    @property
    def detail(self) -> str:
        """One line saying why, for /healthz."""
        return self._detail

    @property
    def socket_mode(self) -> bool:
        """True when events arrive over Socket Mode rather than HTTP."""
        return bool(self._app_token)

    @property
    def exclusive_connection(self) -> bool:
        """Socket Mode is one process's job (Slack spreads events over the open sockets); HTTP
        mode takes requests on any process."""
        return self.socket_mode

    def routes(self) -> Sequence[BaseRoute]:
        """POST /slack/events in HTTP mode; nothing in Socket Mode."""
        if self.socket_mode:
            return []
        return [Route("/slack/events", self._door.handle, methods=["POST"], name="slack_events")]

    async def start(self, sink: EventSink) -> None:
        """Begin connecting in the background; never raises for platform trouble."""
        self._sink = sink
        # One kept-alive connection pool for the Web API; without it the SDK opens (and
        # closes) a session, with a fresh TCP and TLS handshake, for every call.
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self._timeout_s))
        self._client.session = self._session
        self._set(ChannelState.STARTING, "connecting")
        self._task = asyncio.create_task(self._connect_loop(), name="slack-connect")

    async def stop(self) -> None:
        """Cancel the connect loop and close the Socket Mode connection, if any."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            await asyncio.sleep(0)
        if self._session is not None:
            await self._session.close()
        self._task, self._socket, self._session = None, None, None
        self._client.session = None
        self._set(ChannelState.STOPPED, "stopped")

    async def send(self, message: OutboundMessage) -> str:
        """Post a message (``edit_of``: update that one); returns the ts of the last piece."""
        try:
            if message.edit_of:
                response = await self._client.chat_update(**update_call(message, message.edit_of))
                return str(response["ts"])
            return await self._poster.post(message)
        except SlackApiError as exc:
            raise send_error(exc) from exc
        except NETWORK_ERRORS as exc:
            reason = f"slack unreachable: {exc!r}"
            raise SendError(reason, unknown=may_have_arrived(exc)) from exc

    def can_look_up(self, message: OutboundMessage) -> bool:
        """A post carrying its send key can be found again; an ephemeral one, an edit or an
        upload not."""
        return (
            bool(message.send_key)
            and not (message.private_to or message.edit_of)
            and not message.images
        )

    async def look_up(self, message: OutboundMessage, *, since: datetime) -> str | None:
        """The ts of an earlier post of ``message`` found by its metadata (see SendLookup)."""
        try:
            channel = await self._poster.dm_channel(message.address.chat)
            return await find_post(
                self._client,
                channel=channel,
                thread=thread_ts(message),
                key=message.send_key,
                since=since,
            )
        except NETWORK_ERRORS as exc:
            raise SendError(f"slack unreachable: {exc!r}") from exc

    def serve_staff(self, channel: str, sink: StaffSink) -> None:
        """Hand staff work (our staff buttons and form, anything in ``channel``) to ``sink``."""
        self._staff_channel, self._staff_sink = channel, sink

    async def open_form(self, trigger: str, form: ReplyForm) -> bool:
        """views.open the reply form (within Slack's three seconds of the press)."""
        try:
            await self._client.views_open(trigger_id=trigger, view=reply_view(form))
        except (SlackApiError, *NETWORK_ERRORS) as exc:
            log.warning("slack views.open failed: %s", exc)
            return False
        return True

    async def user_email(self, user: str) -> str:
        """The e-mail address Slack holds for a user (users.info; needs users:read.email)."""
        try:
            response = await self._client.users_info(user=user)
        except (SlackApiError, *NETWORK_ERRORS) as exc:
            log.warning("slack users.info failed: %s", exc)
            return ""
        profile = obj(obj(obj(response.data).get("user")).get("profile"))
        return text(profile.get("email")).strip().lower()

    async def staff(self, body: dict[str, Any]) -> StaffAnswer:
        """Translate staff work and hand it to the staff sink (without one: dropped)."""
        action = staff_action(body, self._staff_channel)
        if action is None or self._staff_sink is None:
            return StaffAnswer()
        return await self._staff_sink(action)

    async def ingest(self, body: dict[str, Any]) -> None:
        """Translate one delivery and hand it to the sink; raising makes bolt (or, for a button
        press over HTTP, the events door) answer 500.
        Staff work goes to the staff sink instead: it is never customer feedback."""
        if is_staff(body, self._staff_channel):
            await self.staff(body)
            return
        event = to_event(body)
        if event is None:
            return
        if self._sink is None:
            raise NotReady("slack adapter not started")
        await self._sink(event)

    async def authorize(self) -> AuthorizeResult:
        """The bot's identity for bolt (and its own-message filter), from one cached auth.test."""
        if self._auth is None:
            try:
                self._auth = await self._auth_test()
            except (SlackApiError, *NETWORK_ERRORS) as exc:
                raise NotReady(f"slack auth.test failed: {exc}") from exc
        return self._auth

    async def _auth_test(self) -> AuthorizeResult:
        """Call auth.test with the bot token."""
        response = await self._client.auth_test()
        return AuthorizeResult.from_auth_test_response(
            bot_token=self._client.token, auth_test_response=response
        )

    async def _connect_loop(self) -> None:
        """Authenticate (and open Socket Mode), with exponential back-off and jitter until done."""
        attempt = 0
        while True:
            try:
                await self._connect()
                return
            except SlackApiError as exc:
                self._failed(exc)
            except NETWORK_ERRORS as exc:
                self._reconnecting(f"slack unreachable: {exc!r}")
            attempt += 1
            await asyncio.sleep(backoff(attempt, base=1.0, cap=self._max_backoff_s, jitter=1.0))

    async def _connect(self) -> None:
        """auth.test, then in Socket Mode a WebSocket connection; state UP when done."""
        self._setting = "FEEDBOT_SLACK_BOT_TOKEN"
        self._auth = await self._auth_test()
        if self.socket_mode:
            self._setting = "FEEDBOT_SLACK_APP_TOKEN"
            await self._client.apps_connections_open(app_token=self._app_token)
            self._socket = AsyncSocketModeHandler(
                self._app,
                self._app_token,
                web_client=self._client,
                ping_interval=self._ping_interval_s,
            )
            await self._socket.connect_async()  # type: ignore[no-untyped-call]
        mode = "socket mode" if self.socket_mode else "http mode"
        self._set(ChannelState.UP, f"{mode} as {self._auth.bot_user_id}")

    def _failed(self, exc: SlackApiError) -> None:
        """Log one line naming the setting for a rejected token; otherwise mark reconnecting."""
        error = exc.response.get("error", "") if isinstance(exc.response.data, dict) else ""
        if error in AUTH_ERRORS:
            if self._state is not ChannelState.DOWN:
                log.error(
                    "slack: %s was rejected (%s); channel down, retrying", self._setting, error
                )
            self._set(ChannelState.DOWN, f"{self._setting} rejected: {error}")
        else:
            self._reconnecting(f"slack error: {error or exc.response.status_code}")

    def _reconnecting(self, detail: str) -> None:
        """Mark a transient failure, logging once per outage."""
        if self._state is not ChannelState.RECONNECTING:
            log.warning("slack: %s; retrying with back-off", detail)
        self._set(ChannelState.RECONNECTING, detail)

    def _set(self, state: ChannelState, detail: str) -> None:
        """Record state and why."""
        self._state, self._detail = state, detail
