"""Who may do what in the queue: agents work it, leads also assign, manage canned replies and
draft and send polls, admins also manage staff and data rights. Checked in the use cases, not
only in the web layer."""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("agent", "lead", "admin")
NEEDS = {
    "claim": "agent",
    "unclaim": "agent",
    "priority": "agent",
    "reply": "agent",
    "note": "agent",
    "relabel": "agent",
    "snooze": "agent",
    "resolve": "agent",
    "reopen": "agent",
    "retry": "agent",
    "read": "agent",
    "assign": "lead",
    "unclaim_others": "lead",
    "canned": "lead",
    "record_action": "lead",
    "send": "lead",
    "see_names": "lead",
    "coverage": "lead",
    "poll": "lead",
    "staff_figures": "lead",  # the digest's figures per member of staff
    "themes": "lead",
    "staff": "admin",
    "data_rights": "admin",
}


DOING = {
    "unclaim_others": "unclaim someone else's item",
    "canned": "edit canned replies",
    "record_action": "record what the library did",
    "send": "send to an audience",
    "see_names": "see people's names",
    "coverage": "see coverage",
    "poll": "draft or send polls",
    "staff_figures": "see figures per member of staff",
    "themes": "work with themes",
    "staff": "manage staff accounts",
    "data_rights": "export or erase a person's data",
}
"""How a refusal names an action (the others read as they are: "cannot assign")."""


class Forbidden(Exception):
    """The member of staff's role does not allow this action (403)."""


@dataclass(frozen=True, slots=True)
class Actor:
    """The member of staff doing something, as the session layer loaded them just now.
    ``via``: where they act from when it is not the web inbox (``slack``); audited."""

    id: int
    role: str
    name: str = ""
    team: str = ""
    via: str = ""


def allowed(role: str, action: str) -> bool:
    """Whether a role may do an action (unknown roles and actions may do nothing)."""
    need = NEEDS.get(action)
    return need is not None and role in ROLES and ROLES.index(role) >= ROLES.index(need)


def sees_name(actor: Actor, assignee_id: int | None) -> bool:
    """Whether a person's name may be shown to this member of staff: to whoever holds their
    item, and to leads and admins; everyone else sees the pseudonym. The one place that decides
    it, for the item page, canned replies filled in for them, and anything else naming people."""
    return (assignee_id is not None and assignee_id == actor.id) or allowed(actor.role, "see_names")


def require(actor: Actor, action: str) -> None:
    """Raise Forbidden unless the actor's role allows the action."""
    if not allowed(actor.role, action):
        doing = DOING.get(action, action)
        raise Forbidden(f"a{'n' if actor.role[:1] in 'aeiou' else ''} {actor.role} cannot {doing}")
