"""The security headers every response of the web server carries, checked."""

from __future__ import annotations

import httpx

LIBRARY = "https://www.library.example.ac.uk"


def check(response: httpx.Response, *, framable: bool) -> None:
    """The headers every response carries; frame-ancestors as the path allows."""
    h = response.headers
    where = f"{response.request.method} {response.request.url.path}"
    csp = h.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp, where
    assert "default-src 'self'" in csp and "object-src 'none'" in csp, where
    assert h.get("x-content-type-options") == "nosniff", where
    assert h.get("referrer-policy") == "no-referrer", where
    if framable:
        assert f"frame-ancestors 'self' {LIBRARY}" in csp, where
    else:
        assert "frame-ancestors 'none'" in csp and h.get("x-frame-options") == "DENY", where
