"""Working the queue with plain form posts (no JavaScript): each action, its answer, and
what a wrong or late request is told."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from config.settings import Settings
from tests.fakes.running import running_bot
from tests.support.staff import add_staff, csrf_of, log_in, widget_item


async def test_claim_note_reply_relabel_snooze_resolve_reopen(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url)) as bot:
        item = await widget_item(bot, "Can I renew a short loan online?")
        await add_staff(bot.store, "ann@lib.example.ac.uk", team="customer_services")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "ann@lib.example.ac.uk")
            token = csrf_of((await http.get(f"/inbox/items/{item}")).text)
            steps = [
                ("claim", {}),
                ("note", {"text": "Check the loan policy"}),
                ("reply", {"text": "Yes, from your library account."}),
                ("priority", {"priority": "high"}),
                ("relabel", {"field": "topic", "value": "borrowing_and_finding_books"}),
                ("snooze", {"hours": "4"}),
                ("resolve", {"confirm": "yes"}),  # it was answered: the rating question goes
                ("reopen", {}),
            ]
            answers = []
            for action, fields in steps:
                posted = await http.post(
                    f"/inbox/items/{item}/{action}", data={"csrftoken": token, **fields}
                )
                answers.append((action, posted.status_code, posted.headers.get("location", "")))
            page = (await http.get(f"/inbox/items/{item}?done=reopen")).text
        view = await bot.store.inbox.item(item_id=item)
    for action, status, location in answers:
        assert status == 303 and location.startswith(f"/inbox/items/{item}?done={action}"), action
    assert view is not None
    assert (view.row.status, view.row.priority, view.row.topic) == (
        "open",
        "high",
        "borrowing_and_finding_books",
    )
    assert "Reopened." in page and "Check the loan policy" in page
    assert "Private note by Ann" in page and "never sent" in page
    assert "Reply by Ann" in page and "Delivery:" in page


async def test_the_second_to_claim_is_told_who_was_first(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        item = await widget_item(bot, "Lost my student card")
        await add_staff(bot.store, "ann@lib.example.ac.uk", name="Ann")
        await add_staff(bot.store, "bo@lib.example.ac.uk", name="Bo")
        async with (
            httpx.AsyncClient(base_url=bot.url) as ann,
            httpx.AsyncClient(base_url=bot.url) as bo,
        ):
            await log_in(ann, "ann@lib.example.ac.uk")
            await log_in(bo, "bo@lib.example.ac.uk")
            forms = [
                {"csrftoken": csrf_of((await c.get(f"/inbox/items/{item}")).text)}
                for c in (ann, bo)
            ]
            first = await ann.post(f"/inbox/items/{item}/claim", data=forms[0])
            second = await bo.post(f"/inbox/items/{item}/claim", data=forms[1])
    assert first.status_code == 303
    assert second.status_code == 409 and "Ann has already claimed this item" in second.text


async def test_bad_requests_are_named_not_crashes(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url, max_message_chars=50)) as bot:
        item = await widget_item(bot, "Where is the quiet room?")
        await add_staff(bot.store, "ann@lib.example.ac.uk")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "ann@lib.example.ac.uk")
            token = csrf_of((await http.get(f"/inbox/items/{item}")).text)

            async def post(path: str, **fields: str) -> httpx.Response:
                return await http.post(path, data={"csrftoken": token, **fields})

            empty = await post(f"/inbox/items/{item}/reply", text="  ")
            long = await post(f"/inbox/items/{item}/reply", text="x" * 51)
            snooze = await post(f"/inbox/items/{item}/snooze", hours="999")
            label = await post(f"/inbox/items/{item}/relabel", field="topic", value="")
            unknown = await post(f"/inbox/items/{item}/explode")
            missing = await post("/inbox/items/99999/claim")
            page = await http.get("/inbox/items/99999")
            nowhere = await http.get("/inbox/nothing-here")
        entries = await bot.store.inbox.page(item_id=item)
    assert (empty.status_code, long.status_code) == (400, 400)
    assert "write something first" in empty.text and "at most 50 characters" in long.text
    assert snooze.status_code == 400 and label.status_code == 400
    assert (
        unknown.status_code == missing.status_code == page.status_code == nowhere.status_code == 404
    )
    assert entries is not None and [e.kind for e in entries.entries if e.kind == "reply"] == []


async def test_canned_reply_bulk_resolve_and_seen(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        one = await widget_item(bot, "The lift is out of order", session="session-person-01")
        two = await widget_item(bot, "The lift is still broken", session="session-person-02")
        await add_staff(bot.store, "lee@lib.example.ac.uk", role="lead")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "lee@lib.example.ac.uk")
            canned = (await http.get(f"/inbox/items/{one}?canned=fixed")).text
            queue = await http.get("/inbox/?new=1")
            token = csrf_of(queue.text)
            await http.post("/inbox/seen", data={"csrftoken": token})
            after_seen = await http.get("/inbox/?new=1")
            bulk = await http.post(
                "/inbox/bulk",
                data={"csrftoken": token, "action": "resolve", "ids": [str(one), str(two)]},
            )
        rows = [await bot.store.inbox.item(item_id=i) for i in (one, two)]
    assert (
        "this has now been fixed" in canned
        and "The Library" not in canned.split("<textarea")[0][-1:]
    )
    assert f"#{one}:" in queue.text and f"#{two}:" in queue.text
    assert f"#{one}:" not in after_seen.text and "Nothing here" in after_seen.text
    assert bulk.status_code == 303
    assert [r.row.status for r in rows if r is not None] == ["resolved", "resolved"]


async def test_a_lead_saves_a_canned_reply_and_it_is_offered_on_items(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        item = await widget_item(bot, "Can I bring my dog?")
        await add_staff(bot.store, "lee@lib.example.ac.uk", role="lead")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "lee@lib.example.ac.uk")
            token = csrf_of((await http.get("/inbox/canned")).text)
            text = "Hi {name}, only assistance dogs, sorry. {library}"
            saved = await http.post(
                "/inbox/canned/save", data={"csrftoken": token, "name": "dogs", "text": text}
            )
            nameless = await http.post(
                "/inbox/canned/save", data={"csrftoken": token, "name": " ", "text": text}
            )
            draft = (await http.get(f"/inbox/items/{item}?canned=dogs")).text
            bogus = await http.get(f"/inbox/items/{item}?canned=nope")
    assert saved.status_code == 303 and nameless.status_code == 400
    assert '<option value="dogs" selected>Dogs</option>' in draft
    assert "only assistance dogs, sorry. The Library</textarea>" in draft
    assert bogus.status_code == 200


async def test_a_resolve_that_would_send_the_rating_question_asks_first(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=db_url)) as bot:
        answered = await widget_item(bot, "Where do I collect a reservation?")
        unanswered = await widget_item(bot, "Nice new sofas", session="session-sofas-01")
        await add_staff(bot.store, "ann@lib.example.ac.uk")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "ann@lib.example.ac.uk")
            token = csrf_of((await http.get(f"/inbox/items/{answered}")).text)
            form = {"csrftoken": token}
            await http.post(f"/inbox/items/{answered}/reply", data=form | {"text": "At the desk."})
            page = (await http.get(f"/inbox/items/{answered}")).text
            asked = await http.post(f"/inbox/items/{answered}/resolve", data=form)
            held = await bot.store.inbox.item(item_id=answered)
            sure = await http.post(
                f"/inbox/items/{answered}/resolve", data=form | {"confirm": "yes"}
            )
            quiet = await http.post(f"/inbox/items/{unanswered}/resolve", data=form)
        views = [await bot.store.inbox.item(item_id=i) for i in (answered, unanswered)]
    assert "Resolve…" in page and "you will be asked to confirm first" in page
    assert asked.status_code == 200 and "How satisfied" in asked.text
    assert 'name="confirm" value="yes"' in asked.text
    assert held is not None and held.row.status != "resolved" and not held.csat_asked
    assert sure.status_code == 303 and quiet.status_code == 303  # nobody to ask: no question
    assert [(v.row.status, v.csat_asked) for v in views if v] == [
        ("resolved", True),
        ("resolved", False),
    ]


async def test_a_bulk_resolve_that_would_message_people_asks_first(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        answered = await widget_item(bot, "Is the café open late?")
        unanswered = await widget_item(bot, "Love the new signs", session="session-signs-01")
        await add_staff(bot.store, "ann@lib.example.ac.uk")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            await log_in(http, "ann@lib.example.ac.uk")
            token = csrf_of((await http.get("/inbox/")).text)
            await http.post(
                f"/inbox/items/{answered}/reply", data={"csrftoken": token, "text": "Till 8."}
            )
            ticked: dict[str, str | list[str]] = {"csrftoken": token, "action": "resolve"}
            ticked |= {"back": "/inbox/?view=mine", "ids": [str(answered), str(unanswered)]}
            check = await http.post("/inbox/bulk", data=ticked)
            before = [await bot.store.inbox.item(item_id=i) for i in (answered, unanswered)]
            done = await http.post("/inbox/bulk", data=ticked | {"confirm": "yes"})
        after = [await bot.store.inbox.item(item_id=i) for i in (answered, unanswered)]
    assert check.status_code == 200
    assert "Resolve 2 items and ask 1 person for a rating?" in check.text
    assert 'href="/inbox/?view=mine"' in check.text  # Cancel goes back where they were
    assert [v.row.status for v in before if v] == ["pending", "new"]
    assert done.status_code == 303 and done.headers["location"] == "/inbox/?view=mine"
    assert [(v.row.status, v.csat_asked) for v in after if v] == [
        ("resolved", True),
        ("resolved", False),
    ]
