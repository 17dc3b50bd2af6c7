"""The staff channel in Slack, through the real slack-bolt app and FakeSlack (signed
interactions, views.open and view_submission, chat.update recorded), with a Telegram student
on FakeTelegram: cards, claiming, replying, resolving, notes, who is acting, and the modes."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from handlers.inbox.roles import Actor
from models.store import Store
from models.store.inbox.types import ItemRow
from models.store.rights.scope import Who
from models.store.tables import AuditEntry
from tests.fakes.chat import Chat
from tests.fakes.chat.staff import STAFF_CHANNEL, link_of
from tests.fakes.running import RunningBot
from tests.fakes.waiting import wait_until
from tests.support.queue_scenario import queued_item
from tests.support.scan import find
from tests.support.staff import add_staff, csrf_of, log_in
from tests.support.staff_channel import ANN, PUBLIC, account, card_known, start

PRINTER = "the printer on level 2 took my money and printed nothing"
FULL = ("Claim", "Reply…", "Resolve", "Open in inbox")


async def now(bot: RunningBot, item_id: int) -> ItemRow:
    """An item as it is now (resolved ones too)."""
    view = await bot.store.inbox.item(item_id=item_id)
    assert view is not None
    return view.row


async def audited(bot: RunningBot, item_id: int) -> list[tuple[str, str]]:
    """(actor, action) of the item's audit rows, oldest first."""
    query = (
        select(AuditEntry.actor, AuditEntry.action)
        .where(AuditEntry.subject == f"item:{item_id}")
        .order_by(AuditEntry.id)
    )
    return [tuple(r) for r in await bot.store.read(lambda c: c.execute(query).all())]


async def details(bot: RunningBot, item_id: int, actor: str) -> list[tuple[str, dict[str, Any]]]:
    """(action, detail) of one actor's audit rows on the item, oldest first."""
    query = (
        select(AuditEntry.action, AuditEntry.detail)
        .where(AuditEntry.subject == f"item:{item_id}", AuditEntry.actor == actor)
        .order_by(AuditEntry.id)
    )
    return [
        (r[0], dict(r[1] or {})) for r in await bot.store.read(lambda c: c.execute(query).all())
    ]


async def test_a_students_message_is_claimed_answered_and_resolved_from_the_staff_channel(
    chat: Chat, db_url: str
) -> None:
    bot = await start(chat, db_url)
    ann_id = await account(bot, "ann@lib.ac.uk", slack=ANN)
    student, ann = chat.on("telegram"), chat.staff_in_slack(user=ANN)

    await student.says(PRINTER, message_id=17)
    card = await ann.card_shows(PRINTER)
    queued = await queued_item(bot)
    assert card.how == "post" and card.options == FULL
    assert "on Telegram" in card.text and "normal priority · due" in card.text
    assert "Person " in card.text and "Ada" not in card.text  # pseudonymous
    assert link_of(card, "Open in inbox") == f"{PUBLIC}/inbox/items/{queued.id}"

    await ann.presses("Claim", card)
    claimed = await ann.card_shows("Claimed by Ann")
    assert claimed.ref == card.ref and claimed.how == "edit"
    assert claimed.options == ("Reply…", "Resolve", "Open in inbox")
    assert (await queued_item(bot)).assignee == "Ann"  # what the inbox shows

    await ann.presses("Reply…")
    form = await ann.form()
    assert form["title"]["text"].startswith("Reply to Person")
    canned = next(b for b in form["blocks"] if b.get("block_id") == "reply_canned")
    offered = {o["value"]: o["text"]["text"] for o in canned["element"]["options"]}
    assert offered["thanks_for_feedback"] == "Thanks for feedback"  # named in words
    answer = await ann.sends_form(text="Sorry! Bring your card to the desk for a refund.")
    assert answer.status == 200

    reply = await chat.expect_reply(student, contains="refund")
    assert reply.raw.params["chat_id"] == "5550001"
    assert reply.raw.params["reply_parameters"]["message_id"] == 17
    await ann.thread_says(card, "Ann replied (sending)")
    await ann.thread_says(card, "Ann's reply was delivered")
    await ann.card_shows("Answered, waiting for the person")

    await ann.presses("Resolve")
    resolved = await ann.card_shows("Resolved")
    assert resolved.ref == card.ref and resolved.options == ("Open in inbox",)
    assert (await now(bot, queued.id)).status == "resolved"
    actions = await audited(bot, queued.id)
    mine = [a for who, a in actions if who == f"staff:{ann_id}"]
    assert mine == ["claim", "reply", "resolve"]
    assert len(ann.cards()) == 1  # one card, edited in place
    for action, detail in await details(bot, queued.id, f"staff:{ann_id}"):
        assert detail.get("via") == "slack", (action, detail)


