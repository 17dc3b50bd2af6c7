"""POST /slack/events before bolt: the body read under a cap, Slack's signature checked over the
raw bytes, and only then the body parsed. Bolt would parse (and fail on) a stranger's body before
its own signature check; here an unsigned body is never parsed, and a signed one that bolt cannot
read is a 400, so no request from outside can make the route answer 500.

A button press (``block_actions``) is taken here, without bolt: Slack wants nothing back for it
but an empty 200, which is sent once the press is stored, as bolt's listener would have sent it.
Bolt's routing, context and listener machinery for each press cost as much CPU as everything
else the bot does with the press on the way in (bench/votes.py); events, forms and anything
else go through bolt as before."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from slack_bolt.adapter.starlette.async_handler import to_async_bolt_request, to_starlette_response
from slack_bolt.async_app import AsyncApp, AsyncBoltRequest
from starlette.requests import Request
from starlette.responses import Response

from bot.adapters.slack.form import interaction_payload
from bot.web.body import BadRequest, error, read_capped, whole_number

log = logging.getLogger(__name__)

BODY_CAP = 1024 * 1024
"""Largest body read: an event or interaction (a message with its blocks) is far smaller."""
MAX_AGE_S = 300
"""Slack's own limit: a request signed more than five minutes ago (or ahead) is refused."""
TIMESTAMP_HEADER = "x-slack-request-timestamp"
SIGNATURE_HEADER = "x-slack-signature"

Press = Callable[[dict[str, Any]], Awaitable[None]]
"""Takes a signed button press; returns once it is stored (raises when it could not be)."""


def signed(secret: str, body: bytes, headers: Mapping[str, str], now: float) -> bool:
    """Whether ``body`` carries Slack's v0 signature under ``secret``, made within five minutes."""
    raw_ts, given = headers.get(TIMESTAMP_HEADER, ""), headers.get(SIGNATURE_HEADER, "")
    timestamp = whole_number(raw_ts, digits=12)
    if not (secret and given) or timestamp is None or abs(now - timestamp) > MAX_AGE_S:
        return False
    base = b"v0:" + raw_ts.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), given.encode())


def button_press(payload: str) -> dict[str, Any] | None:
    """The interaction, when it is a press bolt's ``app.action`` listener would take (type
    ``block_actions``, a first action with a string ``action_id``); None for anything else."""
    try:
        body = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(body, dict) or body.get("type") != "block_actions":
        return None
    actions = body.get("actions")
    first = actions[0] if isinstance(actions, list) and actions else None
    return body if isinstance(first, dict) and isinstance(first.get("action_id"), str) else None


class EventsDoor:
    """The HTTP-mode route: 413 over the cap, 401 unless signed, 400 unreadable; a button press
    to ``press``, everything else to bolt (both store before they acknowledge)."""

    def __init__(self, app: AsyncApp, signing_secret: str, press: Press | None = None) -> None:
        self._app = app
        self._secret = signing_secret
        self._press = press

    async def handle(self, request: Request) -> Response:
        """Cap, verify, parse, then take a press or dispatch to bolt."""
        try:
            body = await read_capped(request, BODY_CAP)
        except BadRequest as exc:
            return error(exc.status, str(exc))
        if not signed(self._secret, body, request.headers, time.time()):
            log.warning("slack events: rejected a request with a missing or bad signature")
            return error(401, "bad signature")
        payload = interaction_payload(body)
        press = button_press(payload) if payload is not None and self._press else None
        if press is not None and self._press is not None:
            return await self._take(self._press, press)
        bolt_request = _readable(request, body, payload)
        if bolt_request is None:
            return error(400, "body is not a Slack event or interaction")
        return to_starlette_response(await self._app.async_dispatch(bolt_request))

    @staticmethod
    async def _take(press: Press, body: dict[str, Any]) -> Response:
        """Store the press, then Slack's empty 200; 500 (logged) when it could not be stored,
        as bolt answers when its listener fails."""
        try:
            await press(body)
        except Exception:
            log.exception("slack events: a button press could not be taken")
            return Response(status_code=500)
        return Response(status_code=200)


def _readable(request: Request, body: bytes, payload: str | None) -> AsyncBoltRequest | None:
    """Bolt's request for a signed body it can read (a JSON object, or a form), else None. An
    interaction's form is decoded here, in C (``payload``), and bolt given its JSON (which it
    reads as it would have read the form: bolt takes a body starting with ``{`` as JSON)."""
    try:
        if payload is None:
            bolt_request = to_async_bolt_request(request, body)
        else:
            bolt_request = AsyncBoltRequest(
                body=payload,
                query=request.query_params,  # type: ignore[arg-type] # as bolt's adapter passes
                headers=request.headers,  # type: ignore[arg-type]
            )
    except Exception as exc:  # noqa: BLE001 - whatever bolt's parser raises, the body is junk
        log.warning("slack events: signed body unreadable: %s", type(exc).__name__)
        return None
    return bolt_request if isinstance(bolt_request.body, dict) else None
