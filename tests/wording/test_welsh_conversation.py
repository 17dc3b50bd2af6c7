"""A Welsh conversation through real PTB and FakeTelegram: the acknowledgement and, after staff
resolve, the satisfaction question come in Welsh; someone else on the same bot still gets
English. The first test runs on language detection itself (the message is found to be Welsh,
and the person is remembered as Welsh for the question asked later); the voter test fixes the
language through the bot's ``languages`` seam (``Fixed("cy")``)."""

from __future__ import annotations

from handlers.polls.kinds import standard_options
from handlers.speaking import Fixed
from models.store.polls.definitions import Target
from tests.fakes.chat import Chat
from tests.fakes.wording import shipped_library
from tests.support.queue_scenario import answered, queued_item, staff

NOISE = "Mae'n swnllyd iawn ar y trydydd llawr heno, does neb yn gallu gweithio."


async def test_a_welsh_student_is_answered_in_welsh_and_rates_in_welsh(
    chat: Chat, db_url: str
) -> None:
    bot = await chat.start("telegram", database_url=db_url)
    student = chat.on("telegram")
    await student.says(NOISE, message_id=21)
    ack = await chat.expect_reply(student, contains="Diolch am eich neges")
    assert "Thanks" not in ack.text

    item = await queued_item(bot)
    ann = await staff(bot)
    await bot.app.inbox.reply(ann, item.id, "Mae'n ddrwg gennym! Rydym wedi anfon rhywun i fyny.")
    await bot.app.inbox.resolve(ann, [item.id])
    question = await chat.expect_reply(student, contains="Pa mor fodlon ydych chi")
    assert "Y Llyfrgell" in question.text and "How satisfied" not in question.text
    assert question.options == ("1 Gwael iawn", "2 Gwael", "3 Iawn", "4 Da", "5 Rhagorol")
    await student.taps("4 Da")
    await answered(bot, item.id, 4)
    await student.says("STOP")
    await chat.expect_reply(student, contains="Ni fyddwch yn cael rhagor o negeseuon gennym")


async def test_the_same_conversation_in_english_by_default(chat: Chat, sqlite_url: str) -> None:
    bot = await chat.start("telegram", database_url=sqlite_url)
    student = chat.on("telegram")
    await student.says("It is very noisy on the third floor tonight", message_id=22)
    await chat.expect_reply(student, contains="Thanks for your message")
    item = await queued_item(bot)
    ann = await staff(bot)
    await bot.app.inbox.reply(ann, item.id, "Sorry! Someone is on their way up.")
    await bot.app.inbox.resolve(ann, [item.id])
    question = await chat.expect_reply(student, contains="How satisfied")
    assert question.options[-1] == "5 Excellent"


async def test_a_welsh_voter_is_thanked_in_welsh_and_asked_the_follow_up_in_welsh(
    chat: Chat, sqlite_url: str
) -> None:
    await chat.start("slack", database_url=sqlite_url, languages=Fixed("cy"))
    template = shipped_library().poll_templates["help_desk_csat"]
    poll_id = await chat.store.polls.create(
        targets=[Target("slack", "C01LIBRARY")],
        options=standard_options("csat", []),
        question=template["question"],
        kind="csat",
        follow_up=template["follow_up"],
    )
    await chat.bot.app.polls.send(poll_id)  # a post to a whole channel: in English
    ann = chat.on("slack", user="U0ANN")
    shown = await chat.expect_reply(ann, contains=template["question"])
    assert "5 Excellent" in shown.options
    await ann.taps("2 Poor")
    await chat.expect_reply(ann, contains="Diolch. Eich ateb: 2 Gwael.")
    await chat.expect_reply(ann, contains="Beth allem ni fod wedi'i wneud yn well?")
