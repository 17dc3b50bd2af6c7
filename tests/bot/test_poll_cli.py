"""The poll commands as the engagement team types them."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from bot.cli import build_cli
from bot.cli.polls import report
from handlers.polls.kinds import CSAT
from handlers.polls.results import compute
from models.store import Store
from tests.support.asked import asked_consent, real_polls
from tests.support.databases import SqliteTemplate
from tests.support.events import poll

ROOT = Path(__file__).resolve().parents[2]


def run(tmp_path: Path, *args: str) -> tuple[int, str]:
    env = {
        "FEEDBOT_STATE_DIR": str(tmp_path / "var"),
        "FEEDBOT_CONFIG_FILE": str(ROOT / "config" / "feedbot.yaml"),
        "FEEDBOT_PSEUDONYM_KEY": "cli-test-pseudonym-key",
        # Slack and Telegram are configured (polls to channels without credentials are refused).
        "FEEDBOT_SLACK_BOT_TOKEN": "xoxb-cli-test",
        "FEEDBOT_SLACK_SIGNING_SECRET": "cli-test-signing-secret",
        "FEEDBOT_TELEGRAM_TOKEN": "123:cli-test",
    }
    result = CliRunner().invoke(build_cli(), list(args), env=env)
    return result.exit_code, result.output


def test_create_send_results_and_close(tmp_path: Path, sqlite_template: SqliteTemplate) -> None:
    sqlite_template.copy_to(tmp_path / "var" / "feedbot.db")
    code, out = run(
        tmp_path,
        "poll",
        "create",
        "-q",
        "Which workshop next term?",
        "--kind",
        "single",
        "--option",
        "Referencing",
        "--option",
        "Literature searching",
        "--to",
        "widget",
        "--to",
        "slack:C0LIB=200",
    )
    assert (code, out.strip()) == (0, "1")
    assert run(tmp_path, "poll", "send", "1") == (0, "poll 1 is open; 1 post(s) queued\n")
    code, out = run(tmp_path, "poll", "results", "1", "--json")
    results = json.loads(out)
    assert code == 0 and results["status"] == "open" and results["responses"] == 0
    assert [o["label"] for o in results["options"]] == ["Referencing", "Literature searching"]
    assert results["response_rate"] is None  # the widget's audience size is unknown
    code, out = run(tmp_path, "poll", "list")
    assert code == 0 and "Which workshop next term?" in out and "slack:C0LIB" in out
    assert run(tmp_path, "poll", "close", "1") == (0, "poll 1 is closed with 0 answers\n")


def test_the_list_sums_up_the_consent_question_in_one_line(
    tmp_path: Path, sqlite_template: SqliteTemplate
) -> None:
    url = sqlite_template.copy_to(tmp_path / "var" / "feedbot.db")

    async def seed() -> list[int]:
        async with Store.open(url, pseudonym_key=b"cli-test-pseudonym-key") as store:
            await real_polls(store)
            return await asked_consent(store, people=50, yes=30, no=10)

    asked = asyncio.run(seed())
    code, out = run(tmp_path, "poll", "list")
    assert code == 0 and "Sundays" in out and "workshop" in out
    assert "May we contact" not in out and out.count("\n") < 20
    assert "Contact consent question: asked 50 people, 40 answered: 75% yes" in out
    code, everything = run(tmp_path, "poll", "list", "--all")
    assert code == 0 and everything.count("May we contact") == 50
    code, one = run(tmp_path, "poll", "results", str(asked[0]), "--json")
    assert code == 0 and json.loads(one)["responses"] == 1  # still readable by id


def test_templates_and_files(tmp_path: Path, sqlite_template: SqliteTemplate) -> None:
    sqlite_template.copy_to(tmp_path / "var" / "feedbot.db")
    assert run(tmp_path, "poll", "create", "--template", "term_nps")[0] == 0
    poll_file = tmp_path / "poll.yaml"
    poll_file.write_text(
        "question: Open on Sundays?\nkind: yes_no\nto: [widget, 'telegram:-100123']\n"
    )
    assert run(tmp_path, "poll", "create", "--file", str(poll_file)) == (0, "2\n")
    _, out = run(tmp_path, "poll", "results", "2", "--json")
    assert [o["key"] for o in json.loads(out)["options"]] == ["yes", "no"]


def test_refusals_are_one_line_with_the_reason(
    tmp_path: Path, sqlite_template: SqliteTemplate
) -> None:
    sqlite_template.copy_to(tmp_path / "var" / "feedbot.db")
    code, out = run(
        tmp_path, "poll", "create", "-q", "Open late?", "--kind", "yes_no", "--to", "slack"
    )
    assert code == 1 and "poll refused: slack needs a chat or channel id" in out
    code, out = run(tmp_path, "poll", "create", "-q", "Open late?", "--kind", "yes_no")
    assert code == 1 and "no channel chosen" in out
    code, out = run(tmp_path, "poll", "create", "-q", "Pick", "--kind", "single", "--option", "one")
    assert code == 1 and "2 to 10 options" in out
    code, out = run(
        tmp_path, "poll", "create", "--template", "help_desk_csat", "--repeat-days", "7"
    )
    assert code == 1 and "a repeating poll needs --closes-at" in out
    code, out = run(tmp_path, "poll", "create", "--template", "nope")
    assert code == 1 and "no poll template 'nope'" in out
    assert run(tmp_path, "poll", "send", "99")[0] == 1


def test_an_anonymous_poll_asks_no_follow_up_and_takes_no_public_replies(
    tmp_path: Path, sqlite_template: SqliteTemplate
) -> None:
    sqlite_template.copy_to(tmp_path / "var" / "feedbot.db")
    ask = ("poll", "create", "-q", "How was the help desk?", "--kind", "csat", "--anonymous")
    code, out = run(tmp_path, *ask, "--to", "telegram:-100123", "--follow-up", "Why?")
    assert code == 1 and "an anonymous poll cannot ask a follow-up" in out
    code, out = run(tmp_path, *ask, "--to", "x")  # five options: X would take numbered replies
    assert code == 1 and "on x this poll is answered by public replies" in out
    assert run(tmp_path, *ask, "--to", "telegram:-100123", "--to", "widget") == (0, "1\n")
    _, out = run(tmp_path, "poll", "results", "1", "--json")
    assert json.loads(out)["anonymous"] is True


def test_a_command_before_migrate_says_what_to_run(tmp_path: Path) -> None:
    code, out = run(tmp_path, "poll", "list")
    assert code == 1
    assert out == (
        "feedbot: the database has no feedbot tables yet: run `python -m bot migrate`"
        " (make run does it)\n"
    )


def test_results_table_counts_each_answer_on_each_channel() -> None:
    votes = [("slack", ["5"]), ("telegram", ["4"]), ("slack", ["2"]), ("slack", ["5"])]
    console = Console(record=True, width=100)
    for line in report(compute(poll("csat", CSAT, [40]), votes)):
        console.print(line)
    shown = [" ".join(row.split()) for row in console.export_text().splitlines()]
    assert shown[0] == "#1 How was it? (open)"
    assert "┃ answer ┃ count ┃ % ┃ slack ┃ telegram ┃" in shown
    assert "│ 5 Excellent │ 2 │ 50 │ 2 │ 0 │" in shown
    assert "│ 4 Good │ 1 │ 25 │ 0 │ 1 │" in shown
    assert shown[-3:] == ["responses: 4", "CSAT (% of 4s and 5s): 75", "response rate %: 10"]


def test_a_poll_sent_in_exams_waits_unless_even_in_quiet(
    tmp_path: Path, sqlite_template: SqliteTemplate
) -> None:
    """With an exam period around today in the calendar, `poll send` schedules the poll for the
    day after it; `--even-in-quiet` sends it now; both audited under the operator's name."""
    from datetime import UTC, datetime, timedelta

    import yaml

    today = datetime.now(UTC).date()
    config = yaml.safe_load((ROOT / "config" / "feedbot.yaml").read_text(encoding="utf-8"))
    exams = {"name": "Exams", "kind": "exams", "start": str(today - timedelta(days=2))}
    config["calendar"]["periods"] = [exams | {"end": str(today + timedelta(days=3))}]
    config_file = tmp_path / "feedbot.yaml"
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    sqlite_template.copy_to(tmp_path / "var" / "feedbot.db")
    env = {"FEEDBOT_CONFIG_FILE": str(config_file)}

    def cli(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(
            build_cli(),
            list(args),
            env={
                "FEEDBOT_STATE_DIR": str(tmp_path / "var"),
                "FEEDBOT_PSEUDONYM_KEY": "cli-test-pseudonym-key",
            }
            | env,
        )
        return result.exit_code, result.output

    assert cli("poll", "create", "-q", "Warm enough?", "--kind", "yes_no", "--to", "widget") == (
        0,
        "1\n",
    )
    code, out = cli("poll", "send", "1")
    day = today + timedelta(days=4)
    assert code == 0 and f"waits out Exams: it opens on {day:%Y-%m-%d}" in out
    assert cli("poll", "send", "1", "--even-in-quiet") == (0, "poll 1 is open; 0 post(s) queued\n")
    code, out = cli("audit", "list", "--json")
    actions = [json.loads(line)["action"] for line in out.splitlines() if line.strip()]
    assert code == 0 and {"poll.create", "poll.hold", "poll.send"} <= set(actions)
