"""people import-groups, people find, coverage --json, and export/erase by handle or by the
queue's pseudonym, as the engagement team types them."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path

from bot.events import Address, Channel, ConversationKind, EventKind, InboundEvent
from models.store import Store
from models.store.migrate import upgrade
from tests.support.cli import base_env, invoke, one_line_failure
from tests.support.queue import stored

KEY = "cli-test-pseudonym-key"  # the key base_env gives the CLI
SAM, KIM = ("5550001", "Sam_S"), ("5550002", "kim_k")


def _telegram(user: str, handle: str, text: str) -> InboundEvent:
    return InboundEvent(
        channel=Channel.TELEGRAM,
        platform_id=f"{user}:1",
        kind=EventKind.MESSAGE,
        sender=user,
        sender_handle=handle,
        address=Address(Channel.TELEGRAM, chat=user, kind=ConversationKind.DIRECT),
        text=text,
        reply_ref="1",
    )


def _world(tmp_path: Path) -> dict[str, str | None]:
    """Sam and Kim on Telegram, each with a queue item; the CLI's environment for them."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'feedbot.db'}"
    upgrade(url)

    async def write() -> None:
        async with Store.open(url, pseudonym_key=KEY.encode()) as store:
            for (user, handle), text in ((SAM, "The scanner ate my thesis"), (KIM, "No wifi")):
                incoming = await stored(store, _telegram(user, handle, text))
                await store.inbox.route(incoming=[replace(incoming, channel="telegram")])

    asyncio.run(write())
    return base_env(tmp_path, database_url=url)


def _queue_people(env: dict[str, str | None]) -> dict[str, str]:
    listed = invoke(env, "queue", "list", "--json")
    assert listed.code == 0, listed
    return {
        json.loads(line)["text"][:7]: json.loads(line)["person"]
        for line in listed.stdout.splitlines()
    }


def _find(env: dict[str, str | None], *args: str) -> dict[str, object]:
    ran = invoke(env, "people", "find", *args)
    assert ran.code == 0, ran
    found: dict[str, object] = json.loads(ran.stdout)
    return found


def test_a_bad_list_imports_nothing_and_names_each_bad_line(tmp_path: Path) -> None:
    env = _world(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "channel,handle,group\ntelegram,@Sam_S,postgraduate_research\n"
        "fax,123,public\ntelegram,,public\nslack,U1,wizards\n"
    )
    line = one_line_failure(invoke(env, "people", "import-groups", str(bad)))
    assert "nothing imported" in line and "line 3: unknown channel 'fax'" in line
    assert "line 4: no handle" in line and "line 5: unknown group 'wizards'" in line
    assert _find(env, "--channel", "telegram", "--handle", "@sam_s")["group"] is None
    headless = tmp_path / "headless.csv"
    headless.write_text("telegram,@Sam_S,public\n")
    assert "columns channel,handle,group" in one_line_failure(
        invoke(env, "people", "import-groups", str(headless))
    )


def test_import_then_find_by_handle_and_by_the_queues_pseudonym(tmp_path: Path) -> None:
    env = _world(tmp_path)
    good = tmp_path / "list.csv"
    good.write_text(
        "channel,handle,group\ntelegram,@SAM_S,postgraduate_research\nx,@nobody,alumni\n"
    )
    ran = invoke(env, "people", "import-groups", str(good))
    assert ran.code == 0 and "imported 2 row(s)" in ran.stdout and "1 person(s)" in ran.stdout, ran
    queue = _queue_people(env)
    by_handle = _find(env, "--channel", "telegram", "--handle", "@sam_s")
    assert by_handle == {
        "person": queue["The sca"],
        "group": "postgraduate_research",
        "group_source": "import",
        "channels": ["telegram"],
    }
    assert _find(env, "--pseudonym", f"Person {queue['The sca']}") == by_handle
    assert _find(env, "--channel", "telegram", "--handle", SAM[0]) == by_handle  # numeric id
    listed = invoke(env, "messages", "list", "--json")
    people = {json.loads(line)["person"] for line in listed.stdout.splitlines()}
    assert people == set(queue.values())
    missing = invoke(env, "people", "find", "--channel", "telegram", "--handle", "@nobody")
    assert "nothing is held about telegram handle @nobody" in one_line_failure(missing)
    assert "--pseudonym P" in one_line_failure(invoke(env, "people", "find", "--channel", "x"))


def test_erase_by_telegram_username_and_by_the_queues_pseudonym(tmp_path: Path) -> None:
    env = _world(tmp_path)
    queue = _queue_people(env)
    exported = invoke(env, "export", "person", "--channel", "telegram", "--handle", "@Sam_S")
    assert exported.code == 0 and json.loads(exported.stdout)["person"] == queue["The sca"]
    by_handle = invoke(
        env, "erase", "person", "--channel", "telegram", "--handle", "@Sam_S", "--yes"
    )
    assert by_handle.code == 0 and by_handle.stdout.startswith("erased person"), by_handle
    by_name = invoke(env, "erase", "person", "--pseudonym", f"Person {queue['No wifi']}", "--yes")
    assert by_name.code == 0 and by_name.stdout.startswith("erased person"), by_name
    for args in (
        ("--channel", "telegram", "--handle", "@sam_s"),
        ("--pseudonym", queue["No wifi"]),
    ):
        assert "nothing is held" in one_line_failure(invoke(env, "people", "find", *args))
    audit = invoke(env, "audit", "list", "--json", "--action", "erase_person")
    named = {json.loads(line)["detail"]["person"] for line in audit.stdout.splitlines()}
    assert named == set(queue.values())


def test_coverage_json_is_one_line_per_group(tmp_path: Path) -> None:
    env = _world(tmp_path)
    ran = invoke(env, "coverage", "--json")
    assert ran.code == 0, ran
    lines = [json.loads(line) for line in ran.stdout.splitlines()]
    assert [g["group"] for g in lines][:3] == [
        "undergraduate",
        "postgraduate_taught",
        "postgraduate_research",
    ]
    for g in lines:
        assert {"group", "people", "share", "population_share", "under_heard"} <= set(g)
    table = invoke(env, "coverage")
    assert table.code == 0 and "people with no known group: fewer than 5" in table.stdout


def test_linked_contacts_are_one_person_with_one_name_everywhere(tmp_path: Path) -> None:
    env = _world(tmp_path)
    linked = invoke(
        env, "link", "person", "--channel", "telegram", "--user", SAM[0],
        "--with-channel", "telegram", "--with-user", KIM[0],
    )  # fmt: skip
    assert linked.code == 0, linked
    queue = _queue_people(env)
    assert queue["The sca"] == queue["No wifi"]
    listed = invoke(env, "messages", "list", "--json")
    assert {json.loads(line)["person"] for line in listed.stdout.splitlines()} == {queue["No wifi"]}
    exported = invoke(env, "export", "person", "--channel", "telegram", "--handle", "@kim_k")
    assert json.loads(exported.stdout)["person"] == queue["No wifi"]
