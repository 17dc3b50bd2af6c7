"""Reading HTML form posts with a size cap, and text from query strings: storable text only
(no NUL or other control characters, which stored text never holds and PostgreSQL refuses)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qs

from starlette.requests import Request

from bot.storable import clean_text, text_problem
from bot.web.body import BodyTooLarge, read_capped

FORM_CAP = 64 * 1024


class BadForm(ValueError):
    """The form could not be read; the message says why."""


async def read_form(request: Request, cap: int = FORM_CAP) -> dict[str, list[str]]:
    """The posted fields (each a list of values), or BadForm."""
    try:
        raw = await read_capped(request, cap)
        form = parse_qs(raw.decode("utf-8"), keep_blank_values=True)
    except BodyTooLarge:
        raise BadForm(f"the form is larger than {cap // 1024} KiB") from None
    except UnicodeDecodeError:
        raise BadForm("the form is not UTF-8") from None
    for name, values in form.items():
        for text in (name, *values):
            if (problem := text_problem(text)) is not None:
                raise BadForm(f"the form's {clean_text(name)[:40]!r} field {problem}")
    return form


def field(form: dict[str, list[str]], name: str) -> str:
    """One field's first value ('' when absent)."""
    return form.get(name, [""])[0]


def query_text(params: Mapping[str, str], name: str, limit: int) -> str:
    """A query parameter as storable text of at most ``limit`` characters ('' when absent)."""
    return clean_text(params.get(name, ""))[:limit]
