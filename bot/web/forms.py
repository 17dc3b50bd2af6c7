"""Reading HTML form posts with a size cap."""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.requests import Request

from bot.web.body import BodyTooLarge, read_capped

FORM_CAP = 64 * 1024


class BadForm(ValueError):
    """The form could not be read; the message says why."""


async def read_form(request: Request, cap: int = FORM_CAP) -> dict[str, list[str]]:
    """The posted fields (each a list of values), or BadForm."""
    try:
        raw = await read_capped(request, cap)
        return parse_qs(raw.decode("utf-8"), keep_blank_values=True)
    except BodyTooLarge:
        raise BadForm(f"the form is larger than {cap // 1024} KiB") from None
    except UnicodeDecodeError:
        raise BadForm("the form is not UTF-8") from None


def field(form: dict[str, list[str]], name: str) -> str:
    """One field's first value ('' when absent)."""
    return form.get(name, [""])[0]