async def test_a_message_in_the_cards_thread_is_a_private_note_and_never_reaches_the_student(
    chat: Chat, sqlite_url: str
) -> None:
    bot = await start(chat, sqlite_url)
    await account(bot, "ann@lib.ac.uk", slack=ANN)
    student, ann = chat.on("telegram"), chat.staff_in_slack(user=ANN)
    await student.says(PRINTER, message_id=17)
    card = await ann.card_shows(PRINTER)
    queued = await queued_item(bot)
    await card_known(bot, queued.id)
    await chat.expect_reply(student, contains="Thanks for your message")
    heard_before = await student.heard()

    await ann.says_in_thread(card, "Checked the printer log: it did charge twice.")

    async def noted() -> bool:
        page = await bot.store.inbox.page(item_id=queued.id)
        return page is not None and any(e.kind == "note" for e in page.entries)

    await wait_until(noted, what="the note stored")
    page = await bot.store.inbox.page(item_id=queued.id)
    assert page is not None
    [note] = [e for e in page.entries if e.kind == "note"]
    assert note.text == "Checked the printer log: it did charge twice." and note.staff_name == "Ann"
    await ann.told_that("private note")
    assert await student.heard() == heard_before
    assert not [
        m
        for m in await bot.store.messages.find()
        if "printer log" in m.text and m.channel == "telegram"
    ]
    assert (await queued_item(bot)).status == "new"  # a note is no reply


async def test_a_web_inbox_note_shows_in_the_cards_thread_and_a_thread_note_is_not_echoed(
    chat: Chat, db_url: str
) -> None:
    bot = await start(chat, db_url, public_url="http://127.0.0.1")  # cookies not Secure-only
    ann_id = await account(bot, "ann@lib.ac.uk", slack=ANN)
    lee = await add_staff(bot.store, "lee@lib.ac.uk", name="Lee")
    student, ann = chat.on("telegram"), chat.staff_in_slack(user=ANN)
    await student.says(PRINTER, message_id=17)
    card = await ann.card_shows(PRINTER)
    queued = await queued_item(bot)
    await card_known(bot, queued.id)

    await ann.says_in_thread(card, "Checked the printer log: it did charge twice.")
    await ann.told_that("private note")
    async with httpx.AsyncClient(base_url=bot.url) as http:
        await log_in(http, "lee@lib.ac.uk")
        token = csrf_of((await http.get(f"/inbox/items/{queued.id}")).text)
        posted = await http.post(
            f"/inbox/items/{queued.id}/note",
            data={"csrftoken": token, "text": "Desk says: refund at the counter."},
        )
    assert posted.status_code == 303

    line = await ann.thread_says(card, "Private note by Lee")
    assert "never sent to the person" in line and "Desk says: refund at the counter." in line
    notes = [t for t in ann.thread(card) if "Private note" in t]
    assert notes == [line]  # the note typed in the thread is not echoed back
    assert not [t for t in ann.thread(card) if "printer log" in t]
    assert [a for a, _ in await details(bot, queued.id, f"staff:{ann_id}")] == ["note"]
    assert [d.get("via") for _, d in await details(bot, queued.id, f"staff:{ann_id}")] == ["slack"]
    [(action, detail)] = await details(bot, queued.id, f"staff:{lee.id}")
    assert action == "note" and "via" not in detail  # the web inbox's rows are as before


