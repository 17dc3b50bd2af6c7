"""The X adapter: tweepy's AsyncClient (API v2, OAuth 1.0a user context) polled on an interval.

Lifecycle: ``start`` returns at once; a background task checks the credentials (``/2/users/me``),
then polls mentions and DMs every ``poll_interval_s`` (or, in webhook mode, leaves inbound traffic
to ``POST /x/webhook``). Rejected credentials → DOWN with one log line naming the settings, retried
slowly; 5xx and network errors → RECONNECTING with back-off and jitter; 429 → wait for the
announced reset, a bounded back-off when none was announced.

Sending and reading poll counts need no ``start``: without the polling client (a standby
process, while another holds X's polling lease) a call opens a client of its own and closes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiohttp
from starlette.routing import BaseRoute
from tweepy.asynchronous import AsyncClient
from tweepy.errors import Forbidden, TooManyRequests, TweepyException, Unauthorized

from bot.adapters.x.poll import Poller
from bot.adapters.x.ratelimit import reset_wait
from bot.adapters.x.send import CAPABILITIES, SHORT_WAIT_S, Sender
from bot.adapters.x.session import DEFAULT_API_URL, RewritingSession
from bot.adapters.x.webhook import Webhook
from bot.backoff import Backoff
from bot.channel import ChannelState, Cursors, EventSink
from bot.events import Channel, OutboundMessage

log = logging.getLogger(__name__)

SETTING_NAMES = (
    "FEEDBOT_X_CONSUMER_KEY, FEEDBOT_X_CONSUMER_SECRET, "
    "FEEDBOT_X_ACCESS_TOKEN, FEEDBOT_X_ACCESS_TOKEN_SECRET"
)
BASELINE_LOOKBACK = timedelta(minutes=1)
REQUEST_TIMEOUT_S = 30.0
MAX_RATE_WAIT_S = 900.0
STOP_GRACE_S = 2.0
DEFAULT_BACKOFF = Backoff(base=2.0, cap=300.0)
_TRANSIENT = (TweepyException, aiohttp.ClientError, TimeoutError)


@dataclass(frozen=True, slots=True)
class XKeys:
    """The bot account's four OAuth 1.0a keys."""

    consumer_key: str
    consumer_secret: str
    access_token: str
    access_token_secret: str


