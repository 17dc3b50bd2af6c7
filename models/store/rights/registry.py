"""Where personal data lives: one declared registry that erasure works from, and the tables
declared to hold none. A test scans every table of the migrated database after an erasure and
another fails while any table is in neither list, so a new table cannot escape unnoticed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, Table, case, cast, literal

ERASED = "[erased]"
"""What replaces a person's text after an erasure."""

TAG = "erased:"
"""How an erased id, address or pseudonym starts (followed by its row id)."""

Replacement = Callable[[Table], Any]


def marker(table: Table) -> Any:
    """The erasure marker."""
    return ERASED


def blank(table: Table) -> Any:
    """An empty string."""
    return ""


def nothing(table: Table) -> Any:
    """NULL."""
    return None


def tagged(column: str) -> Replacement:
    """'erased:<row id>': unique, like the platform id or address it replaces."""

    def build(table: Table) -> Any:
        return literal(TAG) + cast(table.c[column], String)

    return build


def cancel_pending(table: Table) -> Any:
    """A message still waiting to be sent is cancelled; the others keep their status."""
    return case((table.c.status == "pending", "cancelled"), else_=table.c.status)


def erased_payload(table: Table) -> Any:
    """An outbox payload with nothing left in it."""
    return literal({"erased": True}, type_=table.c.payload.type)


@dataclass(frozen=True, slots=True)
class Holding:
    """A table holding personal data: its personal columns, the key that finds the person's
    rows (matched against ``Scope.<ids>``), and what erasure writes (``None``: delete them)."""

    table: str
    columns: tuple[str, ...]
    key: str
    ids: str
    erase: Mapping[str, Replacement] | None = field(default=None)


REGISTRY: tuple[Holding, ...] = (
    Holding("contact_addresses", ("platform_user_id", "display_name"), "contact_id", "contact_ids"),
    Holding("contact_links", ("person_id",), "contact_id", "contact_ids"),
    Holding("group_imports", ("hash", "channel", "customer_group"), "hash", "handle_hashes"),
    Holding("contact_handles", ("hash",), "contact_id", "contact_ids"),
    Holding("cursors", ("name", "value"), "name", "cursor_names"),
    Holding(
        "contacts",
        ("pseudonym", "language", "customer_group", "group_source"),
        "id",
        "contact_ids",
        erase={
            "pseudonym": tagged("id"),
            "language": nothing,
            "customer_group": nothing,
            "group_source": nothing,
        },
    ),
    Holding(
        "conversations",
        ("chat", "thread", "extra"),
        "id",
        "conversation_ids",
        erase={
            "chat": tagged("id"),
            "thread": blank,
            "extra": lambda t: literal({}, t.c.extra.type),
        },
    ),
    Holding(
        "messages",
        ("text", "platform_id", "reply_ref", "replies_to", "vote", "author", "last_error"),
        "id",
        "message_ids",
        erase={
            "text": marker,
            "platform_id": tagged("id"),
            "reply_ref": blank,
            "replies_to": blank,
            "vote": nothing,
            "author": blank,
            "last_error": blank,
        },
    ),
    Holding(
        "outbox",
        ("payload", "last_error", "platform_message_id", "edit_key"),
        "message_id",
        "message_ids",
        erase={
            "payload": erased_payload,
            "last_error": blank,
            "platform_message_id": blank,
            "edit_key": nothing,
            "status": cancel_pending,
        },
    ),
    Holding(
        "poll_posts",
        ("chat", "platform_message_id"),
        "message_id",
        "message_ids",
        erase={"chat": tagged("id"), "platform_message_id": tagged("id")},
    ),
    Holding("message_embeddings", ("vector",), "message_id", "message_ids"),
    Holding("inbox_entries", ("text",), "item_id", "item_ids", erase={"text": marker}),
    Holding("poll_targets", ("chat",), "id", "poll_target_ids", erase={"chat": tagged("id")}),
    Holding("panel_members", ("joined_at", "via"), "contact_id", "contact_ids"),
    Holding("reengage_consents", ("poll_id", "asked_at"), "contact_id", "contact_ids"),
    Holding("group_questions", ("poll_id", "asked_at"), "contact_id", "contact_ids"),
    Holding("send_recipients", ("conversation_id", "message_id"), "contact_id", "contact_ids"),
)
"""Erasure applies these in order (rows are found first, so the order only matters for keys)."""

NOT_PERSONAL: Mapping[str, str] = {
    "alembic_version": "the schema version",
    "audit_log": "who on the staff did what; erasures record that one happened, not what",
    "classifications": "labels and scores of a message, kept for the statistics",
    "corrections": "staff relabels (a label and the staff name)",
    "polls": "the questions the library asked",
    "votes": "which option a contact chose: kept so poll results do not change",
    "poll_aggregates": "counts a platform reported",
    "staff_users": "the library's staff accounts",
    "inbox_items": "a queue item's labels, team and times, kept for response-time figures",
    "inbox_csat": "a score and when it was asked and answered",
    "item_resolutions": "when a queue item (by id) was resolved and reopened, and its team",
    "inbox_canned_replies": "the library's ready-made replies",
    "inbox_item_messages": "which queue item each message belongs to (ids only)",
    # Tables of work landing in parallel, declared from their branches (the scan test checks
    # them once they are here): staff accounts' sessions, the widget's, leases, the digest.
    "staff_sessions": "staff login sessions (a hash of the session id)",
    "login_failures": "failed staff logins (staff e-mail, network address, known-device id)",
    "staff_seen": "when a member of staff last looked at the queue",
    "widget_sessions": "the SHA-256 of each issued widget session id and its times",
    "rate_counters": "request counts per short window, keyed by session or network address",
    "leases": "which process runs a job or holds a platform connection",
    "digest_runs": "which weekly digest went where",
    "actions": "what the library did about a topic, in its own words",
    "action_notices": "that an action's notice went to a contact (by id) and its message id",
    "contact_opt_outs": "that a contact asked for no more messages, and when",
    "alerts": "staff alerts: kind, item id or topic, counts and example message ids (the text "
    "is read from messages when sent, so an erasure reaches it)",
    "alert_sends": "where each alert went and when",
    "alert_spikes": "when a topic's spike began and was last seen",
    "bridge_cards": "which Slack message is a queue item's card (ids and a digest only)",
    "bridge_seen": "Slack ids of staff actions already acted on",
    "bridge_posts": "which staff-channel messages are about which item (ids only)",
    "contact_asks": "that the bot reached out to a contact (by id): what kind, about what, when",
    "targeted_sends": "a send to an audience: who on the staff chose it, the audience's filters,"
    " the poll or text and the counts (whom it told is in send_recipients)",
    "themes": "a theme's label (words found in several messages, scrubbed) and centroid",
    "theme_weeks": "a theme's weekly size, label, trend, sentiment counts and quote ids",
    "theme_messages": "which theme a message fell in (ids only)",
    "theme_runs": "when a week's themes were computed, over how many messages",
    "learned_topics": "topics leads made from themes: name, team, which lead",
}
"""Tables declared to hold nothing that identifies the people the library serves (a name here
that is not in the database yet is ignored; a table in the database in neither list fails)."""
