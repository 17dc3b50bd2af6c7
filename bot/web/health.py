"""GET /healthz and GET /metrics (behind a bearer token when FEEDBOT_METRICS_TOKEN is set)."""

from __future__ import annotations

import hmac
from collections.abc import Sequence

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.adapters.base import Adapter
from bot.channel import ChannelState
from bot.events import Channel
from bot.web.body import BadRequest
from handlers.metrics import Metrics
from models.store import Store

NOT_CONFIGURED = {"state": "not_configured", "detail": "no credentials set; see docs/operating.md"}


def channel_status(adapters: Sequence[Adapter]) -> dict[str, dict[str, str]]:
    """Every channel's state; channels without an adapter are listed as not configured."""
    running = {a.channel.value: {"state": a.state.value, "detail": a.detail} for a in adapters}
    return {c.value: running.get(c.value, NOT_CONFIGURED) for c in Channel}


def routes(
    store: Store, adapters: Sequence[Adapter], metrics: Metrics, *, token: str = ""
) -> list[Route]:
    """Health for load balancers and people; metrics for Prometheus."""

    async def healthz(request: Request) -> Response:
        store_ok = await store.ping()
        body = {
            "status": "ok" if store_ok else "degraded",
            "store": "up" if store_ok else "down",
            "channels": channel_status(adapters),
        }
        return JSONResponse(body, status_code=200 if store_ok else 503)

    async def prometheus(request: Request) -> Response:
        _check_token(request, token)
        for status in ("pending", "sent", "failed"):
            metrics.outbox_depth.labels(status).set(0)
        for status, n in (await store.outbox.counts()).items():
            metrics.outbox_depth.labels(status).set(n)
        for a in adapters:
            metrics.channel_up.labels(a.channel.value).set(1 if a.state is ChannelState.UP else 0)
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    return [Route("/healthz", healthz), Route("/metrics", prometheus)]


def _check_token(request: Request, token: str) -> None:
    """BadRequest 401 unless the request carries ``Authorization: Bearer <token>`` (if set)."""
    given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    if token and not hmac.compare_digest(given.encode(), token.encode()):
        raise BadRequest(401, "/metrics needs Authorization: Bearer <FEEDBOT_METRICS_TOKEN>")
