"""export conversations / export messages: one row per queue item and per message with their
labels and times, CSV or JSON lines, a page at a time; --since narrows; bad days refused."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from pathlib import Path

from models.store import Store
from models.store.rights.team_export import CONVERSATION_FIELDS, MESSAGE_FIELDS
from tests.rights.world import TEXTS, build, filled
from tests.support.cli import invoke, one_line_failure


async def test_conversation_rows_carry_the_item_figures(store: Store) -> None:
    world = await build(store)
    pages = [p async for p in store.rights.iter_rows(kind="conversations", since=None)]
    [row] = [dict(zip(CONVERSATION_FIELDS, r, strict=True)) for page in pages for r in page]
    assert set(row) == set(CONVERSATION_FIELDS)
    assert (row["item_id"], row["channel"], row["status"], row["assignee"], row["csat"]) == (
        world.item_id, "slack", "resolved", "Ann", 5,
    )  # fmt: skip
    assert row["messages"] == 1 and isinstance(row["first_response_s"], int)
    assert (
        isinstance(row["resolution_s"], int) and len(row["person"]) == 8
    )  # the queue's short pseudonym


async def test_message_rows_page_through_everything_once(store: Store) -> None:
    await build(store)
    total = await store.rights.count_rows(kind="messages", since=None)
    pages = [p async for p in store.rights.iter_rows(kind="messages", since=None, page=2)]
    rows = [dict(zip(MESSAGE_FIELDS, r, strict=True)) for page in pages for r in page]
    ids = [r["id"] for r in rows]
    assert len(ids) == total == len(set(ids)) and ids == sorted(ids)
    assert {len(p) for p in pages[:-1]} == {2}
    row = next(r for r in rows if r["text"] == TEXTS[1])
    assert (row["sentiment"], row["topic"]) == ("negative", "printing")
    assert set(row) == set(MESSAGE_FIELDS)


def test_the_cli_writes_csv_and_jsonl(tmp_path: Path) -> None:
    env = filled(tmp_path)
    out = tmp_path / "messages.csv"
    ran = invoke(env, "export", "messages", "--out", str(out))
    assert ran.code == 0 and "exported" in ran.stderr, ran
    rows = list(csv.DictReader(out.open()))
    assert TEXTS[0] in {r["text"] for r in rows} and not (tmp_path / "messages.csv.part").exists()
    lines = invoke(env, "export", "conversations", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(x)["csat"] for x in lines] == [5]
    later = invoke(env, "export", "messages", "--since", "2999-01-01", "--format", "jsonl")
    assert later.code == 0 and later.stdout == ""
    bad = invoke(env, "export", "messages", "--since", "last week")
    assert "YYYY-MM-DD" in one_line_failure(bad)


async def test_message_rows_carry_relabels_and_iso_times_on_both_databases(store: Store) -> None:
    world = await build(store)
    view = await store.inbox.page(item_id=world.item_id)
    assert view is not None
    [mid] = [e.message_id for e in view.entries if e.text == TEXTS[1]]
    assert mid is not None
    ann = view.item.row.assignee_id or 1
    await store.inbox.relabel(
        item_id=world.item_id, actor_id=ann, field="topic", value="wifi", message_id=mid
    )
    pages = [p async for p in store.rights.iter_rows(kind="messages", since=None, page=3)]
    rows = {r[0]: dict(zip(MESSAGE_FIELDS, r, strict=True)) for page in pages for r in page}
    fixed = rows[mid]
    assert (fixed["topic"], fixed["corrected_topic"], fixed["corrected_sentiment"]) == (
        "printing",
        "wifi",
        "",
    )
    assert all(r["corrected_topic"] == "" for k, r in rows.items() if k != mid)
    for r in rows.values():
        at = datetime.fromisoformat(r["occurred_at"])
        assert at.utcoffset() == timedelta(0) and r["occurred_at"].endswith("+00:00")
        assert len(r["occurred_at"]) == len("2026-12-01T10:00:00.000000+00:00")
