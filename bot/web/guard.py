"""Who is asking: the client address (a trusted proxy header only when configured), and the
widget session check with its rate limits, answered as a 4xx the person can read."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from bot.adapters.widget import valid_token
from bot.web.body import BadRequest
from bot.web.client import client_address
from models.store.widget.sessions import Admission, Limits, SessionStore

REFUSALS = {
    Admission.UNKNOWN: (403, "this session was not issued here, has ended or has expired; reload"),
    Admission.THROTTLED: (429, "too many requests; please wait a minute and try again"),
}
TOO_MANY_VOTES = "too many votes on this poll from this address; please wait a minute"


@dataclass(frozen=True)
class SessionGuard:
    """Issues sessions and admits requests made with them."""

    sessions: SessionStore
    limits: Limits
    proxy_header: str = ""

    def address(self, request: Request) -> str:
        """The client's address: the last hop in the trusted header if set, else the peer."""
        return client_address(request, self.proxy_header)

    async def issue(self, request: Request) -> str:
        """A new session for this client; BadRequest 429 when it made too many lately."""
        token = await self.sessions.issue(address=self.address(request), limits=self.limits)
        if token is None:
            raise BadRequest(429, "too many new sessions from this address; wait a minute")
        return token

    async def admit(self, request: Request, session: object) -> str:
        """The session, if well-formed, issued, live and within its limits; else BadRequest."""
        if not isinstance(session, str) or not valid_token(session):
            raise BadRequest(400, "'session' must be 8-128 letters, digits, '-' or '_'")
        verdict = await self.sessions.admit(
            session=session, address=self.address(request), limits=self.limits
        )
        if verdict is not Admission.OK:
            raise BadRequest(*REFUSALS[verdict])
        return session

    def vote(self, request: Request, poll_id: int) -> str:
        """Count a vote on the poll from this client's address; the address as kept (a keyed
        hash), or BadRequest 429 when it voted on this poll too often in the last minute."""
        origin = self.sessions.take_vote(
            address=self.address(request), poll_id=poll_id, limits=self.limits
        )
        if origin is None:
            raise BadRequest(429, TOO_MANY_VOTES)
        return origin

    async def live(self, request: Request, session: str) -> bool:
        """Whether a session (from a cookie, say) is still usable, counting the request."""
        try:
            await self.admit(request, session)
        except BadRequest as exc:
            if exc.status == 429:
                raise
            return False
        return True
