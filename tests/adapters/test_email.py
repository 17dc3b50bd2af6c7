"""The e-mail adapter against a real SMTP server (aiosmtpd on 127.0.0.1): the message as sent,
and each failure classed as the outbox needs it: a refused connection or an error answer
delivered nothing (a 5xx for good); silence or a dropped connection once the message was sent
leaves the outcome unknown, and the outbox then resends once and marks it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.adapters.email import EmailAdapter, SmtpServer
from bot.channel import SendError
from bot.events import Address, Channel, Image, OutboundMessage
from models.store import Store
from tests.fakes.smtp import Inbox, free_port, mail_delivery, smtp_server
from tests.fakes.waiting import wait_until

TO = Address(Channel.EMAIL, chat="desk@lib.example, lead@lib.example")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def adapter(port: int, timeout_s: float = 5) -> EmailAdapter:
    server = SmtpServer("127.0.0.1", port, starttls=False, timeout_s=timeout_s)
    return EmailAdapter(server, sender="feedbot@lib.example")


class Refusing(Inbox):
    """Refuses one recipient for good, or every message for now."""

    def __init__(self, *, rcpt: str = "", data: str = "") -> None:
        super().__init__()
        self.rcpt, self.data = rcpt, data

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.rcpt and address == "desk@lib.example":
            return self.rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return self.data or await super().handle_DATA(server, session, envelope)


class Silent(Inbox):
    """Reads the message, then says nothing (or drops the connection)."""

    def __init__(self, *, drop: bool = False) -> None:
        super().__init__()
        self.drop, self.read = drop, 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.read += 1
        if self.read > 1:
            return await super().handle_DATA(server, session, envelope)
        if self.drop:
            server.transport.close()
            return "250 never heard"
        await asyncio.sleep(3)
        return "451 too late"


async def failure(port: int, message: OutboundMessage, timeout_s: float = 5) -> SendError:
    with pytest.raises(SendError) as raised:
        await adapter(port, timeout_s).send(message)
    return raised.value


async def test_the_mail_has_its_subject_parts_and_inline_image() -> None:
    port = free_port()
    message = OutboundMessage(
        TO,
        "plain words",
        subject="The digest",
        html='<img src="cid:chart.W@feedbot">',
        images=(Image("chart.W@feedbot", PNG, "a chart"),),
        send_key="outbox-7",
    )
    with smtp_server(port) as inbox:
        message_id = await adapter(port).send(message)
    [mail] = inbox.messages
    assert inbox.recipients == [["desk@lib.example", "lead@lib.example"]]
    assert (mail["Subject"], mail["From"]) == ("The digest", "feedbot@lib.example")
    assert mail["Message-ID"] == message_id and "outbox-7" in message_id
    assert mail.get_content_type() == "multipart/alternative"
    [image] = [p for p in mail.walk() if p.get_content_type() == "image/png"]
    assert image["Content-ID"] == "<chart.W@feedbot>" and image.get_content() == PNG


async def test_a_refused_connection_is_not_delivered() -> None:
    error = await failure(free_port(), OutboundMessage(TO, "hello"))
    assert not error.unknown and not error.permanent


async def test_a_recipient_refused_for_good_leaves_the_others() -> None:
    port = free_port()
    with smtp_server(port, Refusing(rcpt="550 no such user")) as inbox:
        await adapter(port).send(OutboundMessage(TO, "hello"))
    assert inbox.recipients == [["lead@lib.example"]]


async def test_every_recipient_refused_is_not_delivered_for_good() -> None:
    port = free_port()
    with smtp_server(port, Refusing(rcpt="550 no such user")):
        error = await failure(
            port, OutboundMessage(Address(Channel.EMAIL, "desk@lib.example"), "x")
        )
    assert error.permanent and not error.unknown


async def test_an_error_answer_to_the_message_is_not_delivered() -> None:
    port = free_port()
    with smtp_server(port, Refusing(data="451 busy, try later")):
        error = await failure(port, OutboundMessage(TO, "hello"))
    assert not error.unknown and not error.permanent and "451" in str(error)


@pytest.mark.parametrize("drop", [False, True], ids=["silence", "dropped"])
async def test_silence_or_a_drop_after_the_message_leaves_the_outcome_unknown(drop: bool) -> None:
    port = free_port()
    with smtp_server(port, Silent(drop=drop)):
        error = await failure(port, OutboundMessage(TO, "hello"), timeout_s=1)
    assert error.unknown


async def test_the_outbox_resends_an_unknown_one_once_and_marks_it(store: Store) -> None:
    port = free_port()
    await store.outbox.enqueue(message=OutboundMessage(TO, "hello", subject="Hi"), author="t")
    outbox = mail_delivery(store, port, retry_s=0.05, unsure_s=0.05)
    with smtp_server(port, Silent(drop=True)) as inbox:
        await outbox.run_once()
        [first] = await store.outbox.items()
        assert (first.status, first.maybe_twice) == ("pending", False)
        await wait_until(outbox.run_once, what="the resend")
    [sent] = await store.outbox.items()
    assert (sent.status, sent.maybe_twice, len(inbox.messages)) == ("sent", True, 1)
