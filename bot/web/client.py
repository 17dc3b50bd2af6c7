"""Who is connecting: the client's network address, the one place it is derived."""

from __future__ import annotations

from starlette.requests import Request


def client_address(request: Request, proxy_header: str = "") -> str:
    """The last hop in the trusted proxy header when one is configured (the address your proxy
    added; earlier hops are the client's word), else the connecting peer."""
    if proxy_header:
        hops = [h.strip() for h in request.headers.get(proxy_header, "").split(",")]
        if hops[-1]:
            return hops[-1][:64]
    return request.client.host if request.client else "unknown"
