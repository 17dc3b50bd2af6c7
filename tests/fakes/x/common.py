"""Small helpers shared by the FakeX server and its routes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp import web

Json = dict[str, Any]


def problem(status: int, title: str, headers: dict[str, str] | None = None) -> web.Response:
    """An X API v2 problem response (JSON, as tweepy expects for every error)."""
    body = {"title": title, "detail": title, "type": "about:blank", "status": status}
    return web.json_response(body, status=status, headers=headers)


def now_iso() -> str:
    """The current time as X API v2 writes it."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def one_to_one(a: str, b: str) -> str:
    """The 1-1 DM conversation id of two users."""
    low, high = sorted((a, b), key=int)
    return f"{low}-{high}"
