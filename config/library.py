"""The library's own vocabulary from the YAML file: wording, triage rules, poll templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from config.settings import SettingsError
from config.triage import TriageConfig


class Acknowledgements(BaseModel):
    """The first answer for each triage decision (chosen in handlers/acknowledge.py)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    urgent: str = ""
    needs_person: str = ""
    needs_person_closed: str = ""
    needs_no_one: str = ""
    poll_comment: str = ""


class Safety(BaseModel):
    """What someone reporting an emergency is told: the numbers and what to do now."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    emergency_number: str = "999"
    security_number: str = ""
    guidance: str = ""


class LibraryConfig(BaseModel):
    """What the library says and how it sorts feedback. Unknown keys are refused (typos)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    library_name: str = Field(default="the library", min_length=1)
    acknowledgement: str = Field(max_length=1000)
    acknowledgements: Acknowledgements = Acknowledgements()
    safety: Safety = Safety()
    widget_title: str = "Tell us what you think"
    widget_intro: str = ""
    triage: TriageConfig = TriageConfig()
    canned_replies: dict[str, str] = Field(default_factory=dict)
    csat_question: str = Field(
        default="How satisfied are you with the help you got from {library}?", min_length=1
    )
    poll_templates: dict[str, dict[str, Any]] = Field(default_factory=dict)
    customer_groups: dict[str, str] = Field(default_factory=dict)
    opt_out_words: list[str] = Field(default_factory=lambda: ["stop", "unsubscribe"])
    opt_in_words: list[str] = Field(default_factory=lambda: ["start"])
    opt_out_reply: str = (
        "You will get no more messages from us unless you write to us. Send START to undo."
    )
    opt_in_reply: str = "Welcome back: you will hear from us again."


def load_library_config(path: Path) -> LibraryConfig:
    """Read and validate the YAML file; errors name the file and the key."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise SettingsError(f"FEEDBOT_CONFIG_FILE: cannot read {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise SettingsError(f"FEEDBOT_CONFIG_FILE: {path} is not valid YAML: {exc}") from None
    try:
        return LibraryConfig.model_validate(raw)
    except ValidationError as exc:
        where = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise SettingsError(f"FEEDBOT_CONFIG_FILE: {path}: {where}") from None
