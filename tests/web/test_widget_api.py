"""The widget's JSON API, as a browser on a library page would use it."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from config.settings import Settings
from tests.fakes.chat import Chat
from tests.fakes.running import running_bot


def body(
    text: str = "The Wi-Fi on floor 3 keeps dropping", client_id: str = "client-0001"
) -> dict[str, str]:
    return {"session": "session-abcdef12", "client_id": client_id, "text": text}


async def test_message_is_stored_and_answered_202(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with (
        running_bot(make_settings(database_url=db_url)) as bot,
        httpx.AsyncClient(base_url=bot.url) as http,
    ):
        answer = await http.post("/widget/api/messages", json=body())
        assert answer.status_code == 202
        stored = await bot.store.messages(channel="widget")
        assert [(m.id, m.text) for m in stored] == [(answer.json()["id"], body()["text"])]


async def test_same_client_id_is_stored_once_with_the_same_id(
    db_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with (
        running_bot(make_settings(database_url=db_url)) as bot,
        httpx.AsyncClient(base_url=bot.url) as http,
    ):
        answers = [await http.post("/widget/api/messages", json=body()) for _ in range(3)]
        assert {a.json()["id"] for a in answers} == {answers[0].json()["id"]}
        assert [a.json()["duplicate"] for a in answers] == [False, True, True]
        assert len([m for m in await bot.store.messages() if m.direction == "in"]) == 1


async def test_text_over_the_limit_is_413(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(database_url=sqlite_url, max_message_chars=50)
    async with running_bot(settings) as bot, httpx.AsyncClient(base_url=bot.url) as http:
        answer = await http.post("/widget/api/messages", json=body("x" * 51))
        huge = await http.post("/widget/api/messages", content=b"{" + b" " * 1_000_000 + b"}")
        assert (answer.status_code, huge.status_code) == (413, 413)
        assert "50 characters" in answer.json()["error"]
        assert await bot.store.messages() == []


async def test_malformed_json_and_missing_fields_are_400(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    bad = [
        b"{not json",
        b"[1, 2]",
        b'{"session": "session-abcdef12", "client_id": "client-0001"}',
        b'{"session": "x", "client_id": "client-0001", "text": "hi"}',
        b'{"session": "session-abcdef12", "client_id": "client-0001", "text": 7}',
        b"\xff\xfe",
    ]
    async with (
        running_bot(make_settings(database_url=sqlite_url)) as bot,
        httpx.AsyncClient(base_url=bot.url) as http,
    ):
        for raw in bad:
            answer = await http.post(
                "/widget/api/messages", content=raw, headers={"content-type": "application/json"}
            )
            assert answer.status_code == 400, raw
            assert answer.json()["error"]
        assert await bot.store.messages() == []


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
        await http.post("/widget/api/messages", json=body(script))
        [stored] = await bot.store.messages(channel="widget", limit=1, newest_first=False)
        assert stored.text == script
        http.cookies.set("feedbot_session", "session-abcdef12")
        page = await http.get("/widget")
        assert "&lt;script&gt;alert(" in page.text and "<script>alert(" not in page.text
        assert "<b>bold</b>" not in page.text
