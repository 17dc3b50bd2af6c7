"""customer_groups in the YAML: the default groups, entry points naming known groups, and the
old channel → group map refused with where to move it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from config.groups import DEFAULT_GROUPS, CustomerGroups
from models.store.people.handles import handle_hash, normal_handle
from models.store.people.names import pseudonym_prefix, short_name


def test_the_defaults_are_the_contracts_groups() -> None:
    groups = CustomerGroups()
    assert tuple(groups.groups) == DEFAULT_GROUPS and groups.small_count == 5
    assert groups.label("fe_partner") == "fe partner"


def test_entry_points_name_known_groups_chat_first() -> None:
    groups = CustomerGroups(
        entry_points={"slack": "professional_staff", "slack:C9": "academic_staff"}
    )
    assert groups.entry_group("slack", "C9") == "academic_staff"
    assert groups.entry_group("slack", "C1") == "professional_staff"
    assert groups.entry_group("telegram", "1") is None
    with pytest.raises(ValidationError, match="unknown group 'staff'"):
        CustomerGroups(entry_points={"slack": "staff"})


def test_the_old_flat_map_is_refused_with_where_to_move_it() -> None:
    with pytest.raises(ValidationError, match="entry_points"):
        CustomerGroups.model_validate({"widget": "public"})


def test_handles_are_written_one_way_before_hashing() -> None:
    assert normal_handle("telegram", " @Ada_L ") == "ada_l" == normal_handle("x", "ADA_L")
    assert normal_handle("slack", "U01ABC") == "U01ABC"
    assert normal_handle("slack", "Grace@Uni.AC.uk") == "grace@uni.ac.uk"
    key = b"k" * 32
    assert handle_hash(key, "telegram", "@Ada_L") == handle_hash(key, "telegram", "ada_l")
    assert handle_hash(key, "telegram", "ada_l") != handle_hash(key, "x", "ada_l")
    assert handle_hash(key, "telegram", "@") == "" and len(handle_hash(key, "x", "a")) == 40


def test_a_short_pseudonym_is_read_however_it_is_typed() -> None:
    assert short_name("0b3a91c2ffee") == "0B3A91C2" and short_name("erased:12") == ""
    assert pseudonym_prefix("Person 0B3A91C2") == "0b3a91c2" == pseudonym_prefix(" 0b3a91c2")
    assert pseudonym_prefix("Reader X") is None and pseudonym_prefix("0b3") is None
