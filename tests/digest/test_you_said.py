"""The "you said, we did" notices: three people who raised printing on three channels and one
who said "stop" get exactly three notices, once each, however often the command runs; X
writers in public share one tweet; "stop" and "start" through the opt-out step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select
from typer.testing import CliRunner

from bot.cli import build_cli
from bot.cli.polls import CAPABILITIES
from bot.events import Address, Channel, ConversationKind, EventKind, InboundEvent
from handlers import you_said
from handlers.opt_out import OptOut, OptWords, choice
from handlers.pipeline import from_pending
from handlers.speaking import Fixed
from models.classification import Classification
from models.store import Store
from models.store.digest.action_notices import Raiser
from models.store.digest.actions import ActionView
from models.store.digest.tables import ActionNotice
from models.store.migrate import upgrade
from models.store.tables import Correction
from tests.fakes.wording import shipped_wording

TOPIC = "printing_and_scanning"
SINCE = datetime(2026, 11, 1, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def said(
    channel: Channel, sender: str, chat: str, text: str, n: int, kind: ConversationKind
) -> InboundEvent:
    return InboundEvent(
        channel=channel,
        platform_id=f"ys-{n}",
        kind=EventKind.MESSAGE,
        sender=sender,
        address=Address(channel, chat=chat, kind=kind),
        text=text,
        occurred_at=datetime(2026, 11, 10, 9, tzinfo=UTC) + timedelta(minutes=n),
    )


PEOPLE = [
    said(Channel.SLACK, "U1", "D1", "The level 2 printer jams", 0, ConversationKind.DIRECT),
    said(Channel.TELEGRAM, "T1", "777", "Printing costs too much", 1, ConversationKind.DIRECT),
    said(
        Channel.WIDGET,
        "sess-aaaaaaaa",
        "sess-aaaaaaaa",
        "Scanner is broken",
        2,
        ConversationKind.WIDGET,
    ),
    said(Channel.TELEGRAM, "T2", "888", "Printer out of toner", 3, ConversationKind.DIRECT),
    said(Channel.SLACK, "U9", "D9", "Wifi drops all the time", 4, ConversationKind.DIRECT),
]


async def history(store: Store) -> None:
    """Four raised printing (Telegram's T1 only by a staff relabel); T2 then says "stop"."""
    ids = [r.message_id for r in await store.messages.record(events=PEOPLE)]
    topics = [TOPIC, "noise", TOPIC, TOPIC, "wifi_and_it"]
    await store.classifications.save(
        verdicts=[
            (i, Classification("negative", {}, t, 0.9, "test"))
            for i, t in zip(ids, topics, strict=True)
        ]
    )
    relabel = {"message_id": ids[1], "field": "topic", "value": TOPIC, "staff": "staff:1"}
    await store._db.write(
        lambda c: c.execute(insert(Correction).values(**relabel, created_at=datetime.now(UTC)))
    )
    await opt(store, said(Channel.TELEGRAM, "T2", "888", "STOP!", 10, ConversationKind.DIRECT))


async def opt(store: Store, event: InboundEvent) -> None:
    """Run the opt-out step on a stored event, as the processor would."""
    await store.messages.record(events=[event])
    pending = await store.processing.claim(limit=50, lease=timedelta(seconds=30), max_attempts=3)
    step = OptOut(store, OptWords(), shipped_wording(), Fixed(), lambda: None)
    batch = [c for c in map(from_pending, pending) if step.applies(c)]
    await step.run(batch)
    await store.processing.done(ids=[p.message_id for p in pending])


async def add_and_notify(store: Store) -> dict[str, int]:
    action_id = await store.actions.add(
        topic=TOPIC,
        said="Printers kept jamming.",
        outcome="did",
        did="We replaced both printers.",
        why="",
        since=SINCE,
        created_by="test",
    )
    action = await store.actions.get(action_id=action_id)
    assert action is not None
    return await you_said.notify(
        store,
        action,
        CAPABILITIES,
        wording=shipped_wording(),
        since=SINCE,
        now=datetime(2026, 12, 1, tzinfo=UTC),
    )


async def test_three_people_on_three_channels_are_told_once_each(store: Store) -> None:
    await history(store)
    first = await add_and_notify(store)
    again = await add_and_notify(store)
    notices = [o for o in await store.outbox.items() if o.text.startswith("You told")]
    assert first == {"slack": 1, "telegram": 1, "widget": 1} and again == {}
    assert sorted(o.channel for o in notices) == ["slack", "telegram", "widget"]
    assert all("What we did: We replaced both printers." in o.text for o in notices)
    assert len(await store.actions.latest()) == 1  # the same action, recorded once
    rows = await store.read(lambda c: c.execute(select(ActionNotice.recipient)).scalars().all())
    assert len(rows) == 3


async def test_stop_confirms_and_start_opts_back_in(store: Store) -> None:
    await history(store)
    confirmations = [o.text for o in await store.outbox.items() if o.channel == "telegram"]
    assert confirmations == [shipped_wording().text("opt_out_reply")]
    await opt(store, said(Channel.TELEGRAM, "T2", "888", "start", 11, ConversationKind.DIRECT))
    assert await add_and_notify(store) == {"slack": 1, "telegram": 2, "widget": 1}


def test_opt_words_match_the_whole_message_only() -> None:
    words = OptWords.of(["stop", "Unsubscribe", "arrêt"], ["start"])
    assert [choice(t, words) for t in ("Stop", " STOP! ", "unsubscribe.", "Arrêt", "start")] == [
        True,
        True,
        True,
        True,
        False,
    ]
    assert choice("please stop the noise", words) is None


def test_x_writers_in_public_share_one_tweet_and_dms_get_their_own() -> None:

    view = ActionView(1, TOPIC, "Jams.", "did", "Fixed them.", "", None, datetime.now(UTC))
    raisers = [
        Raiser(1, "x", "t-100", "", "public", {"username": "a"}),
        Raiser(2, "x", "t-200", "", "public", {"username": "b"}),
        Raiser(3, "x", "dm-3", "", "direct", {"participant_id": "3"}),
        Raiser(4, "slack", "C1", "17.1", "group", {}),
    ]
    notices = you_said.plan(view, raisers, CAPABILITIES, lambda _: "text")
    tweet = next(n for n in notices if n.message.address.kind is ConversationKind.PUBLIC)
    assert tweet.recipients == ("contact:1", "contact:2") and tweet.message.address.chat == ""
    assert tweet.message.reply_ref == "" and "@" not in tweet.message.text
    assert sorted(n.recipients for n in notices if n is not tweet) == [
        ("contact:3",),
        ("contact:4",),
    ]


def test_action_add_refuses_unclear_actions_and_notifies_once(tmp_path: Path) -> None:
    env = {
        "FEEDBOT_STATE_DIR": str(tmp_path / "var"),
        "FEEDBOT_CONFIG_FILE": str(ROOT / "config" / "feedbot.yaml"),
        "FEEDBOT_PSEUDONYM_KEY": "cli-test-pseudonym-key",
    }
    url = f"sqlite+aiosqlite:///{tmp_path / 'var' / 'feedbot.db'}"
    upgrade(url)
    import asyncio

    async def seed() -> None:
        async with Store.open(url, pseudonym_key=b"x" * 32) as s:
            ids = [r.message_id for r in await s.messages.record(events=PEOPLE[:3])]
            await s.classifications.save(
                verdicts=[(i, Classification("negative", {}, TOPIC, 0.9, "t")) for i in ids]
            )

    asyncio.run(seed())
    cli = build_cli()
    base = [
        "action",
        "add",
        "--topic",
        TOPIC,
        "--said",
        "Printers <b>jam</b>",
        "--since",
        "2026-11-01",
    ]
    both = CliRunner().invoke(cli, [*base, "--did", "x", "--cannot", "y", "--why", "z"], env=env)
    assert both.exit_code != 0 and "either --did or --cannot" in both.output
    no_why = CliRunner().invoke(cli, [*base, "--cannot", "open 24/7"], env=env)
    assert no_why.exit_code != 0 and "--cannot needs --why" in no_why.output
    unknown = CliRunner().invoke(
        cli, ["action", "add", "--topic", "pizza", "--said", "s", "--did", "d"], env=env
    )
    assert unknown.exit_code != 0 and "unknown topic 'pizza'" in unknown.output
    args = [*base, "--did", "We replaced them", "--notify"]
    first, second = (CliRunner().invoke(cli, args, env=env) for _ in range(2))
    assert (
        first.exit_code == 0
        and "told 3 people: 1 on slack, 1 on telegram, 1 on widget" in first.output
    )
    assert second.exit_code == 0 and "nobody new to tell" in second.output


async def test_the_notice_reads_as_separate_lines_on_telegram(store: Store) -> None:
    from bot.adapters.telegram import TelegramAdapter
    from bot.channel import ChannelState
    from handlers.delivery import Delivery
    from handlers.metrics import Metrics
    from tests.fakes.cursors import MemoryCursors
    from tests.fakes.telegram import FakeTelegram
    from tests.fakes.telegram_store import MemorySink

    await history(store)
    await add_and_notify(store)
    async with FakeTelegram() as telegram:
        adapter = TelegramAdapter(
            token=telegram.token, api_url=telegram.url, cursors=MemoryCursors()
        )
        delivery = Delivery(
            store,
            {Channel.TELEGRAM: adapter},
            Metrics(),
            max_attempts=3,
            base_delay=1.0,
            max_delay=1.0,
            only={Channel.TELEGRAM},
        )
        from tests.fakes.waiting import wait_until

        await adapter.start(MemorySink())
        await wait_until(lambda: adapter.state is ChannelState.UP, what="telegram up")
        await delivery.run_once()
        await adapter.stop()
        [sent] = [c for c in telegram.calls_to("sendMessage") if "You told" in c.params["text"]]
    lines = sent.params["text"].splitlines()
    assert lines[0].startswith("You told ") and lines[0].endswith(": Printers kept jamming.")
    assert lines[1] == "What we did: We replaced both printers."
