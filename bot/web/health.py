"""GET /healthz and GET /metrics."""

from __future__ import annotations

from collections.abc import Sequence

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.adapters.base import Adapter, ChannelState
from handlers.metrics import Metrics
from models.store import Store


def routes(store: Store, adapters: Sequence[Adapter], metrics: Metrics) -> list[Route]:
    """Health for load balancers and people; metrics for Prometheus."""

    async def healthz(request: Request) -> Response:
        store_ok = await store.ping()
        channels = {a.channel.value: {"state": a.state.value, "detail": a.detail} for a in adapters}
        body = {
            "status": "ok" if store_ok else "degraded",
            "store": "up" if store_ok else "down",
            "channels": channels,
        }
        return JSONResponse(body, status_code=200 if store_ok else 503)

    async def prometheus(request: Request) -> Response:
        for status in ("pending", "sent", "failed"):
            metrics.outbox_depth.labels(status).set(0)
        for status, n in (await store.outbox_counts()).items():
            metrics.outbox_depth.labels(status).set(n)
        for a in adapters:
            metrics.channel_up.labels(a.channel.value).set(1 if a.state is ChannelState.UP else 0)
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    return [Route("/healthz", healthz), Route("/metrics", prometheus)]
