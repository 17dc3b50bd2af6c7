"""Where a person's customer group comes from, through the real ways in: a widget embedded
with data-group, a Telegram user on the library's imported list, a Slack user (staff)."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from bot.events import utcnow
from config.library import load_library_config
from handlers.groups.group_list import read_group_list
from models.store import Store
from models.store.engine import sqlite_path
from models.store.rights.scope import Who
from models.store.tables import Contact
from tests.fakes.chat import Chat
from tests.fakes.running import RunningBot
from tests.fakes.waiting import wait_until

ROOT = Path(__file__).resolve().parents[3]
LIST = (
    "channel,handle,group\n"
    "telegram,@Ada1,postgraduate_research\n"
    "slack,grace.hopper@uni.example.ac.uk,academic_staff\n"
    "x,@someone_else,alumni\n"
)
RAW = (b"Ada1", b"ada1", b"grace.hopper", b"someone_else")


async def _groups(store: Store) -> dict[str, tuple[str | None, str | None]]:
    query = select(Contact.channel, Contact.customer_group, Contact.group_source)
    rows = await store.read(lambda c: [tuple(r) for r in c.execute(query)])
    return {ch: (g, s) for ch, g, s in rows}


async def _import(bot: RunningBot, tmp_path: Path) -> None:
    listed = tmp_path / "list.csv"
    listed.write_text(LIST, encoding="utf-8")
    groups = load_library_config(ROOT / "config" / "feedbot.yaml").customer_groups
    rows = read_group_list(listed, groups, bot.store.people.hashed)
    await bot.store.people.import_groups(rows=rows, at=utcnow())


async def test_widget_telegram_and_slack_people_get_their_groups(
    chat: Chat, db_url: str, tmp_path: Path
) -> None:
    bot = await chat.start("telegram", "slack", database_url=db_url)
    await _import(bot, tmp_path)  # before the Telegram user first writes
    opened = await chat.http.post(f"{bot.url}/widget/api/sessions", json={"group": "public"})
    assert opened.status_code == 201, opened.text
    visitor = chat.on("widget", session=opened.json()["session"])
    student, colleague = chat.on("telegram"), chat.on("slack")
    await visitor.says("The quiet room is too noisy")
    await student.says("Can I get inter-library loans for my thesis?")
    await colleague.says("The staff printer on floor 3 is jammed")
    await chat.expect_reply(student)
    await chat.expect_reply(visitor)
    wanted = {
        "widget": ("public", "entry"),
        "telegram": ("postgraduate_research", "import"),
        "slack": ("professional_staff", "entry"),
    }

    async def placed() -> bool:
        return await _groups(bot.store) == wanted

    await wait_until(placed, what="the three people placed in their groups")
    if db_url.startswith("sqlite"):
        await chat.stop()  # the database file whole, write-ahead log checkpointed
        folder = Path(sqlite_path(db_url)).parent
        held = b"".join(p.read_bytes() for p in folder.glob("feedbot.db*"))
        assert b"Lovelace" in held  # the scan sees what is kept (the name, for replies)...
        assert not [raw for raw in RAW if raw in held]  # ...and no handle, raw


async def test_an_import_places_people_already_known_and_outranks_the_entry_point(
    chat: Chat, sqlite_url: str, tmp_path: Path
) -> None:
    bot = await chat.start("telegram", database_url=sqlite_url)
    student = chat.on("telegram")
    await student.says("Where are the theses kept?")
    await chat.expect_reply(student)
    assert (await _groups(bot.store))["telegram"] == (None, None)
    await _import(bot, tmp_path)
    assert (await _groups(bot.store))["telegram"] == ("postgraduate_research", "import")
    await bot.store.people.place(contact_ids=[1], group="public", source="entry")
    assert (await _groups(bot.store))["telegram"] == ("postgraduate_research", "import")


async def test_an_unknown_group_is_refused_with_422(chat: Chat, sqlite_url: str) -> None:
    bot = await chat.start(database_url=sqlite_url)
    for body in ({"group": "wizards"}, {"group": 7}):
        answer = await chat.http.post(f"{bot.url}/widget/api/sessions", json=body)
        assert answer.status_code == 422 and "customer groups" in answer.text, answer.text
    empty = await chat.http.post(f"{bot.url}/widget/api/sessions", json={})
    assert empty.status_code == 201


async def test_the_widget_page_places_its_writer_when_they_send_and_shows_a_reference(
    chat: Chat, sqlite_url: str
) -> None:
    bot = await chat.start(database_url=sqlite_url)
    page = await chat.http.get(f"{bot.url}/widget?group=visitor&lang=en")
    found = re.search(r"Your reference: ([0-9A-F]{8})\.", page.text)
    assert page.status_code == 200 and found, page.text
    session = page.cookies["feedbot_session"]
    assert await bot.store.people.find(who=Who(pseudonym=f"Person {found.group(1)}")) is None
    visitor = chat.on("widget", session=session)
    assert '<input type="hidden" name="group" value="visitor">' in page.text
    form = {"session": session, "client_id": "day-pass-1", "text": "Where do I get a day pass?"}
    sent = await chat.http.post(f"{bot.url}/widget/send", data=form | {"group": "visitor"})
    assert sent.status_code == 303, sent.text
    await chat.expect_reply(visitor)
    contact = await bot.store.people.find(who=Who(pseudonym=f"Person {found.group(1)}"))
    assert contact is not None
    person = await bot.store.people.describe(contact_id=contact)
    assert (person.person, person.group, person.group_source) == (
        found.group(1),
        "visitor",
        "entry",
    )
    welsh = await chat.http.get(f"{bot.url}/widget?lang=cy")  # the same session (cookie)
    assert f"Eich cyfeirnod: {found.group(1)}." in welsh.text
