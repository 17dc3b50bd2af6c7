"""The librarian's terminal is safe: stored text is printed literally by every CLI table, with
no rich markup interpreted and no control sequence from a message reaching the terminal."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.cli.show import visible
from bot.events import OutboundMessage
from models.store import Store
from models.store.migrate import upgrade_async
from tests.support.cli import base_env, invoke
from tests.support.events import message

HOSTILE = (
    "\x1b[31mred\x1b[0m \x9b2J \u202egnp.exe\u202c [bold red]URGENT[/bold red] :skull: "
    "[link=https://evil.example]click[/link] \x1b]8;;https://evil.example\x07link\x1b]8;;\x07 "
    "\x1b]0;pwned title\x07 \x07\x08\x7f \u2066iso\u2069 end"
)
# Whatever a terminal would act on: ESC, BEL, BS, DEL, C1 controls, bidi overrides/isolates.
ACTIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
async def env(tmp_path: Path) -> dict[str, str | None]:
    """A store holding one hostile inbound message and one hostile outbox item."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'var' / 'feedbot.db'}"
    await upgrade_async(url)
    async with Store.open(url, pseudonym_key=b"k" * 32) as store:
        [recorded] = await store.messages.record(events=[message(HOSTILE, pid="evil")])
        reply = OutboundMessage(address=message().address, text=HOSTILE)
        await store.outbox.enqueue(message=reply, author="test")
    assert recorded.message_id
    return base_env(tmp_path)


def test_messages_list_prints_markup_and_escapes_literally(env: dict[str, str | None]) -> None:
    ran = invoke(env, "messages", "list")
    assert ran.code == 0, ran.stderr
    assert not ACTIVE.search(ran.stdout)
    flat = " ".join(ran.stdout.split())
    assert "\\x1b[31mred\\x1b[0m \\x9b2J \\u202egnp.exe\\u202c" in flat  # shown, not obeyed
    assert "[bold red]URGENT[/bold red] :skull: [link=" in flat
    assert "💀" not in flat  # no emoji code replaced either


def test_the_json_lines_carry_the_exact_text_with_nothing_active(
    env: dict[str, str | None],
) -> None:
    ran = invoke(env, "messages", "list", "--json")
    assert ran.code == 0 and not ACTIVE.search(ran.stdout)
    texts = [json.loads(line)["text"] for line in ran.stdout.splitlines()]
    assert texts == [HOSTILE, HOSTILE]  # the staff reply queued, and the message


def test_the_outbox_table_is_literal_too(env: dict[str, str | None]) -> None:
    ran = invoke(env, "outbox", "list")
    assert ran.code == 0 and not ACTIVE.search(ran.stdout)
    assert "\\x1b[31mred\\x1b[0m \\x9b2J" in ran.stdout
    json_ran = invoke(env, "outbox", "list", "--json")
    assert not ACTIVE.search(json_ran.stdout) and json.loads(json_ran.stdout)["text"] == HOSTILE


def test_poll_tables_show_markup_literally(env: dict[str, str | None]) -> None:
    question = "[blink]Open on Sundays?[/blink] \x1b[2J"
    made = invoke(env, "poll", "create", "-q", question, "--kind", "yes_no", "--to", "widget")
    assert made.code == 0, made.stderr
    for ran in (invoke(env, "poll", "list"), invoke(env, "poll", "results", "1")):
        assert ran.code == 0 and not ACTIVE.search(ran.stdout)
        assert "[blink]Open on Sundays?[/blink] \\x1b[2J" in ran.stdout


def test_visible_escapes_every_kind_of_control_and_keeps_ordinary_text() -> None:
    assert visible("a\x1bb\x9bc\u202ed\u2028e\ud800f") == "a\\x1bb\\x9bc\\u202ed\\u2028e\\ud800f"
    assert visible("line one\nline\ttwo\r") == "line one line two "
    assert visible("café 👩‍💻 ok ❤️") == "café 👩‍💻 ok ❤️"  # ZWJ emoji and variation selectors stay
    assert visible("abcdef", limit=3) == "abc"
