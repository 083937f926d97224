"""Coding helpers: the code the minutes support, and impossible combinations."""

from __future__ import annotations

import pytest

from desktop.domain.coding import combination_problems, minutes_problem, suggest_code


@pytest.mark.parametrize(
    ("minutes", "code"),
    [
        (15, None),
        (16, "90832"),
        (37, "90832"),
        (38, "90834"),
        (52, "90834"),
        (53, "90837"),
        (90, "90837"),
    ],
)
def test_minutes_suggest_the_psychotherapy_code(minutes: int, code: str | None) -> None:
    assert suggest_code(minutes) == code


def test_minutes_that_do_not_support_the_code_are_named() -> None:
    assert minutes_problem("90837", 45) == "90837 needs at least 53 minutes; this session was 45."
    assert minutes_problem("90832", 40) is not None
    assert minutes_problem("90834", 45) is None
    assert minutes_problem("90791", 75) is None  # untimed


@pytest.mark.parametrize(
    ("codes", "fragment"),
    [
        (["90840"], "90840 needs its primary code (90839)"),
        (["90785"], "90785 needs its primary code"),
        (["90839", "90785"], "90785 cannot be billed with 90839"),
        (["90847", "90785"], "90785 cannot be billed with 90847"),
        (["90846", "90785"], "90785 cannot be billed with 90846"),
    ],
)
def test_impossible_combinations_are_flagged(codes: list[str], fragment: str) -> None:
    assert any(fragment in p for p in combination_problems(codes))


@pytest.mark.parametrize("codes", [["90834"], ["90839", "90840"], ["90834", "90785"], ["90791"]])
def test_possible_combinations_pass(codes: list[str]) -> None:
    assert combination_problems(codes) == []