async def test_an_unlinked_slack_users_press_changes_nothing_and_says_why(
    chat: Chat, sqlite_url: str
) -> None:
    bot = await start(chat, sqlite_url)
    student, stranger = chat.on("telegram"), chat.staff_in_slack(user="U0NOBODY1")
    await student.says(PRINTER, message_id=17)
    card = await stranger.card_shows(PRINTER)
    queued = await queued_item(bot)

    for label in ("Claim", "Resolve"):
        assert (await stranger.presses(label, card)).status == 200
    await stranger.presses("Reply…", card)
    told = await stranger.told_that("ask an admin to link your account")
    assert "not linked" in told
    after = await queued_item(bot)
    assert (after.status, after.assignee_id) == ("new", None)
    assert not chat.slack.calls_to("views.open")
    assert await audited(bot, queued.id) == []
    assert stranger.edits(card) == []


async def test_a_slack_user_is_found_by_their_accounts_email_address(
    chat: Chat, sqlite_url: str
) -> None:
    bot = await start(chat, sqlite_url)
    bea_id = await account(bot, "bea@lib.ac.uk")
    chat.slack.emails["U0BEA0001"] = "Bea@lib.ac.uk"
    student, bea = chat.on("telegram"), chat.staff_in_slack(user="U0BEA0001")
    await student.says(PRINTER, message_id=17)
    card = await bea.card_shows(PRINTER)
    await bea.presses("Claim", card)
    await bea.card_shows("Claimed by Bea")
    assert (await bot.store.staff.get(staff_id=bea_id)).slack_user_id == "U0BEA0001"
    assert chat.slack.calls_to("users.info")[0].args["user"] == "U0BEA0001"


async def test_redelivered_payloads_act_once(chat: Chat, db_url: str) -> None:
    bot = await start(chat, db_url)
    ann_id = await account(bot, "ann@lib.ac.uk", slack=ANN)
    student, ann = chat.on("telegram"), chat.staff_in_slack(user=ANN)
    await student.says(PRINTER, message_id=17)
    card = await ann.card_shows(PRINTER)
    queued = await queued_item(bot)

    claim = await ann.presses("Claim", card)
    assert await ann.redelivers(claim, times=2) == [200, 200]
    await ann.card_shows("Claimed by Ann")
    note = await ann.says_in_thread(card, "Refund approved by the desk.")
    assert await ann.redelivers(note, times=2) == [200, 200]
    await ann.presses("Reply…")
    sent = await ann.sends_form(text="Your refund is ready at the desk.")
    assert await ann.redelivers(sent, times=2) == [200, 200]
    await chat.expect_reply(student, contains="refund is ready")
    await ann.thread_says(card, "delivered")

    actions = [a for who, a in await audited(bot, queued.id) if who == f"staff:{ann_id}"]
    assert actions == ["claim", "note", "reply"]
    assert len(await chat.expect_replies(student, contains="refund is ready")) == 1
    assert len(chat.slack.calls_to("views.open")) == 1


async def test_a_change_in_the_web_inbox_edits_the_card_and_later_messages_go_in_its_thread(
    chat: Chat, sqlite_url: str
) -> None:
    bot = await start(chat, sqlite_url)
    lead_id = await account(bot, "lee@lib.ac.uk", role="lead")
    student, ann = chat.on("telegram"), chat.staff_in_slack(user=ANN)
    await student.says(PRINTER, message_id=17)
    card = await ann.card_shows(PRINTER)
    queued = await queued_item(bot)
    lead = Actor(lead_id, "lead", "Lee")  # the web inbox calls these same use cases
    await bot.app.inbox.set_priority(lead, queued.id, "urgent")
    urgent = await ann.card_shows("urgent priority")
    assert urgent.ref == card.ref

    await student.says("and it is still showing an error", message_id=18)
    await ann.thread_says(card, "still showing an error")
    assert "wrote again" in ann.thread(card)[-1]
    assert len(ann.cards()) == 1


