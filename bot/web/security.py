"""Security headers on every response, as one ASGI middleware every page gets.

CSP without inline script; nosniff; a Referrer-Policy; ``frame-ancestors`` naming the allowed
embedders for framable paths (the widget) and 'none' everywhere else; and ``no-store`` unless a
route chose its own Cache-Control (static files get ``no-cache``: revalidated by ETag).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

BASE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'"
)


@dataclass(frozen=True)
class FramePolicy:
    """Which paths may be framed, and by which origins (besides our own)."""

    framable_prefixes: Sequence[str] = ()
    ancestors: Sequence[str] = ()

    def frame_ancestors(self, path: str) -> str:
        """The frame-ancestors source list for a path."""
        if any(path == p or path.startswith(p + "/") for p in self.framable_prefixes):
            return " ".join(("'self'", *self.ancestors))
        return "'none'"


def security_headers(path: str, frames: FramePolicy) -> list[tuple[str, str]]:
    """The headers added to a response for ``path`` (pure, for tests and reuse)."""
    ancestors = frames.frame_ancestors(path)
    headers = [
        ("content-security-policy", f"{BASE_POLICY}; frame-ancestors {ancestors}"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("cross-origin-opener-policy", "same-origin"),
    ]
    if ancestors == "'none'":
        headers.append(("x-frame-options", "DENY"))
    return headers


class SecurityHeaders:
    """ASGI middleware: adds ``security_headers`` to every HTTP response."""

    def __init__(
        self, app: ASGIApp, *, frames: FramePolicy, cacheable: Sequence[str] = ("/static/",)
    ) -> None:
        self.app = app
        self.frames = frames
        self.cacheable = tuple(cacheable)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = security_headers(scope["path"], self.frames)
        default_cache = "no-cache" if scope["path"].startswith(self.cacheable) else "no-store"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in extra:
                    headers[name] = value
                if "cache-control" not in headers:
                    headers["cache-control"] = default_cache
            await send(message)

        await self.app(scope, receive, send_with_headers)


def secure_cookies(public_url: str) -> bool:
    """Whether cookies are marked Secure: when the bot's public URL is https."""
    return public_url.lower().startswith("https://")
