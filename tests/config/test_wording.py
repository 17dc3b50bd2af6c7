"""The bot's wording per language: English complete, Welsh complete, the same {fields} in
every language, English where a language has no sentence, and config errors that name the
file and the key."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.web.page_language import EMBED_KEYS, SCRIPT_KEYS
from config.settings import SettingsError
from config.wording import ENGLISH, load_wording, placeholders
from tests.fakes.wording import LANGUAGES_DIR, ROOT, shipped_library, shipped_wording

USED = re.compile(r"""(?:\.text|\bt)\(\s*["']([a-z_][a-z0-9_.]*)["']""")
"""A wording key written out where the code or a template asks for it."""


def keys_in_code() -> set[str]:
    """Every wording key the code and the templates name literally."""
    found = set()
    for folder in ("bot", "handlers"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".py", ".html", ".js"}:
                found |= set(USED.findall(path.read_text(encoding="utf-8")))
    found |= {f"widget.{k}" for k in (*SCRIPT_KEYS, *EMBED_KEYS)}
    found |= {f"csat.option_{n}" for n in range(1, 6)}
    return found


def test_every_key_the_code_uses_has_english() -> None:
    english = shipped_wording().english
    used = keys_in_code()
    assert len(used) > 60
    assert sorted(used - english.keys()) == []


def test_welsh_has_every_key_with_the_same_fields() -> None:
    wording = shipped_wording()
    assert wording.languages == ("en", "cy")
    welsh = wording.others["cy"]
    assert sorted(wording.english.keys() - welsh.keys()) == []
    for language, own in wording.others.items():
        for key, text in own.items():
            assert placeholders(text) == placeholders(wording.english[key]), (language, key)
            assert text.strip() != "" or wording.english[key] == "", (language, key)


def test_the_firstanswer_keys_are_there_in_english_and_welsh() -> None:
    wording = shipped_wording()
    for key in (
        "acknowledgements.urgent",
        "acknowledgements.needs_person",
        "acknowledgements.needs_person_closed",
        "acknowledgements.needs_no_one",
        "acknowledgements.poll_comment",
        "safety.guidance",
    ):
        assert key in wording.english and key in wording.others["cy"]
    guidance = wording.text("safety.guidance", "cy", emergency_number="999", security_number="1")
    assert "ffoniwch 999" in guidance


def test_a_language_the_bot_does_not_speak_is_answered_in_english() -> None:
    wording = shipped_wording()
    english = wording.text("csat_question")
    assert english == "How satisfied are you with the help you got from The Library?"
    assert wording.text("csat_question", "fr") == english
    assert wording.text("csat_question", "und") == english
    assert wording.speaking("fr").language == ENGLISH
    assert wording.text("csat_question", "cy").endswith("gan Y Llyfrgell?")


def test_fields_are_filled_and_other_braces_kept() -> None:
    wording = shipped_wording()
    assert wording.text("widget.message_hint", "cy", max_chars=4000).startswith("Hyd at 4000 nod")
    assert wording.text("polls.reply_range", first=1, last="{x}") == (
        "Reply with a number from 1 to {x}."
    )
    with pytest.raises(KeyError, match=r"no wording key 'widget\.nope'"):
        wording.text("widget.nope")


def test_a_template_poll_stored_in_english_is_asked_in_welsh() -> None:
    wording = shipped_wording()
    question = shipped_library().poll_templates["term_nps"]["question"]
    assert wording.translated(question, "cy").startswith("Pa mor debygol")
    assert wording.translated("Which café do you use?", "cy") == "Which café do you use?"
    assert wording.translated("Yes", "cy") == "Ie" and wording.translated("Yes", "fr") == "Yes"


def languages_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "languages"
    shutil.copytree(LANGUAGES_DIR, folder)
    return folder


def test_adding_a_language_is_a_file(tmp_path: Path) -> None:
    folder = languages_copy(tmp_path)
    (folder / "es.yaml").write_text(
        'acknowledgements:\n  poll_comment: "Gracias por tu comentario."\n'
        'widget:\n  send: "Enviar mensaje"\n'
    )
    wording = load_wording(shipped_library(), folder)
    assert wording.languages == ("en", "cy", "es")
    assert wording.text("acknowledgements.poll_comment", "es") == "Gracias por tu comentario."
    assert wording.text("widget.send", "es") == "Enviar mensaje"
    assert wording.text("widget.sent", "es") == wording.text("widget.sent")  # English fallback


@pytest.mark.parametrize(
    ("file", "content", "error"),
    [
        ("cy.yaml", "widget:\n  sned: Anfon\n", r"cy.yaml: unknown wording key widget.sned "),
        ("cy.yaml", "widget:\n  sned: Anfon\n", r"did you mean widget.send\?"),
        ("cy.yaml", "csat_questoin: Pa mor fodlon?\n", r"unknown wording key csat_questoin"),
        (
            "cy.yaml",
            'widget:\n  message_hint: "Hyd at {max} nod."\n',
            r"widget.message_hint uses \{max\} but its English uses \{max_chars\}",
        ),
        ("cy.yaml", "widget:\n  send: [Anfon]\n", r"widget.send should be text"),
        ("cy.yaml", 'widget:\n  months: "Ion Chwef"\n', r"widget.months needs the 12 months"),
        ("cy.yaml", 'when:\n  days: "Llun Mawrth"\n', r"when.days needs the 7 days' names"),
        ("xx.yaml", "library_name: hi\n", r"'xx' is not an ISO 639-1 language code"),
        ("welsh.yaml", "library_name: hi\n", r"'welsh' is not an ISO 639-1 language code"),
        ("cy.yaml", "library_name: [unclosed\n", r"cy.yaml is not valid YAML"),
        ("en.yaml", "csat_question: again\n", r"en.yaml: csat_question is set in FEEDBOT_CONFIG"),
    ],
)
def test_wording_errors_name_the_file_and_the_key(
    tmp_path: Path, file: str, content: str, error: str
) -> None:
    folder = languages_copy(tmp_path)
    (folder / file).write_text(content)
    with pytest.raises(SettingsError, match=f"^FEEDBOT_LANGUAGES_DIR: .*{error}"):
        load_wording(shipped_library(), folder)


def test_a_missing_english_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"FEEDBOT_LANGUAGES_DIR: cannot read .*en.yaml"):
        load_wording(shipped_library(), tmp_path)


def test_the_csat_question_stored_in_english_is_shown_in_welsh() -> None:
    wording = shipped_wording()
    stored = wording.text("csat_question")  # as the poll keeps it, {library} filled in
    assert wording.translated(stored, "cy") == wording.text("csat_question", "cy")
    assert wording.translated("1 Very poor", "cy") == "1 Gwael iawn"
