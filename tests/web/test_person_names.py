"""A person's name is for whoever holds their item and for leads: an agent who does not hold
it sees the pseudonym on the page, and a canned reply filled in for them (on the page or from
Slack) says "Hi there", never the name."""

from __future__ import annotations

import html

import httpx

from tests.fakes.chat import Chat
from tests.fakes.running import RunningBot
from tests.support.queue_scenario import queued_item
from tests.support.staff import add_staff, csrf_of, log_in
from tests.support.staff_channel import ANN, account, card_known, start

NAME = "Ada Lovelace"  # the fake Telegram student's full name
CANNED = "?canned=thanks_for_feedback"
BOB = "U0BOB0002"


async def page_as(bot: RunningBot, email: str, path: str) -> str:
    """A page as this member of staff sees it (logged in through the form)."""
    async with httpx.AsyncClient(base_url=bot.url) as http:
        await log_in(http, email)
        answer = await http.get(path)
    assert answer.status_code == 200, answer.text
    return html.unescape(answer.text)


async def claim_as(bot: RunningBot, email: str, item_id: int) -> None:
    """Claim the item through the page's form."""
    async with httpx.AsyncClient(base_url=bot.url) as http:
        await log_in(http, email)
        token = csrf_of((await http.get(f"/inbox/items/{item_id}")).text)
        claimed = await http.post(f"/inbox/items/{item_id}/claim", data={"csrftoken": token})
    assert claimed.status_code == 303, claimed.text


async def test_a_canned_reply_names_the_person_only_for_the_holder_and_leads(
    chat: Chat, db_url: str
) -> None:
    bot = await chat.start("telegram", database_url=db_url)
    await chat.on("telegram").says("Where can I renew my library card?")
    item_id = (await queued_item(bot)).id
    for email, role in (("ann@lib.ac.uk", "agent"), ("bob@lib.ac.uk", "agent")):
        await add_staff(bot.store, email, role=role)
    await add_staff(bot.store, "lea@lib.ac.uk", role="lead")
    path = f"/inbox/items/{item_id}{CANNED}"
    unheld = await page_as(bot, "bob@lib.ac.uk", path)
    await claim_as(bot, "ann@lib.ac.uk", item_id)
    other = await page_as(bot, "bob@lib.ac.uk", path)
    holder = await page_as(bot, "ann@lib.ac.uk", path)
    lead = await page_as(bot, "lea@lib.ac.uk", path)
    for page in (unheld, other):
        assert "Hi there, thank you for telling us" in page
        assert "Lovelace" not in page and "Person " in page
    for page in (holder, lead):
        assert f"Hi {NAME}, thank you for telling us" in page
        assert f"<dd>{NAME}</dd>" in page


async def test_a_canned_reply_sent_from_slack_names_the_person_only_for_the_holder(
    chat: Chat, sqlite_url: str
) -> None:
    bot = await start(chat, sqlite_url)
    await account(bot, "ann@lib.ac.uk", slack=ANN)
    await account(bot, "bob@lib.ac.uk", slack=BOB)
    student, ann, bob = (
        chat.on("telegram"),
        chat.staff_in_slack(user=ANN),
        chat.staff_in_slack(user=BOB),
    )
    await student.says("Where can I renew my library card?")
    card = await ann.card_shows("renew")
    await card_known(bot, (await queued_item(bot)).id)
    await ann.presses("Claim", card)
    await ann.card_shows("Claimed by Ann")

    await bob.presses("Reply…")
    assert (await bob.sends_form(canned="thanks_for_feedback")).status == 200
    from_bob = await chat.expect_reply(student, contains="thank you for telling us")
    await ann.presses("Reply…")
    assert (await ann.sends_form(canned="fixed")).status == 200
    from_ann = await chat.expect_reply(student, contains="fixed")
    assert from_bob.text.startswith("Hi there,") and "Lovelace" not in from_bob.text
    assert from_ann.text.startswith(f"Hi {NAME},")
