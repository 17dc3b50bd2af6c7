"""Triage rules, pure: one test per default rule, read from the shipped config file."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.library import load_library_config
from config.triage import TriageConfig
from handlers.inbox.triage import Facts, decide, is_question, only_pleasantry, urgency

ROOT = Path(__file__).resolve().parents[2]
RULES = load_library_config(ROOT / "config" / "feedbot.yaml").triage


def test_the_shipped_file_spells_out_the_built_in_defaults() -> None:
    assert TriageConfig() == RULES


def test_a_direct_message_needs_a_person() -> None:
    assert decide(Facts("the printer ate my money", "direct"), RULES).needs_person


def test_a_widget_message_needs_a_person() -> None:
    assert decide(Facts("nice new chairs", "widget"), RULES).needs_person


def test_a_question_in_a_group_chat_needs_a_person() -> None:
    assert decide(Facts("when does the library close tonight", "group"), RULES).needs_person
    assert decide(Facts("anyone else find it cold", "group"), RULES).needs_person


def test_a_remark_in_a_group_chat_does_not() -> None:
    decision = decide(Facts("off to the library now", "group", "neutral"), RULES)
    assert not decision.needs_person and decision.priority == "normal"


def test_a_negative_message_needs_a_person_and_is_raised_to_high() -> None:
    decision = decide(Facts("level 3 is freezing again", "public", "negative"), RULES)
    assert decision.needs_person and decision.priority == "high"


@pytest.mark.parametrize("word", ["urgent", "harassment", "stalking", "fire"])
def test_urgent_words_make_it_urgent(word: str) -> None:
    decision = decide(Facts(f"There is a {word} issue on level 2", "group", "neutral"), RULES)
    assert decision.needs_person and decision.priority == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "Mae rhywun wedi llewygu ar y llawr cyntaf",  # Welsh: someone has fainted
        "Mae tân yn y caffi",  # Welsh: there is a fire in the cafe
        "¡Urgente! sale humo de la impresora",  # Spanish: urgent, smoke from the printer
        "Mae dŵr yn arllwys drwy'r nenfwd ar y llawr cyntaf",  # water pouring through the ceiling
        "Mae'r biniau tu allan ar dân",  # the bins outside are on fire
        "Mae dyn yn fy nilyn o gwmpas y llawr",  # a man is following me around the floor
        "Mae myfyriwr yn anymwybodol yn y toiledau",  # a student is unconscious in the toilets
        "Hay un chico inconsciente en la segunda planta",  # Spanish: someone unconscious
        "Huele a gas, creo que hay una fuga de gas",  # Spanish: a gas leak
    ],
)
def test_welsh_and_spanish_urgent_words_make_it_urgent(text: str) -> None:
    assert decide(Facts(text, "group", "neutral"), RULES).priority == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "Mae'r dŵr yfed ar y llawr cyntaf yn gynnes",  # the drinking water is warm
        "Mae'r llyfrgell yn rhy swnllyd heno",  # the library is too noisy tonight
        "Diolch am y gweithdy ddoe",  # thanks for yesterday's workshop
        "¿Hasta qué hora abre la biblioteca?",  # Spanish: until when is the library open?
    ],
)
def test_calm_welsh_and_spanish_messages_are_not_urgent(text: str) -> None:
    assert decide(Facts(text, "group", "neutral"), RULES).priority != "urgent"


def test_urgent_words_match_whole_words_only() -> None:
    assert decide(Facts("I fired off an email", "direct", "neutral"), RULES).priority == "normal"


def test_a_poll_follow_up_after_a_low_score_needs_a_person() -> None:
    facts = Facts("the queue was too long", "group", "neutral", low_follow_up=True)
    assert decide(facts, RULES).needs_person


def test_thanks_alone_does_not_need_a_person_even_in_a_dm() -> None:
    for text in ("thanks!", "Thank you 🙏", "ok", "Cheers."):
        assert not decide(Facts(text, "direct", "positive"), RULES).needs_person, text
    assert decide(Facts("thanks, but the wifi is still down", "direct"), RULES).needs_person


@pytest.mark.parametrize(
    ("topic", "team"),
    [
        ("wifi_and_it", "it_services"),
        ("building_and_facilities", "estates"),
        ("accessibility", "accessibility"),
        ("opening_hours", "customer_engagement"),
        ("", "customer_engagement"),
    ],
)
def test_topic_decides_the_team(topic: str, team: str) -> None:
    assert decide(Facts("hello?", "direct", topic=topic), RULES).team == team


def test_a_rule_change_is_just_new_config() -> None:
    stricter = RULES.model_copy(update={"urgent_words": ["printer"], "default_team": "desk"})
    decision = decide(Facts("the printer on level 2", "direct", "neutral"), stricter)
    assert (decision.priority, decision.team) == ("urgent", "desk")


def test_question_and_pleasantry_detection() -> None:
    assert is_question("Is the library open on Sunday")
    assert not is_question("The library is open on Sunday.")
    assert only_pleasantry("  Thanks a lot!!! ", ["thanks a lot"])
    assert not only_pleasantry("", ["thanks"])


def test_the_classifiers_urgency_makes_it_urgent_without_a_word() -> None:
    text = "water is coming through the ceiling onto the computers"
    assert decide(Facts(text, "group", "negative"), RULES).priority == "high"
    read = Facts(text, "group", "negative", urgent=True)
    decision = decide(read, RULES)
    assert decision.needs_person and decision.urgent and decision.priority == "urgent"
    assert urgency(read, RULES) == "read as urgent"


def test_an_urgent_phrase_is_danger_and_a_raised_priority_is_not() -> None:
    danger = Facts("a man is following me, send security now", "public")
    assert decide(danger, RULES).urgent and urgency(danger, RULES) == "urgent word 'following me'"
    raised = RULES.model_copy(update={"negative_raises_to": "urgent"})
    grumble = decide(Facts("the printer is broken again", "direct", "negative"), raised)
    assert grumble.priority == "urgent" and not grumble.urgent


def test_an_access_problem_is_not_treated_as_danger() -> None:
    decision = decide(Facts("the wheelchair ramp at the side door is blocked", "direct"), RULES)
    assert decision.needs_person and not decision.urgent and decision.priority == "normal"


def test_a_thumbs_up_needs_no_one_but_an_angry_face_does() -> None:
    for text in ("👍", "🙏🙏", "!!"):
        assert not decide(Facts(text, "direct", "positive"), RULES).needs_person, text
    assert decide(Facts("😡", "direct", "negative"), RULES).needs_person
    assert decide(Facts("?", "direct"), RULES).needs_person


def test_pleasantries_strung_together_are_still_only_pleasantries() -> None:
    for text in ("ok cheers", "Great, thank you!", "thanks thanks 👍"):
        assert not decide(Facts(text, "direct", "positive"), RULES).needs_person, text
    assert decide(Facts("ok but the wifi is still down", "direct"), RULES).needs_person


@pytest.mark.parametrize(
    "text",
    [
        "the fire drill this morning took ages, could you warn us next time?",
        "any chance of an emergency loan of a laptop charger?",
        "small leak from the radiator in 2.03, nothing urgent but the carpet is damp",
        "the first aid kit on level 2 looks empty",
        "the book on knife crime I reserved hasn't arrived",
        "Not urgent: the clock on level 2 is slow",
        "No es urgente, pero la impresora no funciona",  # Spanish: not urgent, the printer
    ],
)
def test_an_urgent_word_inside_a_calm_phrase_does_not_count(text: str) -> None:
    assert decide(Facts(text, "direct", "neutral"), RULES).priority != "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "the fire drill was slow and now there's a real fire on level 2",
        "not urgent, I thought, but now there is an emergency in room 3",
        "someone is choking in the cafe",
        "i want to end it all tonight",
        "he's got a gun",
        "I'm locked in the store room in the basement",
        "we have called 999, send staff to level 4",
    ],
)
def test_the_same_word_elsewhere_still_counts_and_plain_danger_words_do(text: str) -> None:
    assert decide(Facts(text, "direct", "neutral"), RULES).priority == "urgent"


def test_a_number_is_not_an_emergency_but_calling_999_is() -> None:
    for text in ("message 999", "is room 999 free?", "the fine was £999??"):
        assert decide(Facts(text, "direct", "neutral"), RULES).priority != "urgent", text
    for text in ("we've rung 999, please send staff", "we called 999, please send staff"):
        assert decide(Facts(text, "direct", "neutral"), RULES).priority == "urgent", text
