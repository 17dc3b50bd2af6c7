"""Numbers in URLs and forms, read in one way: ASCII digits only (``'²'.isdigit()`` is True in
Python, and ``int()`` takes Arabic-Indic digits) and no larger than a database INTEGER column
holds (PostgreSQL's, the smaller of the two), so a bad or huge number is a 400 or a 404 and
never reaches the database or ``int()`` of 5,000 digits.

Path ids use the ``id`` convertor (``id_param("item_id")``): its pattern matches exactly the
numbers ``db_int`` accepts, so any other id matches no route (404)."""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor

from bot.web.body import whole_number

DB_INT_MAX = 2**31 - 1
"""The largest id a database INTEGER column holds (PostgreSQL's; SQLite's is larger)."""


def db_int(raw: str, *, most: int = DB_INT_MAX) -> int | None:
    """``raw`` as a whole number from 0 to ``most`` (ASCII digits, no sign), else None."""
    value = whole_number(raw, digits=len(str(most)))
    return value if value is not None and value <= most else None


def up_to(most: int) -> str:
    """A regular expression matching exactly the strings ``db_int(s, most=most)`` accepts."""
    top = str(most)
    width = len(top)
    shorter = [f"[0-9]{{1,{width - 1}}}"] if width > 1 else []
    same = [
        f"{top[:i]}[0-{int(d) - 1}]" + (f"[0-9]{{{width - i - 1}}}" if i < width - 1 else "")
        for i, d in enumerate(top)
        if d != "0"
    ]
    return "(?:" + "|".join([*shorter, *same, top]) + ")"


class IdConvertor(Convertor[int]):
    """A path segment that is a database id: only the numbers ``db_int`` accepts match."""

    regex = up_to(DB_INT_MAX)

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("id", IdConvertor())


def id_param(name: str) -> str:
    """A path parameter holding a database id, e.g. ``{item_id:id}``."""
    return "{" + name + ":id}"
