"""Hypothesis strategies for what a stranger can send: any text, storable or not, in any JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hypothesis import strategies as st

from bot.events import Address, Channel, ConversationKind, EventKind, InboundEvent, Vote

NASTY = (
    "\x00",
    "\ud800",
    "\udfff",
    "\udc80x",
    "\r\n",
    "\r",
    "\x1b[2J",
    "\x7f",
    "\x85",
    "\x9b",
    "\u2028",
    "\ufeff",
    "\ufffe",
    "\U0001f600",
    "e\u0301",
    "[bold red]",
    "&lt;@U0BOT&gt;",
)
"""Pieces chosen to hurt: NUL, lone surrogates, CR, escapes, C1 controls, non-BMP, markup."""

CHARACTERS = st.one_of(
    st.characters(exclude_categories=()),  # every category but surrogates, controls included
    st.integers(0xD800, 0xDFFF).map(chr),  # lone surrogates (hypothesis never draws them)
    st.integers(0, 0x9F).map(chr),  # C0 and C1 controls, more often than chance
)

texts: st.SearchStrategy[str] = st.lists(
    st.one_of(st.text(CHARACTERS, max_size=12), st.sampled_from(NASTY)), max_size=10
).map("".join)
"""Short text, often unstorable as given."""

any_text: st.SearchStrategy[str] = st.one_of(
    texts, st.builds(lambda t, n: (t or "\ud800") * n, texts, st.integers(260, 400))
)
"""Short or over-long text (ids over 255 characters included)."""

ids: st.SearchStrategy[str | int] = st.one_of(
    any_text, st.integers(-(2**63), 2**63), st.from_regex(r"\A[A-Z0-9.:-]{1,24}\Z")
)
"""What a platform id field may hold: a stranger's string, a number or a plausible id."""

json_values: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)
"""Any JSON value (strings from ``texts``)."""


def maybe(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``value``, or now and then any JSON value in its place (a field of the wrong type)."""
    return st.one_of(value, value, value, json_values)


storable_texts: st.SearchStrategy[str] = st.text(
    st.characters(exclude_categories=("Cc", "Cs")) | st.sampled_from("\n\t\r"), min_size=1
)
"""Text the store can keep as sent (once ``\\r\\n`` is ``\\n``): no controls, no surrogates."""

times: st.SearchStrategy[datetime] = st.datetimes(timezones=st.none() | st.timezones())


@st.composite
def events(draw: st.DrawFn) -> InboundEvent:
    """An event whose every string is a stranger's."""
    channel = draw(st.sampled_from(Channel))
    extra = draw(st.dictionaries(any_text, any_text, max_size=3))
    vote = draw(st.none() | st.builds(Vote, any_text, st.tuples(any_text, any_text), any_text))
    return InboundEvent(
        channel=channel,
        platform_id=draw(any_text),
        kind=draw(st.sampled_from(EventKind)),
        sender=draw(any_text),
        address=Address(channel, draw(any_text), draw(any_text), ConversationKind.GROUP, extra),
        text=draw(any_text),
        sender_name=draw(any_text),
        reply_ref=draw(any_text),
        vote=vote,
        occurred_at=draw(times),
    )
