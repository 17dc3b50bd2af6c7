"""The floor under the Slack votes figure: the same web server (uvicorn, Starlette, uvloop) and
slack-bolt, checking each click's signature and acknowledging it, with nothing stored and nothing
sent back. No bot can take signed clicks faster than this on the machine at hand.
Usage: python -m bench.slack_floor PORT SIGNING_SECRET (run by bench/votes.py)."""

from __future__ import annotations

import re
import sys
from typing import Any

import uvicorn
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.authorization import AuthorizeResult
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route


def web_app(signing_secret: str) -> Starlette:
    """POST /slack/events through bolt (every action acknowledged, nothing else); GET /healthz."""

    async def authorize(**_: Any) -> AuthorizeResult:
        return AuthorizeResult(enterprise_id=None, team_id="T0FAKE001", bot_user_id="U0FEEDBOT")

    # As the bot's: the listener runs before the answer goes back (the bot stores the click first).
    bolt = AsyncApp(
        signing_secret=signing_secret, authorize=authorize, process_before_response=True
    )

    @bolt.action(re.compile(".*"))
    async def acknowledge(ack: AsyncAck) -> None:
        await ack()

    handler = AsyncSlackRequestHandler(bolt)

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    async def healthz(_: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[Route("/slack/events", events, methods=["POST"]), Route("/healthz", healthz)]
    )


def main() -> None:
    port, secret = int(sys.argv[1]), sys.argv[2]
    uvicorn.run(
        web_app(secret),
        host="127.0.0.1",
        port=port,
        loop="uvloop",
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
