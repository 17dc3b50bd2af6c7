"""Events built from any text, cleaned as the translators clean them, stored and read back
unchanged on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from typing import Any

from hypothesis import given, settings
from sqlalchemy import select
from sqlalchemy.engine import Connection

from bot.events import InboundEvent
from bot.storable import storable
from models.store import Store
from models.store.migrate import upgrade_async
from models.store.tables import ContactAddress, Conversation, Message
from tests.support.strangers import events


def drawn_events(count: int) -> list[InboundEvent]:
    """``count`` hypothesis-built events, cleaned, each with its own ids."""
    found: list[InboundEvent] = []

    @settings(max_examples=count, deadline=None, database=None)
    @given(events())
    def collect(event: InboundEvent) -> None:
        i = len(found)
        address = dataclasses.replace(event.address, chat=f"{i}:{event.address.chat}")
        unique = dataclasses.replace(
            event, platform_id=f"{i}:{event.platform_id}", sender=f"{i}:{event.sender}"
        )
        found.append(storable(dataclasses.replace(unique, address=address)))

    collect()
    return found


def stored_rows(conn: Connection) -> dict[str, tuple[Any, ...]]:
    """platform_id → what the store kept of the event."""
    query = (
        select(
            Message.platform_id,
            Message.text,
            Message.reply_ref,
            Message.vote,
            Conversation.chat,
            Conversation.thread,
            Conversation.extra,
            ContactAddress.platform_user_id,
            ContactAddress.display_name,
        )
        .join(Conversation, Message.conversation_id == Conversation.id)
        .join(ContactAddress, Message.contact_id == ContactAddress.contact_id)
    )
    return {row[0]: tuple(row[1:]) for row in conn.execute(query)}


def expected(e: InboundEvent) -> tuple[Any, ...]:
    vote = None
    if e.vote is not None:
        vote = {"poll_ref": e.vote.poll_ref, "options": list(e.vote.options)}
        vote |= {"reply_hook": e.vote.reply_hook} if e.vote.reply_hook else {}
    return (
        e.text,
        e.reply_ref,
        vote,
        e.address.chat,
        e.address.thread,
        dict(e.address.extra),
        e.sender,
        e.sender_name,
    )


async def test_events_of_any_text_are_stored_and_read_back_as_cleaned(db_url: str) -> None:
    batch = [e for e in drawn_events(200) if e.sender]
    await upgrade_async(db_url)
    async with Store.open(db_url, pseudonym_key=b"k" * 32) as store:
        for start in range(0, len(batch), 50):
            receipts = await store.messages.record(events=batch[start : start + 50])
            assert not any(r.duplicate for r in receipts)
        rows = await store.read(stored_rows)
    assert rows == {e.platform_id: expected(e) for e in batch}
