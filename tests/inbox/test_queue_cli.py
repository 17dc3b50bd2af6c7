"""queue list and queue show, as the engagement team types them; stored text is literal."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.local_time import staff_time
from models.store import Store
from models.store.inbox.types import ItemPage
from models.store.migrate import upgrade
from tests.support.cli import base_env, invoke
from tests.support.queue import add_staff, queued

MARKUP = "[bold red]free coffee[/] \x1b[2J printers down"
CONTRACT = {
    "id", "conversation_id", "channel", "status", "priority", "team", "assignee", "due_at",
    "topic", "sentiment", "text", "created_at",
}  # fmt: skip


def run(tmp_path: Path, *args: str) -> tuple[int, str]:
    """The command's exit code and everything it printed (wide enough for whole tables)."""
    ran = invoke(base_env(tmp_path) | {"COLUMNS": "250"}, *args)
    return ran.code, ran.stdout + ran.stderr


def fill(tmp_path: Path) -> int:
    url = f"sqlite+aiosqlite:///{tmp_path / 'var' / 'feedbot.db'}"
    upgrade(url)

    async def write() -> int:
        async with Store.open(url) as store:
            item = (await queued(store, MARKUP, pid="1")).item_id
            await queued(store, "is the cafe open?", pid="2", sender="U2")
            assert item is not None
            ann = await add_staff(store, "ann@lib.ac.uk")
            await store.inbox.claim(item_id=item, actor_id=ann)
            await store.inbox.note(item_id=item, actor_id=ann, text="[link]see ticket[/link]")
            return item

    return asyncio.run(write())


def test_queue_list_json_has_the_contract_fields(tmp_path: Path) -> None:
    item = fill(tmp_path)
    code, out = run(tmp_path, "queue", "list", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 2 and set(rows[0]) >= CONTRACT
    [mine] = [r for r in rows if r["id"] == item]
    assert (mine["text"], mine["status"], mine["assignee"]) == (MARKUP, "open", "Ann")
    code, out = run(tmp_path, "queue", "list", "--status", "new", "--json")
    assert code == 0 and [json.loads(x)["text"] for x in out.splitlines()] == ["is the cafe open?"]
    code, out = run(tmp_path, "queue", "list", "--team", "estates", "--json")
    assert (code, out) == (0, "")


def test_tables_print_stored_text_literally(tmp_path: Path) -> None:
    item = fill(tmp_path)
    code, out = run(tmp_path, "queue", "list")
    assert code == 0 and "[bold red]free coffee[/]" in out and "\x1b" not in out
    code, out = run(tmp_path, "queue", "show", str(item))
    assert code == 0 and "[bold red]free coffee[/] \\x1b[2J" in out
    assert "[link]see ticket[/link]" in out and "note" in out


def test_bad_arguments_fail_in_one_line(tmp_path: Path) -> None:
    fill(tmp_path)
    code, out = run(tmp_path, "queue", "list", "--status", "closed")
    assert code == 2 and "'closed' is not one of" in out
    code, out = run(tmp_path, "queue", "show", "999")
    assert code == 1 and "no queue item 999" in out


def test_times_are_in_the_library_zone_with_the_zone_named(tmp_path: Path) -> None:
    item = fill(tmp_path)
    page = asyncio.run(_page(tmp_path, item))
    due = staff_time(page.item.row.due_at, ZoneInfo("Europe/London"))
    code, out = run(tmp_path, "queue", "show", str(item))
    assert code == 0 and f"due {due} ·" in out
    assert all(staff_time(e.at, ZoneInfo("Europe/London")) in out for e in page.entries)
    code, out = run(tmp_path, "queue", "list")
    assert code == 0 and due in out and "UTC" not in out


async def _page(tmp_path: Path, item: int) -> ItemPage:
    async with Store.open(f"sqlite+aiosqlite:///{tmp_path / 'var' / 'feedbot.db'}") as store:
        page = await store.inbox.page(item_id=item, limit=50)
    assert page is not None
    return page
