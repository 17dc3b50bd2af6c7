"""Triage rules from the YAML file: who needs a person, which team, how urgent, due when."""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from config.urgent_examples import CALM_EXAMPLES, URGENT_EXAMPLES

Priority = Literal["low", "normal", "high", "urgent"]
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOURS = re.compile(r"^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$")


class NeedsPerson(BaseModel):
    """What puts a message in front of a member of staff."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    conversation_kinds: list[Literal["direct", "group", "public", "widget"]] = [
        "direct",
        "widget",
    ]
    questions: bool = True
    sentiments: list[str] = ["negative"]
    low_poll_follow_up: bool = True
    not_when_only: list[str] = Field(
        default_factory=lambda: [
            "thanks",
            "thank you",
            "thanks a lot",
            "many thanks",
            "cheers",
            "ta",
            "ok",
            "okay",
            "great",
            "perfect",
            "brilliant",
            "got it",
            "no worries",
        ]
    )


def _default_teams() -> dict[str, str]:
    return {
        "wifi_and_it": "it_services",
        "printing_and_scanning": "it_services",
        "e_resources": "it_services",
        "building_and_facilities": "estates",
        "noise": "estates",
        "cafe_and_food": "estates",
        "accessibility": "accessibility",
        "fines_and_fees": "customer_services",
        "borrowing_and_finding_books": "customer_services",
        "inter_library_loans": "customer_services",
        "reading_lists": "academic_liaison",
        "research_support": "academic_liaison",
    }


def _default_urgent_words() -> list[str]:
    return [
        "urgent",
        "emergency",
        "harassment",
        "harassed",
        "harassing",
        "assault",
        "assaulted",
        "attacked",
        "unsafe",
        "threat",
        "threatened",
        "threatening",
        "stalking",
        "following me",
        "send security",
        "call security",
        "ambulance",
        "collapsed",
        "unconscious",
        "fainted",
        "passed out",
        "not breathing",
        "can't breathe",
        "first aid",
        "seizure",
        "bleeding",
        "overdose",
        "suicidal",
        "suicide",
        "kill myself",
        "self harm",
        "weapon",
        "knife",
        "fire",
        "smoke",
        "flood",
        "flooding",
        "gas leak",
        "trapped",
        "injured",
        "gun",
        "call 999",
        "called 999",
        "calling 999",
        "ring 999",
        "rang 999",
        "rung 999",
        "dial 999",
        "dialled 999",
        "phoned 999",
        "intruder",
        "broken into",
        "suspicious package",
        "suspicious bag",
        "end it all",
        "end my life",
        "hurt myself",
        "choking",
        "allergic reaction",
        "anaphylactic",
        "spiked",
        "exposed himself",
        "upskirting",
        "groped",
        "groping",
        "locked in",
        # Welsh and Spanish: the encoder reads only English, so words are the way in
        "brys",
        "argyfwng",
        "tân",
        "llewygu",
        "llewygodd",
        "ambiwlans",
        "gwaedu",
        "ymosod",
        "aflonyddu",
        "ar dân",
        "llifogydd",
        "gorlifo",
        "dan ddŵr",
        "dŵr yn arllwys",
        "anymwybodol",
        "ddim yn anadlu",
        "methu anadlu",
        "cymorth cyntaf",
        "trawiad",
        "anafu",
        "anafwyd",
        "ymosodiad",
        "bygwth",
        "bygythiol",
        "cyllell",
        "fy nilyn",
        "galw diogelwch",
        "anniogel",
        "hunanladdiad",
        "lladd fy hun",
        "gollyngiad nwy",
        "nwy yn gollwng",
        "urgente",
        "emergencia",
        "incendio",
        "fuego",
        "ambulancia",
        "desmayado",
        "desmayada",
        "inundación",
        "acoso",
        "sangrando",
        "inconsciente",
        "no respira",
        "herido",
        "herida",
        "cuchillo",
        "humo",
        "me está siguiendo",
        "amenaza",
        "amenazando",
        "fuga de gas",
        "suicidio",
        "se desmayó",
        "inundado",
        "inundada",
    ]


NOT_URGENT_PHRASES = (
    "not urgent",
    "nothing urgent",
    "non urgent",
    "isn't urgent",
    "not an emergency",
    "no emergency",
    "isn't an emergency",
    "emergency loan",
    "emergency loans",
    "emergency laptop",
    "emergency extension",
    "emergency exit",
    "fire drill",
    "fire drills",
    "fire alarm test",
    "fire exit",
    "fire exits",
    "fire door",
    "fire doors",
    "fire extinguisher",
    "fire safety",
    "first aid kit",
    "first aid course",
    "first aid training",
    "knife crime",
    "dim brys",
    "dim yn argyfwng",
    "ddim yn argyfwng",
    "no es urgente",
    "nada urgente",
    "no es una emergencia",
)


def _default_not_urgent_phrases() -> list[str]:
    return list(NOT_URGENT_PHRASES)


def _default_urgent_examples() -> list[str]:
    return list(URGENT_EXAMPLES)


def _default_calm_examples() -> list[str]:
    return list(CALM_EXAMPLES)


def _default_sla() -> dict[Priority, float]:
    return {"urgent": 2.0, "high": 8.0, "normal": 24.0, "low": 72.0}


def _default_hours() -> dict[str, str]:
    weekday = "08:30-20:00"
    return {**dict.fromkeys(DAYS[:5], weekday), "sat": "10:00-17:00", "sun": ""}


class TriageConfig(BaseModel):
    """The rules, with defaults a library can change in config/feedbot.yaml (no code)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    needs_person: NeedsPerson = NeedsPerson()
    default_priority: Priority = "normal"
    negative_raises_to: Priority = "high"
    urgent_words: list[str] = Field(default_factory=_default_urgent_words)
    not_urgent_phrases: list[str] = Field(default_factory=_default_not_urgent_phrases)
    urgent_examples: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=_default_urgent_examples
    )
    calm_examples: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=_default_calm_examples
    )
    urgent_similarity: Annotated[float, Field(gt=0, le=1)] = 0.36
    urgent_margin: Annotated[float, Field(ge=0, le=1)] = 0.12
    urgent_clock_hours: bool = True
    teams: dict[str, str] = Field(default_factory=_default_teams)
    default_team: str = "customer_engagement"
    sla_hours: dict[Priority, Annotated[float, Field(gt=0, le=2000)]] = Field(
        default_factory=_default_sla
    )
    opening_hours: dict[str, str] = Field(default_factory=_default_hours)

    @field_validator("opening_hours")
    @classmethod
    def _hours(cls, value: dict[str, str]) -> dict[str, str]:
        for day, span in value.items():
            if day not in DAYS:
                raise ValueError(f"{day!r} is not one of {', '.join(DAYS)}")
            match = HOURS.match(span)
            if span.strip() and (match is None or _span(match) is None):
                raise ValueError(f"{day}: use HH:MM-HH:MM (e.g. 08:30-20:00), or '' when closed")
        return value

    @field_validator("sla_hours")
    @classmethod
    def _every_priority(cls, value: dict[str, float]) -> dict[str, float]:
        missing = {"low", "normal", "high", "urgent"} - set(value)
        if missing:
            raise ValueError(
                f"give hours for every priority (missing {', '.join(sorted(missing))})"
            )
        return value

    def team_names(self) -> tuple[str, ...]:
        """The known teams, sorted: every team a topic goes to, and the default team."""
        return tuple(sorted({*self.teams.values(), self.default_team}))

    def day_hours(self) -> dict[int, tuple[time, time]]:
        """Opening hours by weekday number (Monday 0); closed days are absent."""
        spans = {DAYS.index(d): HOURS.match(s) for d, s in self.opening_hours.items() if s.strip()}
        return {d: span for d, m in spans.items() if m and (span := _span(m)) is not None}


def _span(match: re.Match[str]) -> tuple[time, time] | None:
    try:
        start, end = time.fromisoformat(match[1].zfill(5)), time.fromisoformat(match[2].zfill(5))
    except ValueError:
        return None
    return (start, end) if start < end else None
