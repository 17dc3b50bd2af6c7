"""export person / erase person / link person as the engagement team types them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.rights.world import SAM_TG, TEXTS, filled
from tests.support.cli import invoke, one_line_failure


def test_export_writes_one_document_and_erase_needs_yes(tmp_path: Path) -> None:
    env = filled(tmp_path)
    out = tmp_path / "sam.json"
    ran = invoke(
        env, "export", "person", "--channel", "telegram", "--user", SAM_TG, "--out", str(out)
    )
    assert ran.code == 0, ran
    doc = json.loads(out.read_text())
    assert doc["summary"][0] in ran.stdout and TEXTS[0] in {m["text"] for m in doc["messages"]}
    refused = invoke(env, "erase", "person", "--channel", "telegram", "--user", SAM_TG)
    assert "add --yes" in one_line_failure(refused)
    erased = invoke(env, "erase", "person", "--channel", "telegram", "--user", SAM_TG, "--yes")
    assert erased.code == 0 and erased.stdout.startswith("erased person"), erased
    again = invoke(env, "erase", "person", "--channel", "telegram", "--user", SAM_TG, "--yes")
    assert again.code == 0 and "nothing to erase" in again.stdout


def test_unknown_people_and_half_named_ones_fail_in_one_line(tmp_path: Path) -> None:
    env = filled(tmp_path)
    missing = invoke(env, "export", "person", "--channel", "telegram", "--user", "42")
    assert "nothing is held about telegram 42" in one_line_failure(missing)
    half = invoke(env, "export", "person", "--channel", "telegram")
    assert "--channel C --user U" in one_line_failure(half)
    both = invoke(env, "erase", "person", "--pseudonym", "p", "--user", "1", "--yes")
    assert "not both" in one_line_failure(both)


def test_export_to_stdout_is_json(tmp_path: Path) -> None:
    env = filled(tmp_path)
    ran = invoke(env, "export", "person", "--channel", "slack", "--user", "U0SAMSLACK")
    assert ran.code == 0 and len(json.loads(ran.stdout)["contacts"]) == 2


def test_retention_dry_run_and_audit_list(tmp_path: Path) -> None:
    env = filled(tmp_path)
    dry = invoke({**env, "FEEDBOT_RETENTION_DAYS": "30"}, "retention", "run", "--dry-run")
    assert dry.code == 0 and "dry run, nothing changed" in dry.stdout, dry
    assert "message texts replaced by a marker: 0" in dry.stdout
    forever = invoke({**env, "FEEDBOT_RETENTION_DAYS": "0"}, "retention", "run")
    assert "everything is kept" in forever.stdout
    invoke(env, "erase", "person", "--channel", "telegram", "--user", SAM_TG, "--yes")
    listed = invoke(env, "audit", "list", "--json", "--action", "erase_person")
    [entry] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert entry["actor"].startswith("cli") and entry["detail"]["held"] is True
    table = invoke(env, "audit", "list", "--subject", "item:*")
    assert table.code == 0 and "reply" in table.stdout and "resolve" in table.stdout
    bad = invoke({**env, "FEEDBOT_RETENTION_DAYS": "-1"}, "retention", "run")
    assert "retention_days" in one_line_failure(bad).lower()
