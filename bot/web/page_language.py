"""The language of a public page (the widget, "you said, we did"), and the page's words that
depend on it: its times, its lifetimes, the sentences its JavaScript shows. Pure."""

from __future__ import annotations

from starlette.requests import Request

from config.wording import ENGLISH, Speech, Wording

SCRIPT_KEYS = (
    "you",
    "your_answer",
    "take_back",
    "change_until_closed",
    "empty",
    "sending",
    "sent",
    "not_sent",
    "not_sent_offline",
    "counted",
    "not_counted",
    "not_counted_offline",
    "no_connection",
    "unreachable",
    "too_many",
    "server_error",
    "months",
)
"""The widget sentences its JavaScript needs (under ``widget.``)."""

EMBED_KEYS = ("open_button", "close_button", "panel_label", "frame_title")
"""The embedding snippet's words (under ``widget.``)."""


def page_language(request: Request, wording: Wording) -> str:
    """``?lang=`` (the embed snippet's ``data-lang``) if the bot speaks it, else the browser's
    first language the bot speaks (Accept-Language), else English."""
    asked = request.query_params.get("lang", "").lower()
    if asked in wording.languages:
        return asked
    return accepted(request.headers.get("accept-language", ""), wording.languages)


def page_query(form: dict[str, str]) -> str:
    """A widget form's page parameters to carry back to the page: '&embed=1&lang=cy'."""
    embed = "&embed=1" if form.get("embed") == "1" else ""
    lang = form.get("lang", "")
    return embed + (f"&lang={lang}" if lang.isascii() and lang.isalpha() and len(lang) == 2 else "")


def accepted(header: str, languages: tuple[str, ...]) -> str:
    """The most preferred language of an Accept-Language header among ``languages``."""
    ranked: list[tuple[float, int, str]] = []
    for n, part in enumerate(header.split(",")[:32]):
        tag, _, params = part.strip().partition(";")
        ranked.append((-_quality(params), n, tag.split("-")[0].strip().lower()))
    return next((code for q, _, code in sorted(ranked) if q < 0 and code in languages), ENGLISH)


def _quality(params: str) -> float:
    name, _, value = params.strip().partition("=")
    if name.strip() != "q":
        return 1.0
    try:
        return max(0.0, min(1.0, float(value)))
    except ValueError:
        return 0.0


def lifetime(seconds: float, say: Speech) -> str:
    """A session's idle lifetime in words: '7 days', '12 hours', '30 minutes'."""
    hours = seconds / 3600
    if hours >= 48 and hours % 24 == 0:
        return say.text("widget.days", count=int(hours // 24))
    if hours >= 2:
        return say.text("widget.hours", count=int(hours))
    return say.text("widget.minutes", count=max(1, int(seconds // 60)))


def script_text(say: Speech) -> dict[str, str]:
    """The sentences the widget's JavaScript shows, in the page's language."""
    return {key: say.text(f"widget.{key}") for key in SCRIPT_KEYS}


def embed_text(wording: Wording) -> dict[str, dict[str, str]]:
    """The snippet's words in every language (it picks one on the library's page)."""
    return {
        code: {key: wording.text(f"widget.{key}", code) for key in EMBED_KEYS}
        for code in wording.languages
    }
