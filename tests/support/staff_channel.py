"""The Slack staff channel in scenario tests: the bot with Slack and Telegram and the staff
channel set (on the ``chat`` harness), staff accounts linked to Slack users, the one queue
item's card (the item itself: queue_scenario.queued_item)."""

from __future__ import annotations

from typing import Any

from tests.fakes.chat import Chat
from tests.fakes.chat.staff import STAFF_CHANNEL
from tests.fakes.running import RunningBot
from tests.fakes.waiting import wait_until

PUBLIC = "https://feedback.example.ac.uk"
ANN = "U0ANN0001"


async def start(chat: Chat, db_url: str, **settings: Any) -> RunningBot:
    """The bot with Slack (HTTP mode) and Telegram, and the staff channel set."""
    values = {"staff_slack_channel": STAFF_CHANNEL, "public_url": PUBLIC} | settings
    return await chat.start("slack", "telegram", database_url=db_url, **values)


async def account(
    bot: RunningBot, email: str, *, slack: str = "", role: str = "agent", team: str = ""
) -> int:
    """A staff account, linked to a Slack user when ``slack`` is given."""
    made = await bot.store.staff.add(
        email=email,
        name=email.split("@")[0].title(),
        role=role,
        team=team,
        password_hash="",
        actor="test",
    )
    if slack:
        await bot.store.staff.link_slack(email=email, slack_user_id=slack, actor="test")
    return made.id


async def card_known(bot: RunningBot, item_id: int) -> None:
    """Wait until the card's post settled and its ts is stored (a thread needs its parent)."""

    async def known() -> bool:
        card = await bot.store.bridge.card(item_id=item_id)
        return card is not None and bool(card.ts)

    await wait_until(known, what="the card's ts stored")
