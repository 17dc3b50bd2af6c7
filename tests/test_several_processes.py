"""Two bot processes on one PostgreSQL database, as behind a load balancer: a poll that closes
while both run closes once and posts its results once per channel; a burst of 2,000 messages
spread over both is classified and acknowledged once; one process polls X; when the process
holding Telegram's long poll is killed, the other takes it over (and X's, if it held that too)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from bot.events import utcnow
from models.store import Store
from models.store.engine import create_engine
from models.store.migrate import upgrade_async
from models.store.polls.definitions import Target
from models.store.polls.tables import Poll
from models.store.tables import Classification, Message, OutboxItem
from tests.fakes import telegram_payloads as tp
from tests.fakes.chat.slack import SIGNING_SECRET
from tests.fakes.keyword_bot import JOURNAL
from tests.fakes.process import KEYWORD_BOT, bot_env, bot_process, free_port
from tests.fakes.slack import FakeSlack
from tests.fakes.telegram import TOKEN, FakeTelegram
from tests.fakes.waiting import wait_until
from tests.fakes.widget_load import TOTAL, send_spread
from tests.fakes.widget_sessions import new_session
from tests.fakes.x import FakeX

GROUP = "-1001234567890"
SHARED = {  # what every process behind the load balancer must be given alike
    "pseudonym_key": "several-processes-pseudonym-key-0123",
    "session_secret": "several-processes-session-secret-0123",
    "classifier": "off",  # the keyword bot brings its own
    "log_level": "INFO",
    "poll_quiet_hours": "",
    "poll_check_s": "0.3",
    "connection_lease_s": "3",
    "outbox_base_delay_s": "0.05",
    "outbox_max_delay_s": "0.5",
}


@pytest.fixture
async def pg_url(db_url: str) -> str:
    if db_url.startswith("sqlite"):
        pytest.skip("several processes share a PostgreSQL database, not a SQLite file")
    await upgrade_async(db_url)
    return db_url


@contextmanager
def processes(
    tmp_path: Path, db_url: str, **platforms: str
) -> Iterator[tuple[list[subprocess.Popen[bytes]], list[str]]]:
    """Two keyword bots on one database, each with its own port, state folder and journal."""
    with ExitStack() as stack:
        procs, urls = [], []
        for n in (0, 1):
            port = free_port()
            env = bot_env(
                **SHARED,
                **platforms,
                database_url=db_url,
                http_port=str(port),
                state_dir=str(tmp_path / f"var{n}"),
            )
            env[JOURNAL] = str(tmp_path / f"classified{n}.txt")
            log = tmp_path / f"bot{n}.log"
            procs.append(stack.enter_context(bot_process(env, log, KEYWORD_BOT, wait=False)))
            urls.append(f"http://127.0.0.1:{port}")
        yield procs, urls


async def health(http: httpx.AsyncClient, url: str) -> dict[str, Any] | None:
    try:
        answer = await http.get(f"{url}/healthz", timeout=2)
    except httpx.TransportError:
        return None
    return dict(answer.json()) if answer.status_code == 200 else None


async def channel_states(
    http: httpx.AsyncClient, urls: list[str], channel: str = "telegram"
) -> list[str]:
    found = [await health(http, u) for u in urls]
    return [h["channels"][channel]["state"] if h else "gone" for h in found]


async def all_healthy(http: httpx.AsyncClient, urls: list[str], procs: list[Any]) -> bool:
    for p in procs:
        assert p.poll() is None, "a bot process exited; see bot0.log / bot1.log"
    return all([await health(http, u) is not None for u in urls])


def settled(poll_id: int) -> Any:
    def check(conn: Connection) -> bool:
        status = conn.execute(select(Poll.status).where(Poll.id == poll_id)).scalar_one()
        pending = conn.execute(
            select(func.count()).select_from(OutboxItem).where(OutboxItem.status == "pending")
        ).scalar_one()
        return status == "closed" and pending == 0

    return check


async def close_now(url: str, poll_id: int) -> None:
    """Make the poll due to close now."""
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(update(Poll).where(Poll.id == poll_id).values(closes_at=utcnow()))
    finally:
        await engine.dispose()


async def test_a_poll_closes_once_and_telegram_is_taken_over_when_its_holder_dies(
    pg_url: str, tmp_path: Path
) -> None:
    async with (
        FakeSlack() as slack,
        FakeTelegram() as telegram,
        FakeX() as x,
        httpx.AsyncClient() as http,
    ):
        platforms = {
            "slack_bot_token": slack.identity.bot_token,
            "slack_signing_secret": SIGNING_SECRET,  # HTTP mode: either process takes events
            "slack_api_url": slack.api_url,
            "telegram_token": TOKEN,  # long polling: one process at a time
            "telegram_api_url": telegram.url,
            "x_consumer_key": x.keys.consumer_key,  # X polling: one process at a time
            "x_consumer_secret": x.keys.consumer_secret,
            "x_access_token": x.keys.access_token,
            "x_access_token_secret": x.keys.access_token_secret,
            "x_api_url": x.url,
            "x_poll_interval_s": "1",
        }
        with processes(tmp_path, pg_url, **platforms) as (procs, urls):
            await wait_until(lambda: all_healthy(http, urls, procs), within=180, what="both up")

            async def one_holds() -> bool:
                held = [sorted(await channel_states(http, urls, c)) for c in ("telegram", "x")]
                return held == [["standby", "up"], ["standby", "up"]]

            await wait_until(one_holds, within=30, what="one process to hold telegram and x")
            holder = (await channel_states(http, urls)).index("up")
            mention = x.mention("@uni_library are the group study rooms bookable?")
            await wait_until(lambda: len(x.created_tweets()) == 1, within=30, what="x's reply")
            assert len(x.calls_to("GET", "/2/users/me")) == 1  # one process signed in to poll
            async with Store.open(pg_url) as store:
                poll_id = await store.polls.create(
                    targets=[Target("slack", "C1"), Target("telegram", GROUP)],
                    options=[("yes", "Yes"), ("no", "No")],
                    question="Should the library open on Sundays?",
                    kind="yes_no",
                    post_results=True,
                    status="scheduled",
                    opens_at=utcnow() - timedelta(seconds=1),
                    closes_at=utcnow() + timedelta(days=1),
                )
                await wait_until(
                    lambda: (
                        bool(slack.calls_to("chat.postMessage"))
                        and bool(telegram.calls_to("sendPoll"))
                    ),
                    within=30,
                    what="the poll to be posted on both channels",
                )
                await close_now(pg_url, poll_id)  # it falls due while both processes run
                await wait_until(
                    lambda: store.read(settled(poll_id)), within=30, what="close and posts"
                )
            said = [
                c
                for c in slack.calls_to("chat.postMessage")
                if str(c.args.get("text", "")).startswith("You said")
            ]
            told = [
                c
                for c in telegram.calls_to("sendMessage")
                if str(c.params.get("text", "")).startswith("You said")
            ]
            assert len(slack.calls_to("chat.postMessage")) == 2  # the poll, and its results
            assert (len(said), len(slack.calls_to("chat.update"))) == (1, 1)  # closed in place
            assert len(telegram.calls_to("sendPoll")) == 1
            assert (len(told), len(telegram.calls_to("stopPoll"))) == (1, 1)

            procs[holder].kill()  # kill -9: no clean stop, the lease is not given up
            procs[holder].wait(timeout=30)
            survivor = urls[1 - holder]

            async def taken_over() -> bool:
                found = await health(http, survivor)
                return found is not None and found["channels"]["telegram"]["state"] == "up"

            await wait_until(taken_over, within=30, what="the standby to take telegram over")
            later = x.mention(
                "@uni_library is the café open?", author_id="2200000000000000009", username="b"
            )
            await wait_until(lambda: len(x.created_tweets()) == 2, within=30, what="x's 2nd reply")
            chat = tp.private_chat()
            await telegram.push(tp.message_update("Is the wifi broken again?", chat=chat))

            def answered() -> bool:
                sent = telegram.calls_to("sendMessage")
                return any(str(c.params.get("chat_id")) == str(chat["id"]) for c in sent)

            await wait_until(answered, within=30, what="the survivor to store and acknowledge")
            async with Store.open(pg_url) as store:
                mine = [
                    m for m in await store.messages.find() if m.text == "Is the wifi broken again?"
                ]
                from_x = [m for m in await store.messages.find(channel="x") if m.direction == "in"]
            assert len(mine) == 1
            replied = [t["referenced_tweets"][0]["id"] for t in x.created_tweets()]
            assert (
                sorted(replied)
                == sorted([mention["id"], later["id"]])
                == sorted(m.platform_id for m in from_x)
            )


def processing(conn: Connection) -> dict[str, Any]:
    """What became of the inbound messages: how many are processed, claimed more than once,
    classified other than once; and the acknowledgements per conversation."""
    inbound = Message.direction == "in"
    done = (
        select(func.count()).select_from(Message).where(inbound, Message.processed_at.is_not(None))
    )
    claimed_again = select(func.count()).select_from(Message).where(inbound, Message.attempts != 1)
    per_message = (
        select(Message.id, func.count(Classification.id).label("n"))
        .outerjoin(Classification, Classification.message_id == Message.id)
        .where(inbound)
        .group_by(Message.id)
        .subquery()
    )
    verdicts = conn.execute(select(per_message.c.n, func.count()).group_by(per_message.c.n))
    acks = conn.execute(
        select(Message.conversation_id, func.count())
        .where(Message.direction == "out", Message.author == "feedbot")
        .group_by(Message.conversation_id)
    )
    return {
        "processed": conn.execute(done).scalar_one(),
        "claimed_again": conn.execute(claimed_again).scalar_one(),
        "verdicts": {int(n): int(c) for n, c in verdicts},
        "acks": {int(i): int(c) for i, c in acks},
    }


async def test_a_burst_over_two_processes_is_classified_and_acknowledged_once(
    pg_url: str, tmp_path: Path
) -> None:
    async with httpx.AsyncClient() as http:
        with processes(tmp_path, pg_url) as (procs, urls):
            await wait_until(lambda: all_healthy(http, urls, procs), within=180, what="both up")
            sessions = [await new_session(http, urls[n % 2]) for n in range(50)]
            accepted = await send_spread(urls, sessions)
            assert len(accepted) == TOTAL == len(set(accepted.values()))
            async with Store.open(pg_url) as store:

                async def all_processed() -> bool:
                    return bool((await store.read(processing))["processed"] == TOTAL)

                await wait_until(all_processed, within=240, what="2,000 messages processed")
                found = await store.read(processing)

                async def acknowledged() -> bool:
                    return (await store.outbox.counts()).get("pending", 0) == 0

                await wait_until(acknowledged, within=60, what="the acknowledgements sent")
    assert found["claimed_again"] == 0  # each message was leased to one process, once
    assert found["verdicts"] == {1: TOTAL}  # one classification each
    assert len(found["acks"]) == len(sessions) and set(found["acks"].values()) == {1}
    journals = [(tmp_path / f"classified{n}.txt").read_text().splitlines() for n in (0, 1)]
    texts = journals[0] + journals[1]
    assert sorted(texts) == sorted(f"message {i}" for i in range(TOTAL))  # each text once
    assert journals[0] and journals[1], "both processes should have taken part"
