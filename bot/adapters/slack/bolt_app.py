"""The bolt app behind the events door and Socket Mode: every delivery is stored before it is
acknowledged, staff forms answered with their errors."""

from __future__ import annotations

import logging
import re
from typing import Any, Protocol

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.staff import TEXT_BLOCK
from bot.events import STAFF_PREFIX, StaffAnswer


class BoltHost(Protocol):
    """What the app hands deliveries to (the adapter)."""

    async def ingest(self, body: dict[str, Any]) -> None: ...

    async def staff(self, body: dict[str, Any]) -> StaffAnswer: ...

    async def authorize(self) -> AuthorizeResult: ...


def build_app(adapter: BoltHost, signing_secret: str, client: AsyncWebClient) -> AsyncApp:
    """An AsyncApp that stores each delivery before acking it (failed store → 500 → redelivery).

    Its client carries no token: bolt takes the bot's identity from ``authorize`` instead. Bolt
    does not check signatures again: the only HTTP way in is ``EventsDoor``, which checks every
    request before bolt sees it, and bolt never checks Socket Mode envelopes (they come over the
    app-token WebSocket, unsigned), so a second check would only repeat the door's.
    """
    app = AsyncApp(
        client=client,
        signing_secret=signing_secret,
        request_verification_enabled=False,
        authorize=_authorize_with(adapter),
        process_before_response=True,
        logger=logging.getLogger("slack_bolt"),
    )

    async def on_event(body: dict[str, Any]) -> None:
        await adapter.ingest(body)

    async def on_action(ack: AsyncAck, body: dict[str, Any]) -> None:
        await adapter.ingest(body)
        await ack()

    async def on_view(ack: AsyncAck, body: dict[str, Any]) -> None:
        answer = await adapter.staff(body)
        if answer.problem:
            errors = {TEXT_BLOCK: answer.problem[:150]}
            await ack(response_action="errors", errors=errors)
        else:
            await ack()

    app.event(re.compile(".*"))(on_event)
    app.action(re.compile(".*"))(on_action)
    app.view(re.compile(f"^{re.escape(STAFF_PREFIX)}"))(on_view)
    return app


def _authorize_with(adapter: BoltHost) -> Any:
    """bolt injects listener arguments by name, so it gets a plain function, not a bound method."""

    async def authorize() -> AuthorizeResult:
        return await adapter.authorize()

    return authorize
