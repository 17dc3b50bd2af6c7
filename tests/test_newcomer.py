"""The newcomer's path: start the bot on an empty var/, send feedback, see it in the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.fakes.process import bot_env, bot_process, cli, free_port
from tests.fakes.widget_sessions import new_session_at


def test_a_message_sent_through_the_widget_shows_up_in_messages_list(tmp_path: Path) -> None:
    port = free_port()
    env = bot_env(state_dir=str(tmp_path / "var"), http_port=str(port))
    with bot_process(env, tmp_path / "bot.log"):
        page = httpx.get(f"http://127.0.0.1:{port}/widget")
        assert page.status_code == 200 and "Your message" in page.text
        sent = httpx.post(
            f"http://127.0.0.1:{port}/widget/api/messages",
            json={
                "session": new_session_at(f"http://127.0.0.1:{port}"),
                "client_id": "first-message",
                "text": "Hello, is the café open?",
            },
        )
        assert sent.status_code == 202
    listed = cli(env, "messages", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    mine = [r for r in rows if r["id"] == sent.json()["id"]]
    assert mine and mine[0]["text"] == "Hello, is the café open?" and mine[0]["channel"] == "widget"
    assert {"id", "channel", "text", "created_at", "sentiment", "topic"} <= set(mine[0])
