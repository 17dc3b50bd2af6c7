"""The academic calendar from the library's YAML: terms, marked periods and closure days.

Polls wait out quiet periods (exams, by default), due times skip closure days, and the digest
compares a term with the previous one and with the same term a year earlier."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

PeriodKind = Literal["exams", "reading_week", "vacation", "closure", "other"]


class Term(BaseModel):
    """A teaching term, e.g. "Autumn 2026", first and last day included."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=60)
    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> Term:
        if self.end < self.start:
            raise ValueError(f"term {self.name!r}: end {self.end} is before start {self.start}")
        return self

    def holds(self, day: date) -> bool:
        """Whether the day falls in the term."""
        return self.start <= day <= self.end


class Period(BaseModel):
    """A marked stretch of days (exams, reading week, vacation...); ``quiet``: polls wait."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=60)
    kind: PeriodKind = "other"
    start: date
    end: date
    quiet: bool | None = None
    """Polls are held until the period ends; unset: quiet for exams only."""

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"period {self.name!r}: end {self.end} is before start {self.start}")
        return self

    @property
    def is_quiet(self) -> bool:
        """Whether polls wait while it lasts."""
        return self.kind == "exams" if self.quiet is None else self.quiet

    def holds(self, day: date) -> bool:
        """Whether the day falls in the period."""
        return self.start <= day <= self.end


class AcademicCalendar(BaseModel):
    """Terms, marked periods and closure days (an empty calendar changes nothing)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    terms: tuple[Term, ...] = ()
    periods: tuple[Period, ...] = ()
    closures: tuple[date, ...] = ()
    """Days the library is closed (bank holidays, the winter closure): due times skip them."""

    @model_validator(mode="after")
    def _terms_apart(self) -> AcademicCalendar:
        names = [t.name for t in self.terms]
        if len(set(names)) != len(names):
            raise ValueError("terms: two terms share a name")
        ordered = sorted(self.terms, key=lambda t: t.start)
        for before, after in pairwise(ordered):
            if after.start <= before.end:
                raise ValueError(f"terms: {before.name!r} and {after.name!r} overlap")
        return self

    def term_of(self, day: date) -> Term | None:
        """The term the day falls in, if any."""
        return next((t for t in self.terms if t.holds(day)), None)

    def previous_term(self, term: Term) -> Term | None:
        """The term that ended last before this one started."""
        earlier = [t for t in self.terms if t.end < term.start]
        return max(earlier, key=lambda t: t.end, default=None)

    def same_term_last_year(self, term: Term) -> Term | None:
        """The term that held this term's start day a year earlier (or started nearest it)."""
        try:
            then = term.start.replace(year=term.start.year - 1)
        except ValueError:  # 29 February
            then = term.start - timedelta(days=365)
        candidates = [t for t in self.terms if t is not term and abs((t.start - then).days) <= 45]
        return min(candidates, key=lambda t: abs((t.start - then).days), default=None)

    def quiet_period(self, day: date) -> Period | None:
        """The quiet period (polls wait) the day falls in, if any."""
        return next((p for p in self.periods if p.is_quiet and p.holds(day)), None)

    @property
    def has_closures(self) -> bool:
        """Whether any day can be a closure day (else ``is_closed`` is always False)."""
        return bool(self.closures) or any(p.kind == "closure" for p in self.periods)

    def is_closed(self, day: date) -> bool:
        """Whether the library is closed all day (a closure day or a closure period)."""
        if day in self.closures:
            return True
        return any(p.kind == "closure" and p.holds(day) for p in self.periods)