async def test_alerts_mode_shows_only_open_in_inbox_and_refuses_forged_presses(
    chat: Chat, sqlite_url: str
) -> None:
    bot = await start(chat, sqlite_url, staff_slack_mode="alerts")
    await account(bot, "ann@lib.ac.uk", slack=ANN)
    student, ann = chat.on("telegram"), chat.staff_in_slack(user=ANN)
    await student.says(PRINTER, message_id=17)
    card = await ann.card_shows(PRINTER)
    queued = await queued_item(bot)
    assert card.options == ("Open in inbox",)

    for verb in ("claim", "resolve", "reply"):
        said = await ann.forges(f"fbstaff-{verb}", str(queued.id), card)
        assert said.status == 200
    await ann.told_that("FEEDBOT_STAFF_SLACK_MODE=alerts")
    await ann.says_in_thread(card, "a note in alerts mode")
    after = await queued_item(bot)
    assert (after.status, after.assignee_id) == ("new", None)
    assert await audited(bot, queued.id) == []
    assert not chat.slack.calls_to("views.open")
    page = await bot.store.inbox.page(item_id=queued.id)
    assert page is not None and not [e for e in page.entries if e.kind == "note"]


async def test_messages_in_the_staff_channel_are_never_customer_feedback(
    chat: Chat, sqlite_url: str
) -> None:
    bot = await start(chat, sqlite_url)
    staff_as_person = chat.on("slack", user=ANN, where=STAFF_CHANNEL)
    await staff_as_person.says("Is anyone covering the desk at 3?")
    await staff_as_person.says("the printer is broken again", mentioning_the_bot=True)
    customer = chat.on("slack", user="U01STUDNT", where="C01LIBRARY")
    await customer.says("Where can I print?", mentioning_the_bot=True)

    async def stored() -> bool:
        return any(m.text == "Where can I print?" for m in await bot.store.messages.find())

    await wait_until(stored, what="the customer's message stored")
    texts = [m.text for m in await bot.store.messages.find()]
    assert "Is anyone covering the desk at 3?" not in texts
    assert "the printer is broken again" not in texts


async def test_staff_work_arrives_over_socket_mode_too(chat: Chat, sqlite_url: str) -> None:
    app_token = {"slack": {"app_token": chat.slack.identity.app_token}}
    bot = await start(chat, sqlite_url, tweaks=app_token)
    await account(bot, "ann@lib.ac.uk", slack=ANN)
    student, ann = chat.on("telegram"), chat.staff_in_slack(user=ANN, socket=True)
    await student.says(PRINTER, message_id=17)
    card = await ann.card_shows(PRINTER)
    await ann.presses("Claim", card)
    await ann.card_shows("Claimed by Ann")
    await ann.presses("Reply…")
    empty = await ann.sends_form()
    assert empty.answer["payload"]["response_action"] == "errors"  # the form stays open
    await ann.sends_form(text="The desk will refund you today.")
    await chat.expect_reply(student, contains="refund you today")


async def test_a_change_whose_card_edit_was_lost_in_a_crash_reaches_the_card_after_restart(
    chat: Chat, db_url: str
) -> None:
    bot = await start(chat, db_url)
    ann_id = await account(bot, "ann@lib.ac.uk", slack=ANN)
    student, ann = chat.on("telegram"), chat.staff_in_slack(user=ANN)
    await student.says(PRINTER, message_id=17)
    card = await ann.card_shows(PRINTER)
    queued = await queued_item(bot)
    await card_known(bot, queued.id)
    await chat.stop()

    async with Store.open(db_url) as store:  # the claim committed; the bot died before the edit
        assert (await store.inbox.claim(item_id=queued.id, actor_id=ann_id)).won
    assert ann.edits(card) == []
    await chat.restart()
    claimed = await ann.card_shows("Claimed by Ann")
    assert claimed.ref == card.ref and len(ann.edits(card)) == 1


