"""The staff pages' body cap holds before the CSRF check reads a form: a body declared over
64 KiB, or a chunked one that grows past it, is answered 413 while the client is still sending
(nothing buffers the rest), and changes nothing; bodies within the cap, chunked or not, still
work. Over real HTTP against the running bot, with raw sockets where a client must misbehave."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from urllib.parse import urlsplit

import httpx
from sqlalchemy import func, select

from config.settings import Settings
from models.store.inbox.tables import InboxEntry
from tests.fakes.running import RunningBot, running_bot
from tests.support.staff import add_staff, csrf_of, log_in, widget_item

CAP = 64 * 1024
ANSWER_WITHIN_S = 20  # generous on a loaded machine; a server waiting for the body never answers


async def status_while_sending(bot: RunningBot, head: bytes, sent: bytes) -> bytes:
    """Send the request head and part of a body, never the rest; the status line that comes
    back while the body is still unfinished."""
    where = urlsplit(bot.url)
    reader, writer = await asyncio.open_connection(where.hostname, where.port)
    try:
        writer.write(head + sent)
        await writer.drain()
        return await asyncio.wait_for(reader.readline(), ANSWER_WITHIN_S)
    finally:
        writer.close()


def head(path: str, cookie: str, *framing: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Cookie: {cookie}",
             "Content-Type: application/x-www-form-urlencoded", *framing]  # fmt: skip
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def chunked(data: bytes, size: int = 8192) -> bytes:
    """``data`` as HTTP/1.1 chunks, without the closing zero-length chunk."""
    parts = [data[i : i + size] for i in range(0, len(data), size)]
    return b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in parts)


async def notes(bot: RunningBot) -> int:
    query = select(func.count()).select_from(InboxEntry).where(InboxEntry.kind == "note")
    return int(await bot.store.read(lambda c: c.execute(query).scalar_one()))


async def logged_in(bot: RunningBot, http: httpx.AsyncClient, item: int) -> tuple[str, str]:
    """Log an agent in; (their Cookie header, a CSRF token from the item page)."""
    await add_staff(bot.store, "agent@lib.example.ac.uk")
    await log_in(http, "agent@lib.example.ac.uk")
    token = csrf_of((await http.get(f"/inbox/items/{item}")).text)
    cookie = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
    return cookie, token


async def test_an_oversize_body_is_413_before_it_has_all_arrived(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        item = await widget_item(bot, "Please fix the scanner")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            cookie, token = await logged_in(bot, http, item)
        form = f"csrftoken={token}&text=".encode()
        path = f"/inbox/items/{item}/note"
        declared = await status_while_sending(
            bot, head(path, cookie, "Content-Length: 10000000"), form + b"x" * 1024
        )
        login = await status_while_sending(
            bot, head("/inbox/login", "", "Content-Length: 70000"), b"email=a"
        )
        streamed = await status_while_sending(
            bot, head(path, cookie, "Transfer-Encoding: chunked"), chunked(form + b"x" * CAP)
        )
        assert await notes(bot) == 0
    for status in (declared, login, streamed):
        assert status.startswith(b"HTTP/1.1 413"), status


async def test_bodies_within_the_cap_chunked_or_not_still_reach_the_page(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        item = await widget_item(bot, "Please fix the scanner")
        async with httpx.AsyncClient(base_url=bot.url) as http:
            _, token = await logged_in(bot, http, item)
            path = f"/inbox/items/{item}/note"
            plain = await http.post(path, data={"csrftoken": token, "text": "first note"})
            form = f"csrftoken={token}&text=second+note".encode()

            async def pieces() -> AsyncIterator[bytes]:
                for i in range(0, len(form), 7):
                    yield form[i : i + 7]

            kind = {"content-type": "application/x-www-form-urlencoded"}
            streamed = await http.post(path, content=pieces(), headers=kind)
            big = {"csrftoken": token, "text": "x" * (CAP + 1)}
            refused = await http.post(path, data=big)
            as_json = await http.post(path, data=big, headers={"accept": "application/json"})
        assert await notes(bot) == 2
    assert (plain.status_code, streamed.status_code) == (303, 303)
    assert refused.status_code == 413 and "This form is too large" in refused.text
    assert as_json.status_code == 413 and as_json.json() == {
        "error": "the request body is larger than 64 KiB"
    }


async def test_a_form_no_page_could_read_is_4xx_not_500_logged_in_or_not(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> None:
    async with running_bot(make_settings(database_url=sqlite_url)) as bot:
        item = await widget_item(bot, "Please fix the scanner")
        async with httpx.AsyncClient(base_url=bot.url) as stranger:
            await stranger.get("/inbox/login")  # holds a CSRF cookie, as a browser would
            answers = await unreadable_posts(stranger, "/inbox/login")
        async with httpx.AsyncClient(base_url=bot.url) as agent:
            _, token = await logged_in(bot, agent, item)
            answers += await unreadable_posts(agent, f"/inbox/items/{item}/note", token)
        assert await notes(bot) == 0
    assert [a.status_code for a in answers] == [400, 415, 415] * 2
    assert all("could not be read" in a.text for a in answers)


async def unreadable_posts(
    http: httpx.AsyncClient, path: str, token: str = "t"
) -> list[httpx.Response]:
    """A form in Latin-1 bytes, a multipart form, and a multipart type without a boundary."""
    form = {"content-type": "application/x-www-form-urlencoded"}
    return [
        await http.post(
            path, content=b"csrftoken=" + token.encode() + b"&email=\xff", headers=form
        ),
        await http.post(path, data={"csrftoken": token}, files={"f": ("a.txt", b"x")}),
        await http.post(path, content=b"--x\r\n", headers={"content-type": "multipart/form-data"}),
    ]
