"""The floor under the ingest figure: the same web server (uvicorn with its default loop and
HTTP parser, as the bot runs it) and Starlette, answering the widget API's routes at once with
nothing checked or stored. No bot can take widget messages faster than this on the machine at
hand. Usage: python -m bench.ingest_floor PORT (run by bench/ingest.py)."""

from __future__ import annotations

import itertools
import secrets
import sys

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route


def web_app() -> Starlette:
    """POST /widget/api/sessions (201), POST /widget/api/messages (202), GET /healthz."""
    ids = itertools.count(1)

    async def session(request: Request) -> Response:
        await request.body()
        return JSONResponse({"session": secrets.token_urlsafe(24)}, status_code=201)

    async def message(request: Request) -> Response:
        await request.body()
        return JSONResponse({"id": next(ids), "duplicate": False}, status_code=202)

    async def healthz(_: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[
            Route("/widget/api/sessions", session, methods=["POST"]),
            Route("/widget/api/messages", message, methods=["POST"]),
            Route("/healthz", healthz),
        ]
    )


def main() -> None:
    port = int(sys.argv[1])
    uvicorn.run(web_app(), host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
