"""Polls that ask one person each: the once-only "may we contact you again?" (consent) and
"which of these are you?" (group) questions, and an inbox item's satisfaction question (csat).
Staff lists of polls leave them out (an anti-join on the tables that remember them, each
indexed by poll id) and show one summary per question instead; each stays readable by id."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, String, and_, cast, exists, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import InstrumentedAttribute

from models.store.inbox.tables import InboxCsat
from models.store.polls.tables import Poll, Vote
from models.store.reach.tables import GroupQuestion, ReengageConsent

ASKING: dict[str, type[ReengageConsent] | type[GroupQuestion] | type[InboxCsat]] = {
    "consent": ReengageConsent,
    "group": GroupQuestion,
    "csat": InboxCsat,
}
"""Where each per-person question remembers the poll that asked it (one row per poll)."""
ASKED_WHOM = {"consent": ReengageConsent.contact_id, "group": GroupQuestion.contact_id}
"""Who each once-only question's poll asked (only their own vote is their answer)."""


@dataclass(frozen=True, slots=True)
class QuestionSummary:
    """One per-person question summed up: people asked, people who answered, and how many
    chose each option key (``labels``: each key's English label, from the newest poll)."""

    topic: str
    question: str
    asked: int
    answered: int
    chosen: dict[str, int] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    def share(self, key: str) -> int | None:
        """The whole percentage of answers that chose ``key`` (None: no answers yet)."""
        return round(100 * self.chosen.get(key, 0) / self.answered) if self.answered else None


def not_personal(poll_id: InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """True for a poll that is none of the per-person questions (NOT EXISTS on each table)."""
    return and_(*(~exists().where(t.poll_id == poll_id) for t in ASKING.values()))


def summaries(conn: Connection) -> list[QuestionSummary]:
    """One summary per per-person question that was ever asked."""
    found = (_summary(conn, topic) for topic in ASKING)
    return [s for s in found if s is not None]


def _summary(conn: Connection, topic: str) -> QuestionSummary | None:
    table = ASKING[topic]
    asked = int(conn.execute(select(func.count()).select_from(table)).scalar_one())
    if not asked:
        return None
    newest = select(Poll.question, Poll.options).where(
        Poll.id == select(func.max(table.poll_id)).scalar_subquery()
    )
    question, options = conn.execute(newest).one()
    labels = {str(o["key"]): str(o["label"]) for o in options}
    chosen = _chosen(conn, topic)
    return QuestionSummary(topic, str(question), asked, sum(chosen.values()), chosen, labels)


def _chosen(conn: Connection, topic: str) -> dict[str, int]:
    """People whose current answer chose each option (the asked person's own vote; a
    retracted answer counts for nothing; a multi-choice answer for its first option)."""
    table = ASKING[topic]
    on = Vote.poll_id == table.poll_id
    if topic in ASKED_WHOM:
        on = and_(on, Vote.contact_id == ASKED_WHOM[topic])
    text = cast(Vote.options, String)
    query = select(text, func.count()).select_from(table).join(Vote, on).group_by(text)
    chosen: dict[str, int] = {}
    for raw, n in conn.execute(query):
        keys = json.loads(raw) if raw else []
        if isinstance(keys, list) and keys:
            chosen[str(keys[0])] = chosen.get(str(keys[0]), 0) + int(n)
    return chosen