async def test_a_disabled_accounts_press_changes_nothing(chat: Chat, sqlite_url: str) -> None:
    bot = await start(chat, sqlite_url)
    await account(bot, "ann@lib.ac.uk", slack=ANN)
    await bot.store.staff.disable(email="ann@lib.ac.uk", actor="test")
    student, ann = chat.on("telegram"), chat.staff_in_slack(user=ANN)
    await student.says(PRINTER, message_id=17)
    card = await ann.card_shows(PRINTER)
    await ann.presses("Claim", card)
    await ann.told_that("ask an admin to link your account")
    assert (await queued_item(bot)).assignee_id is None


async def test_a_reply_the_platform_refuses_shows_as_failed_in_the_cards_thread(
    chat: Chat, sqlite_url: str
) -> None:
    bot = await start(chat, sqlite_url)
    await account(bot, "ann@lib.ac.uk", slack=ANN)
    student, ann = chat.on("telegram"), chat.staff_in_slack(user=ANN)
    await student.says(PRINTER, message_id=17)
    card = await ann.card_shows(PRINTER)
    await chat.expect_reply(student, contains="Thanks for your message")
    chat.telegram.fail_next(
        1, status=403, methods=["sendMessage"], description="Forbidden: bot was blocked by the user"
    )
    await ann.presses("Reply…", card)
    await ann.sends_form(text="We have refunded you.")
    failed = await ann.thread_says(card, "could not be delivered")
    assert "bot was blocked by the user" in failed and "Retry it in the inbox" in failed


async def test_erasing_the_person_erases_the_staff_channels_copies_of_their_words(
    chat: Chat, db_url: str
) -> None:
    bot = await start(chat, db_url)
    await account(bot, "ann@lib.ac.uk", slack=ANN)
    student, ann = chat.on("telegram"), chat.staff_in_slack(user=ANN)
    await student.says(PRINTER, message_id=17)
    card = await ann.card_shows(PRINTER)
    queued = await queued_item(bot)
    await card_known(bot, queued.id)
    await student.says("my student number is 20231234", message_id=18)
    await ann.thread_says(card, "20231234")

    await bot.store.rights.erase_person(who=Who(item_id=queued.id), actor="test")
    left = await bot.store.read(find, ("printed nothing", "20231234"))
    assert left == []


async def test_an_item_moves_to_another_team_from_its_card(chat: Chat, db_url: str) -> None:
    bot = await start(chat, db_url)
    student = chat.on("telegram")
    await student.says(PRINTER, message_id=17)
    queued = await queued_item(bot)
    ann_id = await account(bot, "ann@lib.ac.uk", slack=ANN, team=queued.team)
    await account(bot, "bo@lib.ac.uk", slack="U0BO00002", team="estates")
    ann, bo = chat.staff_in_slack(user=ANN), chat.staff_in_slack(user="U0BO00002")
    card = await ann.card_shows(PRINTER)
    await card_known(bot, queued.id)
    own = "Customer engagement"  # the item's team (customer_engagement) as staff read it
    assert queued.team == "customer_engagement" and "Estates" in ann.menu(card)
    assert own not in ann.menu(card) and f"team: {own}" in card.text
    assert card.options == FULL  # the menu comes after the buttons

    await bo.chooses("Estates", card)  # Bo is not in the item's team, nor a lead
    await bo.told_that(f"only agents of {own} or a lead")
    assert (await now(bot, queued.id)).team == queued.team

    await ann.chooses("Estates", card)
    moved = await ann.card_shows("team: Estates")
    assert moved.ref == card.ref and own in ann.menu(moved)
    line = await ann.thread_says(card, "moved from")
    assert line == f"Ann: moved from {own} to Estates."
    assert (await now(bot, queued.id)).due_at == queued.due_at
    [(action, detail)] = await details(bot, queued.id, f"staff:{ann_id}")
    assert action == "move" and detail["via"] == "slack" and detail["to"] == "estates"
