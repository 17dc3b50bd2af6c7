"""The optional group question through real PTB and FakeTelegram: after a person answers the
satisfaction question (the consent question asked on an earlier occasion), they are asked
"which of these best describes you?" once, with buttons; their tap places them in that group
(source "asked"), unless the library's list placed them meanwhile (the stronger source stays)."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.engine import Connection

from bot.adapters.catalog import CAPABILITIES
from bot.events import utcnow
from config.library import load_library_config
from handlers.groups.group_list import read_group_list
from handlers.reach.once import ConsentQuestion
from handlers.speaking import Fixed
from models.store.inbox.reply import address_of
from models.store.polls.tables import Vote
from models.store.reach.tables import GroupQuestion
from models.store.tables import Contact, Message
from tests.fakes.chat import Chat
from tests.fakes.chat.telegram import TelegramPerson
from tests.fakes.running import RunningBot
from tests.fakes.waiting import wait_until
from tests.fakes.wording import shipped_wording
from tests.support.queue_scenario import PRINTER, answered, queued_item, reply_entry, staff

ROOT = Path(__file__).resolve().parents[2]
WORDING = shipped_wording()
GROUP_Q = WORDING.text("reach.group_question")
CONSENT_Q = WORDING.text("reach.consent_question")


def _config(tmp_path: Path) -> Path:
    """The shipped config with room in the cap for three asks a week (consent, CSAT, group)."""
    data = yaml.safe_load((ROOT / "config" / "feedbot.yaml").read_text(encoding="utf-8"))
    data["reach"]["contact_cap"] = {"invitations": 3, "days": 7}
    path = tmp_path / "feedbot.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


async def _answered_csat(
    bot: RunningBot, chat: Chat, student: TelegramPerson, language: str = "en"
) -> int:
    """The student writes, was asked the consent question before, is answered and resolved,
    and taps 4 for the satisfaction question; their contact id."""
    await student.says(PRINTER, message_id=17)
    item = await queued_item(bot)
    full = await bot.store.inbox.item(item_id=item.id)
    assert full is not None
    where = await bot.store.read(lambda c: address_of(c, item.conversation_id))
    ask = ConsentQuestion(WORDING, CAPABILITIES)
    assert await bot.store.reach.ask_consent(
        contact_id=full.contact_id, address=where, ask=ask, language=language
    )
    ann = await staff(bot)
    await bot.app.inbox.reply(ann, item.id, "Refunded.")
    await reply_entry(bot, item.id, "sent")
    await bot.app.inbox.resolve(ann, [item.id])
    await chat.expect_reply(student, contains=WORDING.text("csat_question", language)[:20])
    await student.taps(WORDING.text("csat.option_4", language))
    await answered(bot, item.id, 4)
    return full.contact_id


async def _group(bot: RunningBot, contact_id: int) -> tuple[str | None, str | None]:
    query = select(Contact.customer_group, Contact.group_source).where(Contact.id == contact_id)
    row = await bot.store.read(lambda c: c.execute(query).one())
    return row[0], row[1]


async def _settled(bot: RunningBot, contact_id: int) -> None:
    """Wait until the person's tap on the group question was stored and fully processed."""

    async def done() -> bool:
        def check(conn: Connection) -> bool:
            voted = (
                select(Vote.id)
                .join(GroupQuestion, GroupQuestion.poll_id == Vote.poll_id)
                .where(Vote.contact_id == contact_id)
            )
            waiting = select(Message.id).where(
                Message.direction == "in", Message.processed_at.is_(None)
            )
            return conn.execute(voted).first() is not None and conn.execute(waiting).first() is None

        return bool(await bot.store.read(check))

    await wait_until(done, what="the group answer processed")


async def test_asked_once_after_an_answer_and_the_tap_places_them(
    chat: Chat, db_url: str, tmp_path: Path
) -> None:
    bot = await chat.start("telegram", database_url=db_url, config_file=_config(tmp_path))
    student = chat.on("telegram")
    contact = await _answered_csat(bot, chat, student)
    shown = await chat.expect_reply(student, contains=GROUP_Q)
    labels = list(shown.options)
    assert labels[2] == "Postgraduate researcher" and labels[-1] == "Prefer not to say"
    assert len(await chat.expect_replies(student, contains=CONSENT_Q)) == 1  # not again
    await student.taps("Postgraduate researcher")
    await _settled(bot, contact)
    assert await _group(bot, contact) == ("postgraduate_research", "asked")
    assert len(await chat.expect_replies(student, contains=GROUP_Q)) == 1  # asked once

    await student.taps("Prefer not to say")  # they change their mind: their group goes

    async def taken_back() -> bool:
        return await _group(bot, contact) == (None, None)

    await wait_until(taken_back, what="the group taken back")
    assert len(await chat.expect_replies(student, contains=GROUP_Q)) == 1  # not asked again


async def test_an_answer_never_overrides_the_librarys_list(
    chat: Chat, db_url: str, tmp_path: Path
) -> None:
    bot = await chat.start("telegram", database_url=db_url, config_file=_config(tmp_path))
    student = chat.on("telegram")
    contact = await _answered_csat(bot, chat, student)
    await chat.expect_reply(student, contains=GROUP_Q)
    listed = tmp_path / "list.csv"
    listed.write_text("channel,handle,group\ntelegram,@Ada1,alumni\n", encoding="utf-8")
    groups = load_library_config(ROOT / "config" / "feedbot.yaml").customer_groups
    rows = read_group_list(listed, groups, bot.store.people.hashed)
    assert await bot.store.people.import_groups(rows=rows, at=utcnow()) == 1  # meanwhile
    await student.taps("Member of the public")
    await _settled(bot, contact)
    assert await _group(bot, contact) == ("alumni", "import")


async def test_asked_in_the_persons_language(chat: Chat, db_url: str, tmp_path: Path) -> None:
    config = _config(tmp_path)
    bot = await chat.start(
        "telegram", database_url=db_url, config_file=config, languages=Fixed("cy")
    )
    student = chat.on("telegram")
    contact = await _answered_csat(bot, chat, student, "cy")
    shown = await chat.expect_reply(student, contains=WORDING.text("reach.group_question", "cy"))
    assert list(shown.options)[-1] == WORDING.text("reach.group_prefer_not", "cy")
    await student.taps(WORDING.text("reach.group_prefer_not", "cy"))
    await _settled(bot, contact)
    assert await _group(bot, contact) == (None, None)  # skipped: no group
