"""Which first answer a message gets, and its words: pure, from the shipped config."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from config.library import Acknowledgements, LibraryConfig, load_library_config
from config.wording import Speech, load_wording
from handlers.ack_wording import Hours, Kind, Triaged, kind_of, text_for, when
from handlers.inbox.triage import Decision

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = load_library_config(ROOT / "config" / "feedbot.yaml")
LANGUAGES = ROOT / "config" / "languages"
ENGLISH = load_wording(LIBRARY, LANGUAGES).speaking("en")
WELSH = load_wording(LIBRARY, LANGUAGES).speaking("cy")
LONDON = ZoneInfo("Europe/London")
HOURS = Hours(LIBRARY.triage.day_hours(), LONDON)
TUESDAY_NOON = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
SATURDAY_NIGHT = datetime(2026, 12, 5, 23, 30, tzinfo=UTC)

URGENT = Decision(True, "estates", "urgent", urgent=True)
PERSON = Decision(True, "it_services", "normal")
NO_ONE = Decision(False, "customer_engagement", "normal")


def said(facts: Triaged, now: datetime, say: Speech = ENGLISH) -> str:
    return text_for(kind_of(facts, now, HOURS), facts, now, HOURS, say, LIBRARY.safety)


def speaking(library: LibraryConfig, language: str = "en") -> Speech:
    return load_wording(library, LANGUAGES).speaking(language)


def test_urgent_gets_the_safety_guidance_at_any_hour() -> None:
    for now in (TUESDAY_NOON, SATURDAY_NIGHT):
        text = said(Triaged(URGENT, now + timedelta(hours=2)), now)
        assert "urgent" in text and "call 999" in text and "01632 960000" in text
        assert "{" not in text


def test_needs_a_person_while_open_is_told_the_due_time() -> None:
    due = TUESDAY_NOON + timedelta(hours=3, minutes=30)
    text = said(Triaged(PERSON, due), TUESDAY_NOON)
    assert kind_of(Triaged(PERSON, due), TUESDAY_NOON, HOURS) is Kind.NEEDS_PERSON
    assert text.endswith("someone will reply here by 15:30 today.")


def test_needs_a_person_while_closed_is_told_when_we_open() -> None:
    facts = Triaged(PERSON, datetime(2026, 12, 8, 8, 30, tzinfo=UTC))
    assert kind_of(facts, SATURDAY_NIGHT, HOURS) is Kind.NEEDS_PERSON_CLOSED
    text = said(facts, SATURDAY_NIGHT)
    assert "closed now" in text and text.endswith("after 08:30 on Monday.")


def test_the_person_is_told_which_team_has_it_in_their_language() -> None:
    """The team triage chose, by name (not always "customer engagement"): an IT question says
    IT services; a team with no name is its key in words; no team at all, "the staff"."""
    due = TUESDAY_NOON + timedelta(hours=3)
    assert "It has gone to IT services at the Library" in said(Triaged(PERSON, due), TUESDAY_NOON)
    estates = Triaged(Decision(True, "estates", "normal"), due)
    assert "gone to Estates at the" in said(estates, TUESDAY_NOON)
    unnamed = Triaged(Decision(True, "special_collections", "normal"), due)
    assert "gone to Special collections at the" in said(unnamed, TUESDAY_NOON)
    nobody = Triaged(Decision(True, "", "normal"), due)
    assert "gone to the staff at the" in said(nobody, TUESDAY_NOON)
    closed = said(Triaged(PERSON, due), SATURDAY_NIGHT, WELSH)
    assert "(Gwasanaethau TG)" in closed and "ar gau" in closed and "{" not in closed
    assert "(Gwasanaethau TG)" in said(Triaged(PERSON, due), TUESDAY_NOON, WELSH)


@pytest.mark.parametrize("decision", [NO_ONE, None])
def test_needs_no_one_is_promised_nothing(decision: Decision | None) -> None:
    facts = Triaged(decision, None)
    assert kind_of(facts, TUESDAY_NOON, HOURS) is Kind.NEEDS_NO_ONE
    assert said(facts, TUESDAY_NOON) == ""  # the shipped choice: say nothing
    welcome = Acknowledgements(needs_no_one="You're welcome!")
    library = LIBRARY.model_copy(update={"acknowledgements": welcome})
    assert said(facts, TUESDAY_NOON, speaking(library)) == "You're welcome!"


def test_a_poll_comment_is_thanked_unless_triage_queues_it() -> None:
    comment = said(Triaged(NO_ONE, None, poll_comment=True), TUESDAY_NOON)
    assert comment.startswith("Thank you for your comment") and "reply" not in comment
    queued = Triaged(PERSON, TUESDAY_NOON + timedelta(hours=1), poll_comment=True)
    assert "reply here by 13:00 today" in said(queued, TUESDAY_NOON)


def test_when_reads_as_a_person_would() -> None:
    at = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    assert when(at, TUESDAY_NOON, LONDON, ENGLISH) == "09:00 tomorrow"
    assert when(at + timedelta(days=3), TUESDAY_NOON, LONDON, ENGLISH) == "09:00 on Saturday"
    later = when(at + timedelta(days=13), TUESDAY_NOON, LONDON, ENGLISH)
    assert later == "09:00 on Tuesday 15 December"
    summer = datetime(2026, 7, 1, 7, 30, tzinfo=UTC)  # 08:30 BST
    assert when(summer, summer - timedelta(hours=1), LONDON, ENGLISH) == "08:30 today"


def test_welsh_is_told_in_welsh_with_welsh_days() -> None:
    facts = Triaged(PERSON, datetime(2026, 12, 8, 8, 30, tzinfo=UTC))
    text = said(facts, SATURDAY_NIGHT, WELSH)
    assert "ar gau" in text and text.endswith("ar ôl 08:30 ddydd Llun.")
    urgent = said(Triaged(URGENT, SATURDAY_NIGHT), SATURDAY_NIGHT, WELSH)
    assert "ffoniwch 999" in urgent and "01632 960000" in urgent and "{" not in urgent


def test_wording_with_an_unknown_placeholder_is_refused_naming_the_key() -> None:
    with pytest.raises(ValueError, match=r"needs_person: unknown placeholder \{whne\}"):
        Acknowledgements(needs_person="by {whne}")
