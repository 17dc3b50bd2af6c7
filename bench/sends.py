"""Targeted sends at scale: N people who wrote on Telegram (direct chats), each with a labelled
message; times a segment count and a targeted send to all of them (queued in the outbox,
paced to Telegram's rate). Target: 20,000 people queued in <= 10 s. `--people` scales it down
on a shared machine. Prints wall and CPU seconds."""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from bot.adapters.catalog import CAPABILITIES
from config.reach import ContactCap
from handlers.reach.service import Reach, Sends
from handlers.reach.spec import Known, SendSpec
from models.store import Store
from models.store.migrate import upgrade_async
from models.store.tables import Classification, Contact, Conversation, Message
from tests.fakes.wording import shipped_wording


def _seed(conn: object, n: int) -> None:
    """N contacts, each with a direct chat and one message on e_resources."""
    now = datetime.now(UTC) - timedelta(days=2)
    c = conn  # a Connection
    c.execute(  # type: ignore[attr-defined]
        insert(Contact),
        [
            {
                "id": i,
                "channel": "telegram",
                "pseudonym": f"p{i:08d}",
                "created_at": now,
                "customer_group": "postgraduate_research",
            }
            for i in range(1, n + 1)
        ],
    )
    c.execute(  # type: ignore[attr-defined]
        insert(Conversation),
        [
            {
                "id": i,
                "channel": "telegram",
                "chat": str(1000 + i),
                "thread": "",
                "kind": "direct",
                "extra": {},
                "created_at": now,
            }
            for i in range(1, n + 1)
        ],
    )
    c.execute(  # type: ignore[attr-defined]
        insert(Message),
        [
            {
                "id": i,
                "channel": "telegram",
                "platform_id": f"b{i}",
                "kind": "message",
                "direction": "in",
                "conversation_id": i,
                "contact_id": i,
                "text": "e-journals down",
                "occurred_at": now,
                "received_at": now,
                "processed_at": now,
                "newest_topic": "e_resources",  # as classifications.save keeps it
            }
            for i in range(1, n + 1)
        ],
    )
    c.execute(  # type: ignore[attr-defined]
        insert(Classification),
        [
            {
                "message_id": i,
                "sentiment": "negative",
                "sentiment_scores": {},
                "topic": "e_resources",
                "topic_confidence": 0.9,
                "model_version": "b",
                "created_at": now,
            }
            for i in range(1, n + 1)
        ],
    )


async def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/sends.db"
        await upgrade_async(url)
        async with Store.open(url) as store:
            await store._db.write(_seed, n)
            use = Sends(
                store,
                CAPABILITIES,
                wording=shipped_wording(),
                known=Known(
                    frozenset({"postgraduate_research"}),
                    frozenset({"telegram"}),
                    frozenset({"e_resources"}),
                ),
                reach=Reach(ContactCap(invitations=2, days=7), None, ZoneInfo("UTC")),
            )
            spec = SendSpec(
                text="We fixed the proxy",
                topics=("e_resources",),
                groups=("postgraduate_research",),
            )
            wall, cpu = time.perf_counter(), time.process_time()
            counted = await use.count(spec)
            print(
                f"segment count of {counted:,}: {time.perf_counter() - wall:.3f} s wall,"
                f" {time.process_time() - cpu:.3f} s CPU"
            )
            wall, cpu = time.perf_counter(), time.process_time()
            report = await use.send(spec, by=None)
            print(
                f"targeted send to {sum(report.told.values()):,} people queued:"
                f" {time.perf_counter() - wall:.2f} s wall, {time.process_time() - cpu:.2f} s CPU"
                f" (target <= 10 s at 20,000); last due {report.ends}"
            )
            queued = await store.read(
                lambda c: c.execute(select(Message.id).where(Message.direction == "out")).all()
            )
            assert len(queued) == n, len(queued)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=20_000)
    asyncio.run(main(parser.parse_args().people))
