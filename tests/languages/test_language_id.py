"""Which language a text is in (pure): clear texts are detected, short or mixed ones fall back
to what is known about the person, then to English; no letters and nothing known is 'und'."""

from __future__ import annotations

import pytest

from models.language import (
    detect,
    iso_639_1,
    language_of,
    name_of,
    parse_codes,
    strip_markup,
    written_in,
)

CLEAR = {
    "cy": "Mae'r wifi wedi torri eto ar y llawr cyntaf",
    "es": "Hola, el wifi no funciona en la segunda planta",
    "fr": "Bonjour, le wifi ne marche pas au troisième étage",
    "de": "Das WLAN funktioniert schon wieder nicht",
    "pl": "Drukarka nie działa, a jutro mam termin oddania pracy",
    "zh": "图书馆几点关门?我找不到座位",
    "ar": "متى تغلق المكتبة؟",
    "ur": "لائبریری کب بند ہوتی ہے؟",
    "en": "The printer on floor 2 is out of toner again",
}


@pytest.mark.parametrize(("code", "text"), CLEAR.items())
def test_clear_texts_are_detected_confidently(code: str, text: str) -> None:
    assert language_of(text, None) == (code, True)
    assert language_of(text, "fr" if code != "fr" else "de") == (code, True)  # not overridden


@pytest.mark.parametrize("text", ["thanks!", "wifi down again", "ok cheers", "ta", "lol"])
def test_short_english_is_never_taken_for_another_language(text: str) -> None:
    assert language_of(text, None)[0] == "en"
    assert language_of(text, "cy")[0] in ("en", "cy")  # a guess never overrides what is known


def test_too_short_to_tell_is_the_persons_known_language() -> None:
    assert language_of("Diolch!", "cy") == ("cy", False)
    assert language_of("👍", "cy") == ("cy", False)


def test_no_letters_and_nothing_known_is_undetermined() -> None:
    for text in ("👍", "??", "123", "😂😂"):
        assert language_of(text, None) == ("und", False)


def test_garbage_is_not_fatal() -> None:
    assert detect("\ud800\udfff broken surrogates \x00").language in ("en", "und")
    assert detect("a" * 100_000).confident in (True, False)


def test_codes_are_iso_639_1() -> None:
    assert [iso_639_1(c) for c in ("zh-Hant", "iw", "no", "un", "xx-Qaai", "haw")] == [
        "zh",
        "he",
        "nb",
        "und",
        "und",
        "und",
    ]


def test_staff_see_names_and_give_codes() -> None:
    assert (name_of("cy"), name_of("und"), name_of("xh")) == ("Welsh (cy)", "unknown", "xh")
    assert (written_in("en"), written_in("und"), written_in("es")) == ("", "", " · in Spanish (es)")
    assert parse_codes(" en, CY,en ") == ("en", "cy")
    assert parse_codes("") == ()
    for bad in ("english", "und", "e1"):
        with pytest.raises(ValueError, match="ISO 639-1"):
            parse_codes(bad)


MARKED_UP = {
    # each was taken for another language before markup was stripped (ss, gd, ha, pt, tt)
    "@UniLibHelp @SUnion help pls :rage: :rage:": "en",
    "#libfail #uni help pls <b>urgent</b>": "en",
    "<@U04JKL7HRZ> no seats :sob: :sob: :sob:": "en",
    "<#C0HRV7KJ|knjiznica> help pls #studentlife #uni": "en",
    "Mae'r <@U0AB12CD3> wifi wedi torri eto ar y llawr cyntaf :cry: https://t.co/x8Ks9dQ2": "cy",
}


@pytest.mark.parametrize(("text", "code"), MARKED_UP.items())
def test_markup_is_not_read_as_words(text: str, code: str) -> None:
    assert language_of(text, None)[0] == code


def test_strip_markup_keeps_the_words_and_labels() -> None:
    text = (
        "<@U02AB3CD> see <https://lib.example.ac.uk/rooms/12|room 12> :pray: #help @unilib "
        "<p>the <a href='https://x.y'>printer</a> &amp; scanner</p> ```lpq -a``` `ls` www.x.org"
    )
    assert strip_markup(text) == "see room 12 the printer & scanner"
    plain = "email a.b@uni.ac.uk, it's 5:30 now"
    assert strip_markup(plain) == plain


def test_markup_alone_has_no_language() -> None:
    assert language_of("<@U0AB12CD3> :+1: :heart:", None) == ("und", False)
    assert language_of("<@U0AB12CD3> :+1:", "cy") == ("cy", False)
