"""The poll pages over HTTP: leads only (an agent gets 403 from the use case), CSRF on the
post, bad input answered next to its field with nothing stored, a lead's poll stored and
audited, and the panel's fragment and its link to exactly the related messages."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx

from config.settings import Settings
from models.store.rights.audit_list import AuditFilter
from tests.fakes.embedder import EmbeddingClassifier
from tests.fakes.running import running_bot
from tests.support.asked import asked_consent, real_polls
from tests.support.staff import add_staff, csrf_of, log_in
from tests.web.poll_data import SIMILAR, WIFI, last_months_poll, recent_messages

LEAD, AGENT = "lead@lib.example.ac.uk", "agent@lib.example.ac.uk"
CONSENT_LIKE = "May we contact you again now and then, to ask how we are doing?"


def form(token: str, **fields: str) -> dict[str, str]:
    return {"csrftoken": token, "kind": "yes_no", "to": "widget", "action": "save"} | fields


async def test_roles_csrf_and_bad_input(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        await add_staff(bot.store, LEAD, role="lead")
        await add_staff(bot.store, AGENT, role="agent")
        async with httpx.AsyncClient(base_url=bot.url) as agent:
            await log_in(agent, AGENT)
            page = await agent.get("/inbox/polls/new")
            token = csrf_of((await agent.get("/inbox/")).text)
            post = await agent.post("/inbox/polls/new", data=form(token, question="Warm?"))
            panel = await agent.get("/inbox/polls/known", params={"question": "wifi"})
        assert page.status_code == post.status_code == panel.status_code == 403
        assert "an agent cannot draft or send polls" in page.text
        async with httpx.AsyncClient(base_url=bot.url) as lead:
            await log_in(lead, LEAD)
            token = csrf_of((await lead.get("/inbox/polls/new")).text)
            forged = await lead.post("/inbox/polls/new", data=form("0" * 64, question="Warm?"))
            empty = await lead.post("/inbox/polls/new", data=form(token, question="  "))
            choices = await lead.post(
                "/inbox/polls/new",
                data=form(token, question="Which?", kind="single", options="one"),
            )
            late = await lead.post(
                "/inbox/polls/new", data=form(token, question="Warm?", closes_at="2001-01-01T09:00")
            )
            garbled = await lead.post(
                "/inbox/polls/new", data=form(token, question="Warm?", opens_at="next tuesday")
            )
            nowhere = await lead.post("/inbox/polls/new", data=form(token, question="Warm?", to=""))
            stored_before = await bot.store.polls.all()
            made = await lead.post("/inbox/polls/new", data=form(token, question="Warm enough?"))
            listing = await lead.get(made.headers["location"])
        polls = await bot.store.polls.all()
        entries = await bot.store.rights.audit_log(
            filter=AuditFilter(action="poll.create"), limit=5
        )
    assert forged.status_code == 403 and stored_before == []
    assert empty.status_code == 400
    assert 'id="err-question"' in empty.text and 'aria-describedby="err-question"' in empty.text
    assert choices.status_code == 400 and 'id="err-options"' in choices.text
    assert late.status_code == 400 and 'id="err-closes_at"' in late.text
    assert garbled.status_code == 400 and 'id="err-opens_at"' in garbled.text
    assert nowhere.status_code == 400 and 'id="err-to"' in nowhere.text
    assert "no channel chosen: tick at least one" in nowhere.text
    assert "the closing time 2001-01-01 09:00 UTC is in the past" in late.text
    assert made.status_code == 303 and "Poll 1 saved as a draft." in listing.text
    (poll,) = polls
    assert (poll.question, poll.status, poll.kind) == ("Warm enough?", "draft", "yes_no")
    assert [e.subject for e in entries] == ["poll:1"] and entries[0].actor.startswith("staff:")


async def test_the_panel_shows_the_earlier_poll_and_exactly_the_related_messages(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(database_url=sqlite_url)
    async with running_bot(settings, classifier=EmbeddingClassifier()) as bot:
        await add_staff(bot.store, LEAD, role="lead")
        poll_id = await last_months_poll(bot)
        await recent_messages(bot)
        async with httpx.AsyncClient(base_url=bot.url) as lead:
            await log_in(lead, LEAD)
            panel = await lead.get("/inbox/polls/known", params={"question": SIMILAR})
            link = re.search(r'href="(/inbox/polls/related\?[^"]+)"', panel.text)
            assert link, panel.text
            related = await lead.get(link.group(1).replace("&amp;", "&"))
            no_js = await lead.get("/inbox/polls/new", params={"question": SIMILAR, "check": "1"})
    assert panel.status_code == 200
    assert f"#{poll_id} How satisfied are you with the wifi" in panel.text
    assert "4 answers" in panel.text and "CSAT 75%" in panel.text
    assert "<strong>3</strong> messages: 1 negative, 1 neutral, 1 positive" in panel.text
    listed = re.findall(r'data-message="(\d+)"', related.text)
    assert len(listed) == len(WIFI) and "printer" not in related.text
    assert "CSAT 75%" in no_js.text and SIMILAR in no_js.text


async def test_without_a_classifier_the_panel_says_it_cannot_compare(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        await add_staff(bot.store, LEAD, role="lead")
        async with httpx.AsyncClient(base_url=bot.url) as lead:
            await log_in(lead, LEAD)
            panel = await lead.get("/inbox/polls/known", params={"question": SIMILAR})
    assert panel.status_code == 200 and "cannot compare meanings" in panel.text
    assert "people on the chosen channels were asked something" in panel.text


async def test_the_list_and_the_panel_leave_out_the_consent_polls(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(database_url=sqlite_url)
    async with running_bot(settings, classifier=EmbeddingClassifier()) as bot:
        await add_staff(bot.store, LEAD, role="lead")
        sundays, workshop = await real_polls(bot.store)
        asked = await asked_consent(bot.store, people=50, yes=30, no=10)
        async with httpx.AsyncClient(base_url=bot.url) as lead:
            await log_in(lead, LEAD)
            listing = await lead.get("/inbox/polls")
            panel = await lead.get("/inbox/polls/known", params={"question": CONSENT_LIKE})
    assert listing.status_code == panel.status_code == 200
    shown = re.findall(r"<strong>#(\d+)</strong>", listing.text)
    assert shown == [str(workshop), str(sundays)] and "May we contact" not in listing.text
    assert "Contact consent question: asked 50 people, 40 answered: 75% yes" in listing.text
    assert "May we contact" not in panel.text
    assert not any(f"#{p} " in panel.text for p in asked)
