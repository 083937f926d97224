"""Place-of-service codes, modifiers and telehealth pairs."""

from __future__ import annotations

import pytest

from desktop.domain.claim_codes import (
    MODIFIERS,
    PLACES_OF_SERVICE,
    POS_CODE_SET_YEAR,
    modifiers_problem,
    place_of_service_problem,
    telehealth_problem,
)


@pytest.mark.parametrize("code", ["02", "10", "11", "12", "53", "27", "99"])
def test_cms_places_of_service_pass(code: str) -> None:
    assert place_of_service_problem(code) is None


@pytest.mark.parametrize("code", ["00", "88", "28", "59", "1", "1a"])
def test_codes_cms_never_assigned_are_refused(code: str) -> None:
    problem = place_of_service_problem(code)
    assert problem is not None
    if len(code) == 2 and code.isdigit():
        assert f"{code} is not a CMS place-of-service code ({POS_CODE_SET_YEAR}" in problem


def test_the_code_set_is_two_digit_and_the_year_is_stated() -> None:
    assert all(len(code) == 2 and code.isdigit() for code in PLACES_OF_SERVICE)
    assert POS_CODE_SET_YEAR >= 2024
    assert {"95", "93", "GT", "HJ", "HO", "GQ", "25", "59"} <= set(MODIFIERS)


def test_modifier_lists() -> None:
    assert modifiers_problem("") is None
    assert modifiers_problem("95, gt") is None
    assert "ZZ is not a modifier" in (modifiers_problem("95 ZZ") or "")
    assert "twice" in (modifiers_problem("95,95") or "")
    assert "room for 4 modifiers" in (modifiers_problem("95 GT HJ HO 25") or "")


@pytest.mark.parametrize(
    ("pos", "mods", "warned"),
    [
        ("10", "95", False),
        ("02", "GT", False),
        ("10", "93", False),
        ("11", "", False),
        ("10", "", True),
        ("02", "HO", True),
        ("11", "95", True),
        ("11", "93", True),
        ("10", "95,GT", True),
    ],
)
def test_telehealth_pairs(pos: str, mods: str, warned: bool) -> None:
    assert (telehealth_problem(pos, mods) is not None) is warned


def test_the_warning_names_the_payer_rule() -> None:
    assert "Medicare" in (telehealth_problem("11", "95") or "")
    assert "95" in (telehealth_problem("10", "") or "")
