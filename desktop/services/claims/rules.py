"""The rules of a claim's life: which status may follow which, and what each one needs.

Pure functions over plain values, so the claim service, its forms and its
tests share one statement of the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from desktop.domain.appeals import AppealLevel
from desktop.domain.dates import us_date
from desktop.domain.kinds import ClaimStatus, DenialReason

S = ClaimStatus
FILING_WARNING_DAYS = 30  # a filing or appeal deadline this close needs action now

NEXT: dict[ClaimStatus, tuple[ClaimStatus, ...]] = {
    S.NOT_SUBMITTED: (S.SUBMITTED, S.CLOSED),
    # An EOB may arrive with no "in process" notice in between.
    S.SUBMITTED: (S.IN_PROCESS, S.PAID, S.PARTLY_PAID, S.DENIED, S.CLOSED),
    S.IN_PROCESS: (S.PAID, S.PARTLY_PAID, S.DENIED, S.CLOSED),
    S.PAID: (S.CLOSED,),
    S.PARTLY_PAID: (S.APPEALED, S.CLOSED),
    S.DENIED: (S.APPEALED, S.CLOSED),
    S.APPEALED: (S.PAID, S.PARTLY_PAID, S.DENIED, S.CLOSED),
    S.CLOSED: (),
}

# What the date of a change means, by the status it moves to.
DATE_MEANING = {
    S.SUBMITTED: "the date the claim was submitted",
    S.IN_PROCESS: "the date the insurer said it is in process",
    S.PAID: "the EOB date",
    S.PARTLY_PAID: "the EOB date",
    S.DENIED: "the date of the denial (its EOB date)",
    S.APPEALED: "the date the appeal (or the request for external review) was sent",
    S.CLOSED: "the date the claim was closed",
}


@dataclass(frozen=True, kw_only=True)
class ClaimChange:
    """A move to another status, with the fields that status needs."""

    to_status: ClaimStatus
    on: date | None  # what the date means depends on the status: see DATE_MEANING
    claim_number: str | None = None  # None keeps the number already recorded
    allowed: Decimal | None = None
    reimbursed: Decimal | None = None
    paid_on: date | None = None  # when the insurer paid; default the EOB date
    denial_reason: DenialReason | None = None
    denial_note: str = ""
    appeal_deadline: date | None = None  # default: the next step's rule (``domain.appeals``)
    # On the denial of a first-level appeal: the letter offers a second internal level.
    second_level: bool = False
    note: str = ""


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]  # str.capitalize would lower "EOB"


def label(status: ClaimStatus | str) -> str:
    return ClaimStatus(status).label.lower()


def transition_problem(current: ClaimStatus, target: ClaimStatus) -> str | None:
    """Why ``current`` cannot become ``target``, or None when it may."""
    if target in NEXT[current]:
        return None
    if current is S.CLOSED:
        return "This claim is closed; nothing more can happen to it."
    allowed = ", ".join(label(s) for s in NEXT[current])
    return (
        f"A claim that is {label(current)} cannot become {label(target)}; "
        f"from {label(current)} it can become {allowed}."
    )


def change_problems(
    change: ClaimChange,
    *,
    billed: Decimal,
    first_service: date,
    last_event: date | None,
    today: date,
) -> dict[str, str]:
    """Every field of ``change`` that is missing or wrong, with the sentence to show."""
    problems: dict[str, str] = {}
    target = change.to_status
    on = change.on
    if on is None:
        problems["on"] = f"Enter {DATE_MEANING[target]}."
    elif on > today:
        problems["on"] = f"{_upper_first(DATE_MEANING[target])} cannot be in the future."
    elif on < first_service:
        problems["on"] = f"{_upper_first(DATE_MEANING[target])} is before the date of service."
    elif last_event is not None and on < last_event:
        problems["on"] = (
            f"{_upper_first(DATE_MEANING[target])} is before the claim's last step "
            f"({us_date(last_event)})."
        )
    if change.claim_number is not None and len(change.claim_number.strip()) > 40:
        problems["claim_number"] = "Keep the claim number to 40 characters."
    if target in (S.PAID, S.PARTLY_PAID):
        problems.update(_payment_problems(change, billed))
    if target is S.DENIED:
        if change.denial_reason is None:
            problems["denial_reason"] = "Choose the reason the insurer gave for the denial."
        elif change.denial_reason is DenialReason.OTHER and not change.denial_note.strip():
            problems["denial_note"] = "Say in a few words why the claim was denied."
        if change.appeal_deadline is not None and on is not None and change.appeal_deadline < on:
            problems["appeal_deadline"] = "The appeal deadline is before the denial."
    return problems


def _payment_problems(change: ClaimChange, billed: Decimal) -> dict[str, str]:
    problems: dict[str, str] = {}
    if change.reimbursed is None:
        problems["reimbursed"] = "Enter the amount reimbursed, as the EOB shows it."
    elif change.reimbursed < 0:
        problems["reimbursed"] = "The amount reimbursed cannot be negative."
    elif change.reimbursed > billed:
        problems["reimbursed"] = f"The amount reimbursed is more than the {billed} billed."
    if change.allowed is not None:
        if change.allowed < 0:
            problems["allowed"] = "The allowed amount cannot be negative."
        elif change.reimbursed is not None and change.reimbursed > change.allowed:
            problems["reimbursed"] = "The amount reimbursed is more than the allowed amount."
    if change.paid_on is not None and change.on is not None and change.paid_on < change.on:
        problems["paid_on"] = "The payment date is before the EOB date."
    return problems


def filing_deadline(first_service: date, filing_days: int) -> date:
    """The last day the insurer accepts the claim: date of service plus its filing limit."""
    return first_service + timedelta(days=filing_days)


def appeal_problem(next_level: AppealLevel | None) -> str | None:
    """Why a claim cannot be appealed now, or None when a next step is open."""
    if next_level is None:
        return (
            "The external review decided this claim, and its decision is final: there is "
            "no further appeal. Close the claim."
        )
    return None
