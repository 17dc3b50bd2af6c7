"""What the staff bridge asks of the Slack adapter directly (not through the outbox): opening
a form within Slack's three seconds, and reading a Slack user's e-mail address."""

from __future__ import annotations

from typing import Protocol

from bot.events import ReplyForm


class StaffSlack(Protocol):
    """The Slack side of the staff channel (the Slack adapter implements it)."""

    async def open_form(self, trigger: str, form: ReplyForm) -> bool:
        """Open the reply form for the member of staff who pressed; False if Slack refused."""
        ...

    async def user_email(self, user: str) -> str:
        """A Slack user's e-mail address ("" when unknown or not shared)."""
        ...
