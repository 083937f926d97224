"""The pre-issue checks: each rule caught when broken, quiet when kept."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from desktop.domain.superbill_checks import (
    DiagnosisInEffect,
    LineFacts,
    Problem,
    Severity,
    SuperbillFacts,
    can_issue,
    check_superbill,
    ssn_problem,
)

TODAY = date(2025, 3, 5)
ANXIETY = DiagnosisInEffect("F41.1", billable=True)
ADJUSTMENT = DiagnosisInEffect("F43.23", billable=True)
RELATIONSHIP = DiagnosisInEffect("Z63.0", billable=True)


def line(n: int = 1, **changes: object) -> LineFacts:
    base = LineFacts(
        line_no=n,
        service_date=date(2025, 2, 3) + timedelta(days=7 * (n - 1)),
        code="90837",
        minutes=55,
        diagnoses=(ADJUSTMENT, ANXIETY),
    )
    return replace(base, **changes)


def facts(**changes: object) -> SuperbillFacts:
    base = SuperbillFacts(
        provider_npi="1234567893",
        tax_id_kind="ein",
        tax_id="12-3456789",
        license_number="LMFT 012345",
        client_legal_name="Katherine Doyle",
        client_date_of_birth=date(1988, 4, 12),
        member_id="W123456789",
        timely_filing_days=365,
        today=TODAY,
        lines=(line(1), line(2, code="90834", minutes=45)),
    )
    return replace(base, **changes)


def found(problems: list[Problem], field: str) -> list[Problem]:
    return [p for p in problems if p.field == field]


def only(problems: list[Problem], field: str, severity: Severity) -> Problem:
    matching = found(problems, field)
    assert len(matching) == 1, problems
    assert matching[0].severity is severity
    assert matching[0].message.endswith((".", ")"))
    return matching[0]


def test_a_complete_superbill_has_no_problems() -> None:
    problems = check_superbill(facts())
    assert problems == []
    assert can_issue(problems)


# -- provider ------------------------------------------------------------------


def test_npi_with_a_wrong_check_digit_is_an_error() -> None:
    problem = only(
        check_superbill(facts(provider_npi="1234567890")), "provider_npi", Severity.ERROR
    )
    assert "check digit" in problem.message


def test_missing_npi_is_an_error() -> None:
    problem = only(check_superbill(facts(provider_npi=" ")), "provider_npi", Severity.ERROR)
    assert "practice profile" in problem.message


@pytest.mark.parametrize("npi", ["1558598797", "1993999998"])
def test_valid_npis_pass(npi: str) -> None:
    assert found(check_superbill(facts(provider_npi=npi)), "provider_npi") == []


def test_ein_with_a_never_assigned_prefix_is_an_error() -> None:
    problem = only(check_superbill(facts(tax_id="07-1234567")), "tax_id", Severity.ERROR)
    assert "07" in problem.message


def test_missing_ein_is_an_error() -> None:
    only(check_superbill(facts(tax_id="")), "tax_id", Severity.ERROR)


def test_valid_ssn_passes_and_impossible_ssn_is_an_error() -> None:
    assert found(check_superbill(facts(tax_id_kind="ssn", tax_id="536-90-4321")), "tax_id") == []
    only(check_superbill(facts(tax_id_kind="ssn", tax_id="666-12-3456")), "tax_id", Severity.ERROR)
    assert ssn_problem("123-45-678") == "An SSN is 9 digits, written XXX-XX-XXXX."
    assert ssn_problem("900-12-3456") is not None
    assert ssn_problem("536-00-4321") is not None
    assert ssn_problem("536-90-0000") is not None


def test_missing_license_is_an_error() -> None:
    only(check_superbill(facts(license_number="  ")), "license_number", Severity.ERROR)


# -- client --------------------------------------------------------------------


def test_missing_legal_name_is_an_error() -> None:
    only(check_superbill(facts(client_legal_name="")), "client_legal_name", Severity.ERROR)


def test_missing_date_of_birth_is_an_error() -> None:
    only(check_superbill(facts(client_date_of_birth=None)), "client_date_of_birth", Severity.ERROR)


def test_missing_member_id_is_a_warning() -> None:
    problems = check_superbill(facts(member_id=""))
    only(problems, "member_id", Severity.WARNING)
    assert can_issue(problems)


# -- lines ---------------------------------------------------------------------


def test_no_diagnosis_in_effect_is_an_error_on_that_line() -> None:
    problems = check_superbill(facts(lines=(line(1), line(2, diagnoses=()))))
    problem = only(problems, "diagnoses", Severity.ERROR)
    assert problem.line_no == 2
    assert "02/10/2025" in problem.message


def test_a_diagnosis_that_is_not_billable_is_an_error() -> None:
    category = DiagnosisInEffect("F43.2", billable=False)
    problems = check_superbill(facts(lines=(line(1, diagnoses=(category,)),)))
    problem = only(problems, "diagnoses", Severity.ERROR)
    assert "F43.2" in problem.message
    assert problem.line_no == 1


def test_minutes_that_do_not_match_the_code_are_a_warning() -> None:
    problems = check_superbill(facts(lines=(line(1, code="90837", minutes=45),)))
    problem = only(problems, "minutes", Severity.WARNING)
    assert "53" in problem.message
    assert can_issue(problems)


@pytest.mark.parametrize(("code", "minutes"), [("90834", 45), ("90837", None), ("90791", 90)])
def test_minutes_that_match_or_are_unknown_pass(code: str, minutes: int | None) -> None:
    assert (
        found(check_superbill(facts(lines=(line(1, code=code, minutes=minutes),))), "minutes") == []
    )


def test_an_add_on_without_its_primary_is_an_error() -> None:
    problems = check_superbill(facts(lines=(line(1, code="90785", minutes=None),)))
    problem = only(problems, "code", Severity.ERROR)
    assert "90785" in problem.message
    assert "02/03/2025" in problem.message


def test_an_add_on_with_its_primary_on_the_same_date_passes() -> None:
    same_day = (line(1, code="90834", minutes=45), line(2, code="90785", minutes=None))
    same_day = (same_day[0], replace(same_day[1], service_date=same_day[0].service_date))
    assert found(check_superbill(facts(lines=same_day)), "code") == []


def test_an_add_on_whose_primary_is_on_another_date_is_an_error() -> None:
    lines = (line(1, code="90834", minutes=45), line(2, code="90785", minutes=None))
    problem = only(check_superbill(facts(lines=lines)), "code", Severity.ERROR)
    assert problem.line_no == 2


def test_interactive_complexity_with_couples_therapy_is_an_error() -> None:
    day = date(2025, 2, 3)
    lines = (
        line(1, code="90847", minutes=50, service_date=day),
        line(2, code="90785", minutes=None, service_date=day),
    )
    problems = found(check_superbill(facts(lines=lines)), "code")
    assert [p.message for p in problems if "cannot be billed with 90847" in p.message]
    assert all(p.severity is Severity.ERROR and p.line_no == 2 for p in problems)


def test_90847_with_only_z63_0_is_a_warning() -> None:
    lines = (line(1, code="90847", minutes=50, diagnoses=(RELATIONSHIP,)),)
    problems = check_superbill(facts(lines=lines))
    problem = only(problems, "diagnoses", Severity.WARNING)
    assert "Z63.0" in problem.message
    assert can_issue(problems)


def test_z63_0_written_without_its_dot_is_recognised() -> None:
    dotless = DiagnosisInEffect("Z630", billable=True)
    lines = (line(1, code="90847", minutes=50, diagnoses=(dotless,)),)
    only(check_superbill(facts(lines=lines)), "diagnoses", Severity.WARNING)


def test_90847_with_a_covered_diagnosis_beside_z63_0_passes() -> None:
    lines = (line(1, code="90847", minutes=50, diagnoses=(ADJUSTMENT, RELATIONSHIP)),)
    assert check_superbill(facts(lines=lines)) == []


def test_a_date_past_the_filing_limit_is_an_error() -> None:
    old = line(1, service_date=TODAY - timedelta(days=91))
    problems = check_superbill(facts(timely_filing_days=90, lines=(old,)))
    problem = only(problems, "service_date", Severity.ERROR)
    assert "90-day" in problem.message
    assert not can_issue(problems)


def test_a_date_within_30_days_of_the_filing_limit_is_a_warning() -> None:
    near = line(1, service_date=TODAY - timedelta(days=60))  # 30 days left
    problems = check_superbill(facts(timely_filing_days=90, lines=(near,)))
    problem = only(problems, "service_date", Severity.WARNING)
    assert "30 days left" in problem.message


def test_the_last_day_of_the_filing_limit_is_still_a_warning() -> None:
    last_day = line(1, service_date=TODAY - timedelta(days=90))
    problem = only(
        check_superbill(facts(timely_filing_days=90, lines=(last_day,))),
        "service_date",
        Severity.WARNING,
    )
    assert "(today)" in problem.message  # the last day, not "0 days left"


def test_a_date_well_inside_the_filing_limit_passes() -> None:
    recent = line(1, service_date=TODAY - timedelta(days=59))  # 31 days left
    assert check_superbill(facts(timely_filing_days=90, lines=(recent,))) == []


def test_an_unknown_filing_limit_is_not_checked() -> None:
    ancient = line(1, service_date=date(2020, 1, 6))
    assert check_superbill(facts(timely_filing_days=None, lines=(ancient,))) == []


def test_a_missed_session_is_an_error() -> None:
    problems = check_superbill(facts(lines=(line(1, status="late_cancel", code="LATE"),)))
    problem = only(problems, "status", Severity.ERROR)
    assert "late cancel" in problem.message


def test_a_future_date_is_an_error() -> None:
    future = line(1, service_date=TODAY + timedelta(days=1))
    only(check_superbill(facts(lines=(future,))), "service_date", Severity.ERROR)


def test_more_than_twelve_diagnoses_is_an_error() -> None:
    many = tuple(DiagnosisInEffect(f"F4{n // 10}.{n % 10}", billable=True) for n in range(13))
    lines = (line(1, diagnoses=many[:7]), line(2, diagnoses=many[7:]))
    only(check_superbill(facts(lines=lines)), "diagnoses", Severity.ERROR)
    twelve = (line(1, diagnoses=many[:6]), line(2, diagnoses=many[6:12]))
    assert check_superbill(facts(lines=twelve)) == []


def test_no_lines_is_an_error() -> None:
    only(check_superbill(facts(lines=())), "lines", Severity.ERROR)


def test_errors_block_and_warnings_do_not() -> None:
    warning = Problem(Severity.WARNING, "member_id", "The member ID is missing.")
    error = Problem(Severity.ERROR, "provider_npi", "An NPI is exactly 10 digits.")
    assert can_issue([warning])
    assert not can_issue([warning, error])
    assert error.blocks
    assert not warning.blocks


def test_codes_off_the_lists_block_and_telehealth_pairs_warn() -> None:
    bad = check_superbill(facts(lines=(line(1, place_of_service="00", modifiers="ZZ"),)))
    assert (
        "not a CMS place-of-service code" in only(bad, "place_of_service", Severity.ERROR).message
    )
    assert "ZZ is not a modifier" in only(bad, "modifiers", Severity.ERROR).message
    odd = check_superbill(facts(lines=(line(1, place_of_service="11", modifiers="93"),)))
    assert "Medicare" in only(odd, "modifiers", Severity.WARNING).message


def test_a_code_not_in_the_release_says_so_and_names_it() -> None:
    unknown = DiagnosisInEffect("F99.99", billable=False, known=False, release="April 1, 2026")
    problems = check_superbill(facts(lines=(line(1, diagnoses=(unknown,)),)))
    message = only(problems, "diagnoses", Severity.ERROR).message
    assert (
        message
        == "F99.99 is not an ICD-10-CM code (ICD-10-CM April 1, 2026 release); check the code."
    )
