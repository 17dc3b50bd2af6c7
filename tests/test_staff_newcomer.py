"""The operator's path for the staff side: start the bot, add an account from the command line,
log in to the inbox, log out — as real processes, with the secrets generated into var/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from tests.fakes.process import ROOT, bot_env, bot_process, free_port
from tests.support.staff import CSRF

PASSWORD = "newcomer staff password"


def test_add_an_account_then_log_in_and_out(tmp_path: Path) -> None:
    port = free_port()
    env = bot_env(state_dir=str(tmp_path / "var"), http_port=str(port), classifier="off")
    with bot_process(env, tmp_path / "bot.log"):
        added = subprocess.run(
            [sys.executable, "-m", "bot", "staff", "add", "ann@lib.ac.uk", "--name", "Ann",
             "--role", "agent", "--password-stdin"],
            cwd=ROOT, env=env, input=PASSWORD + "\n", capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
            before = http.get("/inbox/")
            token = CSRF.findall(http.get("/inbox/login").text)[0]
            form = {"csrftoken": token, "email": "ann@lib.ac.uk", "password": PASSWORD}
            login = http.post("/inbox/login", data=form)
            queue = http.get("/inbox/")
            logout = http.post("/inbox/logout", data={"csrftoken": CSRF.findall(queue.text)[0]})
            after = http.get("/inbox/")
    assert before.status_code == 303 and before.headers["location"] == "/inbox/login?next=/inbox/"
    assert login.status_code == 303 and queue.status_code == 200 and "Ann" in queue.text
    assert logout.status_code == 303 and after.status_code == 303
    assert (tmp_path / "var" / "session.key").stat().st_mode & 0o077 == 0  # owner-only
