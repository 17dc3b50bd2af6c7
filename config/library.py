"""The library's own vocabulary from the YAML file: wording, triage rules, poll templates."""

from __future__ import annotations

from pathlib import Path
from string import Formatter
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from config.calendar import AcademicCalendar
from config.groups import CustomerGroups
from config.reach import ReachConfig
from config.settings import SettingsError
from config.triage import TriageConfig

Wording = Annotated[str, Field(max_length=1000)]


def _check_fields(key: str, text: str, allowed: set[str]) -> set[str]:
    """The {placeholders} in a text; ValueError naming the key for a bad or unknown one."""
    try:
        names = {f for _, f, _, _ in Formatter().parse(text) if f is not None}
    except ValueError as exc:
        raise ValueError(f"{key}: {exc} (write {{{{ and }}}} for a brace)") from None
    unknown = names - allowed
    if unknown:
        known = ", ".join(f"{{{n}}}" for n in sorted(allowed)) or "none"
        raise ValueError(f"{key}: unknown placeholder {{{sorted(unknown)[0]}}} (known: {known})")
    return names


class Acknowledgements(BaseModel):
    """What the bot says first, by triage decision (docs/staff-guide.md); "" sends nothing."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    urgent: Wording = (
        "Thank you for telling us. We have passed this to our staff as urgent. {guidance}"
    )
    needs_person: Wording = (
        "Thanks for your message. It has gone to {team}; someone will reply here by {when}."
    )
    needs_person_closed: Wording = (
        "Thanks for your message. It has gone to {team}. We are closed now; someone will"
        " reply here after {when}."
    )
    needs_no_one: Wording = ""
    poll_comment: Wording = "Thank you for your comment: it goes to the team with your answer."

    @model_validator(mode="after")
    def _placeholders(self) -> Acknowledgements:
        allowed = {"urgent": {"guidance"}, "needs_person": {"when", "team"}}
        allowed["needs_person_closed"] = {"when", "team"}
        for key in ("urgent", "needs_person", "needs_person_closed", "needs_no_one"):
            _check_fields(key, getattr(self, key), allowed.get(key, set()))
        _check_fields("poll_comment", self.poll_comment, set())
        return self


class Safety(BaseModel):
    """The safety guidance an urgent message is answered with."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    emergency_number: str = Field(default="999", min_length=1, max_length=40)
    security_number: str = Field(default="", max_length=40)
    guidance: Wording = (
        "If you or anyone else is in danger now, call {emergency_number}, then tell the nearest"
        " member of library staff."
    )

    @model_validator(mode="after")
    def _placeholders(self) -> Safety:
        names = _check_fields("guidance", self.guidance, {"emergency_number", "security_number"})
        if "security_number" in names and not self.security_number.strip():
            raise ValueError("security_number: give campus security's number (guidance uses it)")
        return self


class LibraryConfig(BaseModel):
    """What the library says and how it sorts feedback. Unknown keys are refused (typos)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    library_name: str = Field(default="the library", min_length=1)
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
    customer_groups: CustomerGroups = CustomerGroups()
    calendar: AcademicCalendar = AcademicCalendar()
    reach: ReachConfig = ReachConfig()
    opt_out_words: list[str] = Field(default_factory=lambda: ["stop", "unsubscribe"])
    opt_in_words: list[str] = Field(default_factory=lambda: ["start"])
    opt_out_reply: str = (
        "You will get no more messages from us unless you write to us. Send START to undo."
    )
    opt_in_reply: str = "Welcome back: you will hear from us again."

    @model_validator(mode="before")
    @classmethod
    def _old_acknowledgement(cls, data: Any) -> Any:
        if isinstance(data, dict) and "acknowledgement" in data:
            raise ValueError(
                "acknowledgement: replaced by 'acknowledgements' (urgent, needs_person,"
                " needs_person_closed, needs_no_one, poll_comment) and 'safety', so that what"
                " a person is told follows triage; move your wording there"
                " (docs/staff-guide.md#what-people-are-told)"
            )
        return data


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
        where = "; ".join(_error(e["loc"], e["msg"]) for e in exc.errors())
        raise SettingsError(f"FEEDBOT_CONFIG_FILE: {path}: {where}") from None


def _error(loc: tuple[int | str, ...], msg: str) -> str:
    """One validation error as 'key.sub: what is wrong'."""
    msg = msg.removeprefix("Value error, ")
    return f"{'.'.join(map(str, loc))}: {msg}" if loc else msg
