"""The widget's JSON API, as a browser on a library page would use it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import httpx
import pytest

from bot.adapters.widget import to_event
from bot.channel import Receipt
from bot.events import InboundEvent
from bot.storable import Unstorable
from bot.web.body import BadRequest
from bot.web.widget_api import record
from bot.web.widget_deps import WidgetDeps
from config.settings import Settings
from tests.fakes.chat import Chat
from tests.fakes.running import running_bot
from tests.fakes.widget_sessions import new_session
from tests.fakes.wording import shipped_wording

JSON = {"content-type": "application/json"}
FORM = {"content-type": "application/x-www-form-urlencoded"}


def body(
    session: str, text: str = "The Wi-Fi on floor 3 keeps dropping", client_id: str = "client-0001"
) -> dict[str, str]:
    return {"session": session, "client_id": client_id, "text": text}


async def test_message_is_stored_and_answered_202(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with (
        running_bot(make_settings(database_url=db_url)) as bot,
        httpx.AsyncClient(base_url=bot.url) as http,
    ):
        session = await new_session(http)
        answer = await http.post("/widget/api/messages", json=body(session))
        assert answer.status_code == 202
        stored = await bot.store.messages.find(channel="widget")
        assert [(m.id, m.text) for m in stored] == [(answer.json()["id"], body(session)["text"])]


async def test_same_client_id_is_stored_once_with_the_same_id(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with (
        running_bot(make_settings(database_url=db_url)) as bot,
        httpx.AsyncClient(base_url=bot.url) as http,
    ):
        session = await new_session(http)
        answers = [await http.post("/widget/api/messages", json=body(session)) for _ in range(3)]
        assert {a.json()["id"] for a in answers} == {answers[0].json()["id"]}
        assert [a.json()["duplicate"] for a in answers] == [False, True, True]
        assert len([m for m in await bot.store.messages.find() if m.direction == "in"]) == 1


async def test_text_over_the_limit_is_413(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(database_url=sqlite_url, max_message_chars=50)
    async with running_bot(settings) as bot, httpx.AsyncClient(base_url=bot.url) as http:
        session = await new_session(http)
        answer = await http.post("/widget/api/messages", json=body(session, "x" * 51))
        huge = await http.post(
            "/widget/api/messages", content=b"{" + b" " * 1_000_000 + b"}", headers=JSON
        )
        assert (answer.status_code, huge.status_code) == (413, 413)
        assert "50 characters" in answer.json()["error"]
        assert await bot.store.messages.find() == []


async def test_malformed_json_and_missing_fields_are_400(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with (
        running_bot(make_settings(database_url=sqlite_url)) as bot,
        httpx.AsyncClient(base_url=bot.url) as http,
    ):
        s = (await new_session(http)).encode()
        bad = [
            b"{not json",
            b"[1, 2]",
            b'{"session": "' + s + b'", "client_id": "client-0001"}',
            b'{"session": "x", "client_id": "client-0001", "text": "hi"}',
            b'{"session": "' + s + b'", "client_id": "client-0001", "text": 7}',
            b'{"session": "' + s + b'\\n", "client_id": "client-0001", "text": "hi"}',
            b'{"session": "' + s + b'", "client_id": "abcdefgh\\n", "text": "hi"}',
            b'{"session": "' + s + b'", "client_id": "client-0001", "text": NaN}',
            b'{"session": "' + s + b'", "client_id": "client-0001", "text": "hi", "n": Infinity}',
            b"[" * 20_000 + b"]" * 20_000,
            b'{"session": ["' + s + b'"], "client_id": "client-0001", "text": "hi"}',
            b"\xff\xfe",
        ]
        for raw in bad:
            answer = await http.post(
                "/widget/api/messages", content=raw, headers={"content-type": "application/json"}
            )
            assert answer.status_code == 400, raw
            assert answer.json()["error"]
        assert await bot.store.messages.find() == []


async def test_conversation_includes_the_acknowledgement(chat: Chat, sqlite_url: str) -> None:
    await chat.start(database_url=sqlite_url)
    visitor = chat.on("widget")
    said = await visitor.says("The Wi-Fi on floor 3 keeps dropping")
    assert said.status == 202
    await chat.expect_reply(visitor, contains="Thanks")
    session = await visitor.session()
    async with httpx.AsyncClient(base_url=chat.bot.url) as http:
        got = await http.get("/widget/api/messages", params={"session": session})
        assert [m["from"] for m in got.json()["messages"]] == ["you", "library"]
        assert got.json()["messages"][0]["text"] == "The Wi-Fi on floor 3 keeps dropping"
        assert (
            await http.get("/widget/api/messages", params={"session": "bad"})
        ).status_code == 400


async def test_html_in_text_is_stored_verbatim_and_escaped_on_the_page(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    script = '<script>alert("x")</script><b>bold</b>'
    async with (
        running_bot(make_settings(database_url=sqlite_url)) as bot,
        httpx.AsyncClient(base_url=bot.url) as http,
    ):
        page = await http.get("/widget")
        session = http.cookies["feedbot_session"]
        await http.post("/widget/api/messages", json=body(session, script))
        [stored] = await bot.store.messages.find(channel="widget", limit=1, newest_first=False)
        assert stored.text == script
        page = await http.get("/widget")
        assert "&lt;script&gt;alert(" in page.text and "<script>alert(" not in page.text
        assert "<b>bold</b>" not in page.text


async def test_wrong_or_missing_content_type_is_415_with_a_json_error(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with (
        running_bot(make_settings(database_url=sqlite_url)) as bot,
        httpx.AsyncClient(base_url=bot.url) as http,
    ):
        raw = json.dumps(body(await new_session(http))).encode()
        as_form = await http.post("/widget/api/messages", content=raw, headers=FORM)
        untyped = await http.post("/widget/api/messages", content=raw)
        json_to_form = await http.post("/widget/send", content=raw, headers=JSON)
        wrong_method = await http.put("/widget/api/messages", content=raw, headers=JSON)
        assert [as_form.status_code, untyped.status_code, json_to_form.status_code] == [415] * 3
        assert "application/json" in as_form.json()["error"]
        assert wrong_method.status_code == 405 and wrong_method.json()["error"]
        assert await bot.store.messages.find() == []


async def test_the_limit_counts_characters_after_decoding_4000_escaped_emoji_fit(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with (
        running_bot(make_settings(database_url=sqlite_url)) as bot,
        httpx.AsyncClient(base_url=bot.url) as http,
    ):
        session = await new_session(http)
        for n, expected in ((4000, 202), (4001, 413)):
            raw = json.dumps(body(session, "😀" * n, client_id=f"emoji-{n}"), ensure_ascii=True)
            assert "\\ud83d\\ude00" in raw
            answer = await http.post("/widget/api/messages", content=raw, headers=JSON)
            assert answer.status_code == expected, answer.text
        [stored] = [m.text for m in await bot.store.messages.find() if m.direction == "in"]
    assert stored == "😀" * 4000


async def test_a_long_conversation_shows_its_newest_messages_and_pages_back(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with (
        running_bot(make_settings(database_url=sqlite_url, widget_session_rate=500)) as bot,
        httpx.AsyncClient(base_url=bot.url) as http,
    ):
        page = await http.get("/widget")
        session = http.cookies["feedbot_session"]
        for i in range(120):
            sent = body(session, f"message number {i:03d}", client_id=f"long-{i:04d}")
            assert (await http.post("/widget/api/messages", json=sent)).status_code == 202
        await asyncio.sleep(0.5)  # the acknowledgement, at most one, lands meanwhile
        first = (await http.get("/widget/api/messages", params={"session": session})).json()
        mine = [m["text"] for m in first["messages"] if m["from"] == "you"]
        assert mine[-1] == "message number 119" and len(first["messages"]) == 50
        older = await http.get(
            "/widget/api/messages", params={"session": session, "before": first["older"]}
        )
        assert older.json()["messages"][-1]["id"] < first["messages"][0]["id"]
        page = await http.get("/widget")
        assert "message number 119" in page.text and "message number 000" not in page.text
        assert "Show earlier messages" in page.text
        back = await http.get("/widget", params={"before": str(first["older"])})
        assert "message number 119" not in back.text and "Back to the newest messages" in back.text


@pytest.mark.parametrize(
    "refusal, words",
    [
        (
            Unstorable("DataError: (asyncpg) invalid byte sequence for UTF8 in SECRET-TEXT"),
            "the database refused a value in it (DataError)",
        ),
        (
            Unstorable("UnicodeEncodeError: 'utf-8' codec can't encode SECRET-TEXT"),
            "its text is not valid Unicode the database can keep (UnicodeEncodeError)",
        ),
        (ValueError("SECRET-TEXT is odd"), "the database refused a value in it (ValueError)"),
    ],
)
async def test_a_store_refusal_is_a_400_naming_the_problem_never_the_text(
    refusal: ValueError, words: str
) -> None:
    async def refuse(event: InboundEvent) -> Receipt:
        raise refusal

    deps = WidgetDeps(refuse, *([None] * 5), wording=shipped_wording())  # type: ignore[arg-type]
    event = to_event(body("session-abcdef12"), max_chars=100)
    with pytest.raises(BadRequest) as refused:
        await record(deps, event)
    assert refused.value.status == 400
    assert str(refused.value) == f"this message cannot be stored: {words}"
