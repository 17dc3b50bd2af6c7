"""Reading request bodies with a hard size cap, and JSON error answers."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse


class BodyTooLarge(Exception):
    """The request body is over the cap."""


async def read_capped(request: Request, cap: int) -> bytes:
    """The raw body, or BodyTooLarge as soon as more than ``cap`` bytes arrive."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise BodyTooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json(raw: bytes) -> Any:
    """Decode a JSON body; ValueError when it is not JSON."""
    return json.loads(raw.decode("utf-8"))


def error(status: int, message: str) -> JSONResponse:
    """A JSON error body: {"error": "..."}."""
    return JSONResponse({"error": message}, status_code=status)
