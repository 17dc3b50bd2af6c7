"""Who is acting in Slack: the staff account linked to a Slack user, or found by the e-mail
address Slack holds for them (then linked, and audited)."""

from __future__ import annotations

import logging

from handlers.bridge.port import StaffSlack
from handlers.inbox.roles import Actor
from models.store import Store
from models.store.staff.accounts import StaffView

log = logging.getLogger(__name__)


class StaffDirectory:
    """Maps Slack users to enabled staff accounts."""

    def __init__(self, store: Store, slack: StaffSlack) -> None:
        self._store = store
        self._slack = slack

    async def actor(self, slack_user: str) -> Actor | None:
        """The member of staff behind a Slack user, or None (unknown, or disabled)."""
        staff = await self._store.bridge.staff_by_slack(slack_user_id=slack_user)
        if staff is None:
            staff = await self._by_email(slack_user)
        if staff is None or staff.disabled:
            return None
        return Actor(id=staff.id, role=staff.role, name=staff.name, team=staff.team, via="slack")

    async def _by_email(self, slack_user: str) -> StaffView | None:
        """An account with the user's Slack e-mail address and no other Slack user, linked."""
        email = await self._slack.user_email(slack_user)
        found = await self._store.staff.credentials(email=email) if email else None
        if found is None or found[0].disabled or found[0].slack_user_id not in ("", slack_user):
            return None
        log.info("linking staff:%s to a Slack user by e-mail address", found[0].id)
        return await self._store.staff.link_slack(
            email=email, slack_user_id=slack_user, actor="slack:users.info"
        )