class XAdapter:
    """X (Twitter) through tweepy's AsyncClient: mentions and DMs in, reply tweets and DMs out."""

    channel = Channel.X
    capabilities = CAPABILITIES

    def __init__(
        self,
        keys: XKeys,
        cursors: Cursors,
        *,
        api_url: str = DEFAULT_API_URL,
        poll_interval_s: float = 120.0,
        webhook_mode: bool = False,
        backoff: Backoff = DEFAULT_BACKOFF,
        short_wait_s: float = SHORT_WAIT_S,
    ) -> None:
        self._keys = keys
        self._cursors = cursors
        self._api_url = api_url
        self._interval = poll_interval_s
        self._webhook_mode = webhook_mode
        self._backoff = backoff
        self._short_wait_s = short_wait_s
        self._webhook = Webhook(keys.consumer_secret, lambda: self._sink)
        self._state = ChannelState.STOPPED
        self._detail = ""
        self._sink: EventSink | None = None
        self._session: aiohttp.ClientSession | None = None
        self._client: AsyncClient | None = None
        self._sender: Sender | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self.me: str | None = None

    @property
    def state(self) -> ChannelState:
        """The channel's health for /healthz."""
        return self._state

    @property
    def detail(self) -> str:
        """A short human reason for the state."""
        return self._detail

    @property
    def webhook_mode(self) -> bool:
        """Whether X delivers inbound traffic to ``POST /x/webhook`` (no polling)."""
        return self._webhook_mode

    @property
    def exclusive_connection(self) -> bool:
        """Polling is one process's job: X bills every read, and each process would read the
        same mentions and DMs. Webhook deliveries come to any process."""
        return not self._webhook_mode

    def routes(self) -> Sequence[BaseRoute]:
        """``GET|POST /x/webhook`` (CRC and signed deliveries)."""
        return self._webhook.routes()

    async def start(self, sink: EventSink) -> None:
        """Open the client and start the background task; never raises for platform trouble."""
        self._sink = sink
        self._stopping.clear()
        self._session = self._new_session()
        self._client = self._new_client(self._session)
        self._sender = Sender(self._client, short_wait_s=self._short_wait_s)
        self._set(ChannelState.STARTING, "checking credentials")
        self._task = asyncio.create_task(self._run(sink), name="x-adapter")

    async def send(self, message: OutboundMessage) -> str:
        """Post a reply tweet (thread when long), a DM, or a poll; raises SendError on failure."""
        if self._sender is not None:
            return await self._sender.send(message)
        async with self._one_off() as client:
            return await Sender(client, short_wait_s=self._short_wait_s).send(message)

    async def poll_counts(self, tweet_id: str) -> dict[str, int]:
        """A native poll's aggregate counts (label → votes), read back by tweet lookup."""
        if self._client is not None:
            return await self._counts(self._client, tweet_id)
        async with self._one_off() as client:
            return await self._counts(client, tweet_id)

    async def _counts(self, client: AsyncClient, tweet_id: str) -> dict[str, int]:
        found = await client.get_tweet(
            tweet_id,
            expansions=["attachments.poll_ids"],
            poll_fields=["options", "voting_status"],
            user_auth=True,
        )
        polls = (found.get("includes") or {}).get("polls") or [{}]
        return {str(o["label"]): int(o.get("votes", 0)) for o in polls[0].get("options", [])}

    def _new_session(self) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S))

    def _new_client(self, session: aiohttp.ClientSession) -> AsyncClient:
        client = AsyncClient(
            consumer_key=self._keys.consumer_key,
            consumer_secret=self._keys.consumer_secret,
            access_token=self._keys.access_token,
            access_token_secret=self._keys.access_token_secret,
            return_type=dict,
        )
        client.session = RewritingSession(session, self._api_url)
        return client

    @contextlib.asynccontextmanager
    async def _one_off(self) -> AsyncIterator[AsyncClient]:
        """A client for one call while this process does not poll (nothing left open)."""
        async with self._new_session() as session:
            yield self._new_client(session)

    async def stop(self) -> None:
        """Let a polling round in flight finish (briefly), then close the HTTP session."""
        self._stopping.set()
        if self._task is not None:
            done, _ = await asyncio.wait({self._task}, timeout=STOP_GRACE_S)
            if not done:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None
        self._sink = self._sender = self._client = None
        self._set(ChannelState.STOPPED, "")

    def _set(self, state: ChannelState, detail: str) -> None:
        self._state, self._detail = state, detail

    async def _sleep(self, seconds: float) -> None:
        """Wait, or return early when stopping."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):  # not wait_for: it can swallow a cancel on 3.11
                await self._stopping.wait()

    async def _run(self, sink: EventSink) -> None:
        """Connect, then poll until stopped, waiting out failures without a hot loop."""
        baseline = datetime.now(UTC) - BASELINE_LOOKBACK
        failures = 0
        while not self._stopping.is_set():
            try:
                await self._round(sink, baseline)
                failures = 0
                wait = self._interval
            except Exception as exc:  # noqa: BLE001 - every failure is waited out, never raised
                wait = self._failed(exc, failures)
                failures += 1
            if self._webhook_mode and self._state is ChannelState.UP:
                return
            await self._sleep(wait)

    async def _round(self, sink: EventSink, baseline: datetime) -> None:
        """Check credentials once, then one polling round (none in webhook mode)."""
        assert self._client is not None
        if self.me is None:
            found = await self._client.get_me(user_auth=True)
            self.me = str(found["data"]["id"])
            log.info("x: signed in as user %s", self.me)
        if not self._webhook_mode:
            poller = Poller(self._client, self._cursors, sink, me=self.me, baseline=baseline)
            await poller.poll()
        self._set(ChannelState.UP, "webhook mode" if self._webhook_mode else "polling")

    def _down(self, exc: Exception, failures: int) -> float:
        """Credentials rejected (401) or access refused (403): DOWN, one log line, slow retries."""
        if isinstance(exc, Unauthorized):
            reason = "credentials rejected (401); check " + SETTING_NAMES
        else:
            reason = "access refused (403); check the X app's access level for mentions and DMs"
        if self._state is not ChannelState.DOWN:
            log.error("x: %s", reason)
        self._set(ChannelState.DOWN, reason)
        return max(self._interval, self._backoff.delay(failures))

    def _failed(self, exc: Exception, failures: int) -> float:
        """Set the state for a failure and say how long to wait before the next try."""
        if isinstance(exc, Unauthorized | Forbidden):
            return self._down(exc, failures)
        if isinstance(exc, TooManyRequests):
            wait = reset_wait(exc, time.time())
            self._set(self._state, "rate limited")
            if wait is None:
                return max(self._interval, self._backoff.delay(failures))
            floor = self._backoff.delay(failures) if failures else 0.0
            return min(max(wait, floor), MAX_RATE_WAIT_S)
        reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        if not isinstance(exc, _TRANSIENT):
            log.exception("x: unexpected error while polling")
        elif self._state is not ChannelState.RECONNECTING:
            log.warning("x: %s; reconnecting", reason)
        self._set(ChannelState.RECONNECTING, reason)
        return self._backoff.delay(failures)
