"""Reaching out: the per-person contact cap, the advisory panel's words and "we miss you"."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ContactCap(BaseModel):
    """At most ``invitations`` messages the bot starts with one person in ``days`` days, across
    every channel (poll invitations, targeted sends, re-engagement, the CSAT question)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    invitations: int = Field(default=2, ge=0)
    """0: no cap."""
    days: int = Field(default=7, ge=1, le=366)


class ReachConfig(BaseModel):
    """What targeted sends, the panel and re-engagement follow."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    contact_cap: ContactCap = ContactCap()
    panel_join_words: list[str] = Field(
        default_factory=lambda: ["join panel", "join the panel", "ymuno â'r panel"]
    )
    """A message that is only one of these joins the advisory panel (any language)."""
    panel_leave_words: list[str] = Field(
        default_factory=lambda: ["leave panel", "leave the panel", "gadael y panel"]
    )
    reengage_silent_days: int = Field(default=90, ge=1)
    """People who said yes to being contacted again and were silent this long get one
    friendly "we miss you" message with a quick poll."""
    reengage_every_days: int = Field(default=180, ge=1)
    """At most one such message per person in this many days."""
