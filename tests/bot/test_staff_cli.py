"""The staff commands as an administrator types them."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import build_cli
from handlers.staff.passwords import Passwords
from models.store import Store
from models.store.migrate import upgrade
from models.store.tables import AuditEntry
from tests.fakes.slack import FakeSlack
from tests.support.databases import SqliteTemplate

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"


def run(
    tmp_path: Path, *args: str, stdin: str = "", **settings: str | None
) -> tuple[int, str, str]:
    env = {
        "FEEDBOT_STATE_DIR": str(tmp_path / "var"),
        "FEEDBOT_CONFIG_FILE": str(ROOT / "config" / "feedbot.yaml"),
        "FEEDBOT_PSEUDONYM_KEY": "cli-test-pseudonym-key",
    } | {f"FEEDBOT_{k.upper()}": v for k, v in settings.items()}
    result = CliRunner().invoke(build_cli(), list(args), env=env, input=stdin)
    return result.exit_code, result.stdout, result.stderr


def _url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'var' / 'feedbot.db'}"


async def _look(url: str, email: str) -> tuple[str, list[str]]:
    async with Store.open(url) as store:
        found = await store.staff.credentials(email=email)
        assert found is not None
        actions = await store.read(
            lambda c: list(c.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())
        )
        return found[1], actions


def test_add_list_link_reset_and_disable(tmp_path: Path, sqlite_template: SqliteTemplate) -> None:
    sqlite_template.copy_to(tmp_path / "var" / "feedbot.db")
    add = ["staff", "add", "Ann@Lib.ac.uk", "--name", "Ann Lee", "--role", "lead"]
    code, out, _ = run(tmp_path, *add, "--team", "it_services", "--password-stdin", stdin=PASSWORD)
    assert code == 0 and "added ann@lib.ac.uk\tAnn Lee\tlead\tit_services\tactive" in out
    assert run(tmp_path, "staff", "link-slack", "ann@lib.ac.uk", "U012AB3CD")[0] == 0
    new = "another long passphrase"
    code, out, _ = run(
        tmp_path, "staff", "reset-password", "ann@lib.ac.uk", "--password-stdin", stdin=new
    )
    assert code == 0 and "sessions have ended" in out
    assert run(tmp_path, "staff", "disable", "ann@lib.ac.uk")[0] == 0
    code, out, _ = run(tmp_path, "staff", "list")
    assert out.strip() == "ann@lib.ac.uk\tAnn Lee\tlead\tit_services\tdisabled slack:U012AB3CD"
    stored, actions = asyncio.run(_look(_url(tmp_path), "ann@lib.ac.uk"))
    assert stored.startswith("$argon2id$") and new not in stored
    assert asyncio.run(Passwords().verify(stored, new))
    assert actions == ["staff.add", "staff.link_slack", "staff.password", "staff.disable"]


def test_the_password_prompt_asks_twice(tmp_path: Path, sqlite_template: SqliteTemplate) -> None:
    sqlite_template.copy_to(tmp_path / "var" / "feedbot.db")
    add = ["staff", "add", "bo@lib.ac.uk", "--name", "Bo", "--role", "agent"]
    code, out, _ = run(tmp_path, *add, stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert code == 0 and "added bo@lib.ac.uk" in out


def test_refusals_are_one_line_and_non_zero(
    tmp_path: Path, sqlite_template: SqliteTemplate
) -> None:
    sqlite_template.copy_to(tmp_path / "var" / "feedbot.db")
    add = ["staff", "add", "cy@lib.ac.uk", "--name", "Cy", "--role", "agent", "--password-stdin"]
    assert run(tmp_path, *add, stdin=PASSWORD)[0] == 0
    twice = run(tmp_path, *add, stdin=PASSWORD)
    short = run(
        tmp_path,
        "staff",
        "add",
        "dd@lib.ac.uk",
        "--name",
        "D",
        "--role",
        "agent",
        "--password-stdin",
        stdin="short",
    )
    unknown = run(tmp_path, "staff", "disable", "nobody@lib.ac.uk")
    bad_role = run(
        tmp_path,
        "staff",
        "add",
        "ee@lib.ac.uk",
        "--name",
        "E",
        "--role",
        "boss",
        "--password-stdin",
        stdin=PASSWORD,
    )
    bad_slack = run(tmp_path, "staff", "link-slack", "cy@lib.ac.uk", "not-an-id")
    assert (
        twice[0] == 1 and twice[2] == "feedbot: a staff account for cy@lib.ac.uk already exists\n"
    )
    assert short[0] == 1 and short[2] == "feedbot: a password needs at least 12 characters\n"
    assert unknown[0] == 1 and unknown[2] == "feedbot: no staff account for nobody@lib.ac.uk\n"
    assert bad_role[0] == 2 and "boss" in bad_role[2]
    assert bad_slack[0] == 2 and "Slack user id" in bad_slack[2]


async def test_link_slack_without_an_id_finds_the_user_by_email_address(tmp_path: Path) -> None:
    await asyncio.to_thread(upgrade, _url(tmp_path))  # the CLI runs its own event loop

    async def add(email: str) -> int:
        command = ["staff", "add", email, "--name", "N", "--role", "agent", "--password-stdin"]
        return (await asyncio.to_thread(run, tmp_path, *command, stdin=PASSWORD))[0]

    assert await add("ann@lib.ac.uk") == 0
    async with FakeSlack() as slack:
        slack.emails["U0ANN0001"] = "Ann@Lib.ac.uk"
        token = {"slack_bot_token": slack.identity.bot_token, "slack_api_url": slack.api_url}

        def link(email: str, **extra: str | None) -> tuple[int, str, str]:
            return run(tmp_path, "staff", "link-slack", email, **(token | extra))

        code, out, _ = await asyncio.to_thread(link, "ann@lib.ac.uk")
        assert code == 0 and "U0ANN0001" in out
        assert slack.calls_to("users.lookupByEmail")[0].args["email"] == "ann@lib.ac.uk"
        assert await add("bo@lib.ac.uk") == 0
        unknown = await asyncio.to_thread(link, "bo@lib.ac.uk")
        no_token = await asyncio.to_thread(link, "bo@lib.ac.uk", slack_bot_token=None)
    assert unknown[0] == 1 and "no Slack user has the address bo@lib.ac.uk" in unknown[2]
    assert no_token[0] == 1 and no_token[2].startswith("feedbot: FEEDBOT_SLACK_BOT_TOKEN")
    code, out, _ = await asyncio.to_thread(run, tmp_path, "staff", "list")
    assert "slack:U0ANN0001" in out


def test_a_team_the_config_does_not_know_is_refused_naming_the_teams(
    tmp_path: Path, sqlite_template: SqliteTemplate
) -> None:
    sqlite_template.copy_to(tmp_path / "var" / "feedbot.db")
    add = ["staff", "add", "fi@lib.ac.uk", "--name", "Fi", "--role", "agent", "--password-stdin"]
    code, out, err = run(tmp_path, *add, "--team", "it-services", stdin=PASSWORD)
    assert code == 1 and out == ""
    assert err == (
        "feedbot: unknown team 'it-services'; the teams are: academic_liaison, accessibility,"
        " customer_engagement, customer_services, estates, it_services\n"
    )
    assert run(tmp_path, "staff", "list")[1] == ""  # nothing was added
    code, out, _ = run(tmp_path, *add, "--team", "customer_engagement", stdin=PASSWORD)
    assert code == 0 and "\tagent\tcustomer_engagement\tactive" in out
