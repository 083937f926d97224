"""Checks run before a superbill is issued: what an insurer would reject, said in advance.

Errors block issuing: the insurer would certainly reject the claim, or the
paper would be wrong (a missing NPI, a diagnosis code that cannot be billed,
an add-on without its primary code, a late-cancel fee on a superbill, a date
past the payer's filing limit, a place of service not on CMS's list, a modifier
a therapy claim never uses). Warnings can be acknowledged and issued
anyway, because the practice may know better (minutes that do not match the
code's time rule when the minutes were not recorded precisely; 90847 with
only Z63.0, which most payers deny but some pay; a missing member ID the
client can add on the claim form; a filing deadline less than 30 days away; a
telehealth place of service and modifier that a payer's policy reads as a
contradiction).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from desktop.domain.claim_codes import (
    modifiers_problem,
    place_of_service_problem,
    telehealth_problem,
)
from desktop.domain.coding import ADD_ON_CODES, combination_problems, minutes_problem
from desktop.domain.identifiers import ein_problem, npi_problem
from desktop.domain.kinds import SessionStatus

MAX_DIAGNOSES = 12
FILING_WARNING_DAYS = 30
BILLABLE_STATUSES = frozenset({SessionStatus.ATTENDED.value})
_RELATIONSHIP_ONLY = frozenset({"Z630"})  # Z63.0, written without its dot


class Severity(StrEnum):
    ERROR = "error"  # blocks issuing
    WARNING = "warning"  # may be acknowledged


@dataclass(frozen=True)
class DiagnosisInEffect:
    """A diagnosis in force on a date of service, with its ICD-10-CM billable flag."""

    code: str
    billable: bool
    known: bool = True  # in the ICD-10-CM release judged against
    release: str = ""  # that release, named in the message: "April 1, 2026"


@dataclass(frozen=True)
class LineFacts:
    """One service line as it would print, with what is known about it."""

    line_no: int
    service_date: date
    code: str
    minutes: int | None
    diagnoses: Sequence[DiagnosisInEffect]  # in force on service_date, primary first
    status: str = SessionStatus.ATTENDED.value
    place_of_service: str = "11"
    modifiers: str = ""  # "95,GT"


@dataclass(frozen=True)
class SuperbillFacts:
    """Everything the checks look at, as it would print on the superbill."""

    provider_npi: str
    tax_id_kind: str  # "ein" or "ssn"
    tax_id: str
    license_number: str
    client_legal_name: str
    client_date_of_birth: date | None
    member_id: str
    timely_filing_days: int | None  # None when the payer's limit is not known
    today: date
    lines: Sequence[LineFacts]


@dataclass(frozen=True)
class Problem:
    """One finding: how serious, where (a field name, and the line when it is per line), why."""

    severity: Severity
    field: str
    message: str
    line_no: int | None = None

    @property
    def blocks(self) -> bool:
        return self.severity is Severity.ERROR


def check_superbill(facts: SuperbillFacts) -> list[Problem]:
    """All problems with ``facts``, document-level first, then line by line."""
    problems = _provider_problems(facts) + _client_problems(facts)
    if not facts.lines:
        problems.append(_error("lines", "There are no services to put on the superbill."))
    problems += _diagnosis_count_problems(facts.lines)
    for line in facts.lines:
        problems += _line_problems(line, facts)
    problems += _combination_problems(facts.lines)
    return problems


def can_issue(problems: Sequence[Problem]) -> bool:
    """True when nothing blocks issuing (warnings still need acknowledging)."""
    return not any(problem.blocks for problem in problems)


def _error(field_name: str, message: str, line_no: int | None = None) -> Problem:
    return Problem(Severity.ERROR, field_name, message, line_no)


def _warning(field_name: str, message: str, line_no: int | None = None) -> Problem:
    return Problem(Severity.WARNING, field_name, message, line_no)


def _provider_problems(facts: SuperbillFacts) -> list[Problem]:
    problems: list[Problem] = []
    if not facts.provider_npi.strip():
        problems.append(_error("provider_npi", "Enter the provider's NPI in the practice profile."))
    elif reason := npi_problem(facts.provider_npi):
        problems.append(_error("provider_npi", reason))
    if facts.tax_id_kind == "ein":
        if not facts.tax_id.strip():
            problems.append(_error("tax_id", "Enter the practice's EIN in the practice profile."))
        elif reason := ein_problem(facts.tax_id):
            problems.append(_error("tax_id", reason))
    elif reason := ssn_problem(facts.tax_id):
        problems.append(_error("tax_id", reason))
    if not facts.license_number.strip():
        problems.append(
            _error("license_number", "Enter the provider's license number in the practice profile.")
        )
    return problems


def ssn_problem(ssn: str) -> str | None:
    """Why ``ssn`` cannot be a Social Security number, or None (no registry is consulted)."""
    digits = re.sub(r"[\s-]", "", ssn)
    if not digits:
        return "Enter the provider's SSN, or use an EIN instead."
    if not re.fullmatch(r"[0-9]{9}", digits):
        return "An SSN is 9 digits, written XXX-XX-XXXX."
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    if area in ("000", "666") or area.startswith("9") or group == "00" or serial == "0000":
        return "This is not a number the Social Security Administration issues; check it."
    return None


def _client_problems(facts: SuperbillFacts) -> list[Problem]:
    problems: list[Problem] = []
    if not facts.client_legal_name.strip():
        problems.append(
            _error("client_legal_name", "Enter the client's legal name as on the insurance card.")
        )
    if facts.client_date_of_birth is None:
        problems.append(_error("client_date_of_birth", "Enter the client's date of birth."))
    if not facts.member_id.strip():
        problems.append(
            _warning(
                "member_id",
                "The member ID is missing; insurers often return claims without it.",
            )
        )
    return problems


def _diagnosis_count_problems(lines: Sequence[LineFacts]) -> list[Problem]:
    codes = {_plain(d.code) for line in lines for d in line.diagnoses}
    if len(codes) > MAX_DIAGNOSES:
        return [
            _error(
                "diagnoses",
                f"These dates use {len(codes)} diagnoses; a superbill lists at most "
                f"{MAX_DIAGNOSES}. Issue separate superbills for shorter periods.",
            )
        ]
    return []


def _line_problems(line: LineFacts, facts: SuperbillFacts) -> list[Problem]:
    n = line.line_no
    when = f"{line.service_date:%m/%d/%Y}"
    problems: list[Problem] = []
    if line.status not in BILLABLE_STATUSES:
        problems.append(
            _error(
                "status",
                f"The {when} session was not attended ({line.status.replace('_', ' ')}); "
                "missed-session fees never go on a superbill.",
                n,
            )
        )
    if line.service_date > facts.today:
        problems.append(_error("service_date", f"{when} is in the future.", n))
    if not line.diagnoses:
        problems.append(_error("diagnoses", f"No diagnosis was in effect on {when}.", n))
    for diagnosis in line.diagnoses:
        if not diagnosis.billable:
            problems.append(_error("diagnoses", _not_billable(diagnosis), n))
    problems += _code_problems(line)
    if reason := minutes_problem(line.code, line.minutes):
        problems.append(_warning("minutes", reason, n))
    if line.code == "90847" and {_plain(d.code) for d in line.diagnoses} == _RELATIONSHIP_ONLY:
        problems.append(
            _warning(
                "diagnoses",
                "90847 with only Z63.0 is usually denied: the identified patient needs a "
                "covered diagnosis.",
                n,
            )
        )
    problems += _filing_problems(line, facts)
    return problems


def _not_billable(diagnosis: DiagnosisInEffect) -> str:
    release = f" (ICD-10-CM {diagnosis.release} release)" if diagnosis.release else ""
    if not diagnosis.known:
        return f"{diagnosis.code} is not an ICD-10-CM code{release}; check the code."
    return (
        f"{diagnosis.code} is a category, not a billable code{release}; "
        "choose a more specific code."
    )


def _code_problems(line: LineFacts) -> list[Problem]:
    """Place of service and modifiers: CMS's list and the known modifiers block; a
    telehealth pair that payers read as a contradiction is a warning."""
    n = line.line_no
    problems: list[Problem] = []
    if reason := place_of_service_problem(line.place_of_service):
        problems.append(_error("place_of_service", reason, n))
    if reason := modifiers_problem(line.modifiers):
        problems.append(_error("modifiers", reason, n))
    if not problems and (reason := telehealth_problem(line.place_of_service, line.modifiers)):
        problems.append(_warning("modifiers", reason, n))
    return problems


def _filing_problems(line: LineFacts, facts: SuperbillFacts) -> list[Problem]:
    if facts.timely_filing_days is None:
        return []
    deadline = line.service_date + timedelta(days=facts.timely_filing_days)
    when = f"{line.service_date:%m/%d/%Y}"
    if deadline < facts.today:
        return [
            _error(
                "service_date",
                f"{when} is past the payer's {facts.timely_filing_days}-day filing limit "
                f"(it ended {deadline:%m/%d/%Y}).",
                line.line_no,
            )
        ]
    days_left = (deadline - facts.today).days
    if days_left <= FILING_WARNING_DAYS:
        return [
            _warning(
                "service_date",
                f"{when} must reach the payer by {deadline:%m/%d/%Y} ({_left(days_left)}).",
                line.line_no,
            )
        ]
    return []


def _combination_problems(lines: Sequence[LineFacts]) -> list[Problem]:
    """Add-on rules, applied to the codes billed on each date of service."""
    by_date: dict[date, list[LineFacts]] = defaultdict(list)
    for line in lines:
        by_date[line.service_date].append(line)
    problems: list[Problem] = []
    for day in sorted(by_date):
        day_lines = by_date[day]
        # Point at the add-on: it is the line to remove or fix.
        add_ons = [line.line_no for line in day_lines if line.code in ADD_ON_CODES]
        where = min(add_ons or [line.line_no for line in day_lines])
        for reason in combination_problems(line.code for line in day_lines):
            problems.append(_error("code", f"{day:%m/%d/%Y}: {reason}", where))
    return problems


def _plain(code: str) -> str:
    return code.replace(".", "").strip().upper()


def _left(days: int) -> str:
    return "today" if days == 0 else "1 day left" if days == 1 else f"{days} days left"
