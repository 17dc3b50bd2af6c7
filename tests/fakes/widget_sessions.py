"""Getting widget sessions the way the widget does: issued by the server."""

from __future__ import annotations

import httpx


async def new_session(http: httpx.AsyncClient, url: str = "") -> str:
    """A session issued by POST /widget/api/sessions on the bot at ``url`` (or the base URL)."""
    answer = await http.post(f"{url}/widget/api/sessions", json={})
    assert answer.status_code == 201, answer.text
    session = answer.json()["session"]
    assert isinstance(session, str)
    return session


def new_session_at(url: str) -> str:
    """The same, from blocking code: a session issued by the bot at ``url``."""
    answer = httpx.post(f"{url}/widget/api/sessions", json={})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["session"])
