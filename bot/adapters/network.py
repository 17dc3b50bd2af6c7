"""Whether a request that failed may still have reached the platform: only a connection that
was never made (refused, timed out while connecting, no free connection) proves it did not.
A read timeout after the request went out, or a connection dropped mid-answer, leaves the
outcome unknown: the platform may have taken the message."""

from __future__ import annotations

import aiohttp
import httpx

NEVER_SENT: tuple[type[BaseException], ...] = (
    aiohttp.ClientConnectorError,
    aiohttp.ConnectionTimeoutError,
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)


def may_have_arrived(exc: BaseException) -> bool:
    """False when ``exc``, or an exception that caused it, shows the request never left."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, NEVER_SENT):
            return False
        seen = seen.__cause__
    return True
