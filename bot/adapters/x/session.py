"""The seam tweepy leaves for another host: an aiohttp session that rewrites the URL it is given.

tweepy's ``AsyncClient.request`` hard-codes ``https://api.twitter.com`` and signs OAuth 1.0a on that
URL; this wrapper only swaps scheme, host, port (and an optional path prefix) afterwards, so the
signature still covers the original URL and a fake or proxy can verify it.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from yarl import URL

DEFAULT_API_URL = "https://api.twitter.com"


def rewrite(url: URL, base: URL) -> URL:
    """``url`` with scheme, host and port taken from ``base`` (path prefixed by base's path)."""
    if base == URL(DEFAULT_API_URL):
        return url
    prefix = base.raw_path.rstrip("/")
    return URL.build(
        scheme=base.scheme,
        host=base.raw_host or "",
        port=base.explicit_port,
        path=prefix + url.raw_path,
        query_string=url.raw_query_string,
        encoded=True,
    )


class RewritingSession:
    """Enough of ``aiohttp.ClientSession`` for tweepy: ``request`` (async with), ``close``."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        self._session = session
        self._base = URL(base_url)

    @property
    def closed(self) -> bool:
        """Whether the underlying session is closed."""
        return self._session.closed

    def request(self, method: str, url: str | URL, **kwargs: Any) -> Any:
        """Start a request to the rewritten URL; use as ``async with``."""
        target = url if isinstance(url, URL) else URL(url, encoded=False)
        return self._session.request(method, rewrite(target, self._base), **kwargs)

    async def close(self) -> None:
        """Close the underlying session."""
        await self._session.close()
