"""Reading request bodies: a hard size cap, the right content type, strict JSON, JSON errors."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse

JSON_TYPE = "application/json"
FORM_TYPE = "application/x-www-form-urlencoded"


class BadRequest(Exception):
    """The request is the client's fault; ``status`` and the message say how."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class BodyTooLarge(BadRequest):
    """The request body is over the cap."""

    def __init__(self, cap: int) -> None:
        super().__init__(413, f"body is larger than {cap} bytes")


async def read_capped(request: Request, cap: int) -> bytes:
    """The raw body, or BodyTooLarge as soon as more than ``cap`` bytes arrive."""
    declared = whole_number(request.headers.get("content-length", ""), digits=30)
    if declared is not None and declared > cap:
        raise BodyTooLarge(cap)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise BodyTooLarge(cap)
        chunks.append(chunk)
    return b"".join(chunks)


def whole_number(raw: str, *, digits: int = 18) -> int | None:
    """``raw`` as a non-negative whole number of at most ``digits`` ASCII digits, else None."""
    if raw.isascii() and raw.isdigit() and len(raw) <= digits:
        return int(raw)
    return None


def require_type(request: Request, expected: str) -> None:
    """BadRequest 415 unless the Content-Type is ``expected`` (parameters such as charset ok)."""
    given = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if given != expected:
        raise BadRequest(415, f"Content-Type must be {expected}, not {given or 'missing'!r}")


async def read_json(request: Request, cap: int) -> Any:
    """The JSON body of a JSON request, strictly parsed (no NaN or Infinity)."""
    require_type(request, JSON_TYPE)
    return parse_json(await read_capped(request, cap))


async def read_form(request: Request, cap: int, fields: tuple[str, ...]) -> dict[str, str]:
    """The named fields of a form post (empty when absent)."""
    require_type(request, FORM_TYPE)
    try:
        text = (await read_capped(request, cap)).decode("utf-8")
        form = parse_qs(text, errors="strict", max_num_fields=64)
    except UnicodeDecodeError:
        raise BadRequest(400, "form is not UTF-8") from None
    except ValueError:
        raise BadRequest(400, "form has too many fields") from None
    return {k: form.get(k, [""])[0] for k in fields}


def parse_json(raw: bytes) -> Any:
    """Decode a JSON body; BadRequest 400 saying what is wrong."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(400, "body is not UTF-8") from None
    try:
        return json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise BadRequest(400, "JSON is nested too deeply") from None
    except ValueError as exc:
        raise BadRequest(400, f"body is not valid JSON: {exc}") from None


def _no_constant(name: str) -> Any:
    """Refuse NaN, Infinity and -Infinity, which JSON does not have."""
    raise ValueError(f"{name} is not allowed in JSON")


def error(status: int, message: str) -> JSONResponse:
    """A JSON error body: {"error": "..."}."""
    return JSONResponse({"error": message}, status_code=status)
