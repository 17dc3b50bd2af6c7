"""Customer groups (``customer_groups`` in the YAML): the groups with the population each
serves, where a person's group comes from by entry point, and when coverage calls a group
under-heard or masks a small count."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

DEFAULT_GROUPS = (
    "undergraduate",
    "postgraduate_taught",
    "postgraduate_research",
    "academic_staff",
    "professional_staff",
    "public",
    "alumni",
    "fe_partner",
    "visitor",
)
SOURCES = ("import", "entry", "asked")
"""Where a group came from, strongest first: the library's list, where they wrote, they said."""
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


class Group(BaseModel):
    """One customer group: how many people of it the library serves, and its shown name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    population: int = Field(default=0, ge=0)
    label: str = Field(default="", max_length=80)


def _defaults() -> dict[str, Group]:
    return {name: Group() for name in DEFAULT_GROUPS}


class CustomerGroups(BaseModel):
    """The groups, the entry-point map ("channel" or "channel:chat" → group), the share of its
    expected voice below which a group is under-heard, and the smallest count shown."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    groups: dict[str, Group] = Field(default_factory=_defaults)
    entry_points: dict[str, str] = Field(default_factory=dict)
    under_heard_below: float = Field(default=0.5, gt=0.0, le=1.0)
    small_count: int = Field(default=5, ge=1, le=100)
    ask: bool = True

    @model_validator(mode="before")
    @classmethod
    def _old_map(cls, data: Any) -> Any:
        if isinstance(data, dict) and data and all(isinstance(v, str) for v in data.values()):
            raise ValueError(
                "now the groups with their populations (groups:, entry_points:, ...);"
                " move the old channel → group entries under entry_points"
                " (docs/operating.md#customer-groups)"
            )
        return data

    @model_validator(mode="after")
    def _names(self) -> CustomerGroups:
        for name in self.groups:
            if not _NAME.match(name):
                raise ValueError(f"groups: {name!r} is not a group name (a-z, 0-9, _)")
        for place, group in self.entry_points.items():
            if group not in self.groups:
                raise ValueError(f"entry_points: {place}: unknown group {group!r}")
        return self

    def known(self, name: str) -> bool:
        """Whether a group of this name is configured."""
        return name in self.groups

    def label(self, name: str) -> str:
        """The group's shown name: its label, else its name in words."""
        group = self.groups.get(name)
        return (group.label if group and group.label else name.replace("_", " ")).strip()

    def entry_group(self, channel: str, chat: str) -> str | None:
        """The group a place names: its "channel:chat" entry first, then its channel's."""
        return self.entry_points.get(f"{channel}:{chat}") or self.entry_points.get(channel)

    @property
    def population(self) -> int:
        """Everyone the library serves, over all groups."""
        return sum(g.population for g in self.groups.values())
