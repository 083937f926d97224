"""Closing a month: run the checks, and close the books only when every one passes.

Closing takes the open ``Workspace`` rather than a session because the file
check (``checks.run_checks``) works on the whole file: its encryption, its
integrity and its audit chain. Every check reads; only a full pass writes,
through ``periods.close_period``, which audits the change. Reopening needs a
reason and is audited by ``periods.reopen_period``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from desktop.domain.dates import us_date
from desktop.domain.money import format_money
from desktop.services.audit import checks
from desktop.services.audit import log as audit_log
from desktop.services.books import period_reports, periods
from desktop.services.books import queries as books
from desktop.services.month_end import credit as month_end_credit
from desktop.services.month_end.workbook import Period, tie_out_line
from desktop.services.workspace import Workspace


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool
    sentence: str


@dataclass(frozen=True)
class CloseResult:
    period: Period
    checks: tuple[CheckResult, ...]
    closed: bool
    closed_through: date | None  # after the attempt
    # The audit chain head the close recorded in its own entry (number, hash), if it closed.
    chain_head: tuple[int, str] | None = None

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)


def _month_is_over(period: Period, today: date, closed: date | None) -> CheckResult:
    name = "month is over and open"
    if period.end >= today:
        return CheckResult(
            name, False, f"{period.title} is not over yet; close it from {period.end} on."
        )
    if closed is not None and closed >= period.end:
        return CheckResult(
            name,
            False,
            f"The books are already closed through {us_date(closed)}, which includes "
            f"{period.title}.",
        )
    return CheckResult(name, True, f"{period.title} is over and not yet closed.")


def _rollforward_ties(session: Session, period: Period) -> CheckResult:
    rf = period_reports.rollforward(session, period.start, period.end)
    aged = books.aging(session, period.end)
    name = "roll-forward ties"
    if not rf.ties:
        return CheckResult(name, False, f"The roll-forward does not tie: {tie_out_line(rf)}")
    if (aged.owed, aged.credit) != (rf.closing, rf.credit_closing):
        return CheckResult(
            name,
            False,
            f"The aging shows {format_money(aged.owed)} owed and {format_money(aged.credit)} "
            f"of unapplied credit, but the roll-forward closes at {format_money(rf.closing)} "
            f"of A/R and {format_money(rf.credit_closing)} of credit; run 'quietledger check'.",
        )
    return CheckResult(
        name,
        True,
        f"The roll-forward ties: closing A/R {format_money(rf.closing)} and closing client "
        f"credit {format_money(rf.credit_closing)} equal the aging's, so net A/R is "
        f"{format_money(aged.net)}.",
    )


def _credit_is_unapplied_payments(session: Session, period: Period) -> CheckResult:
    held = month_end_credit.client_credit(session, period.end).total
    unapplied = month_end_credit.unapplied_from_records(session, period.end)
    name = "unapplied payments are credit"
    if held != unapplied:
        return CheckResult(
            name,
            False,
            f"Client credit is {format_money(held)}, but payments not applied or refunded "
            f"come to {format_money(unapplied)}; run 'quietledger check'.",
        )
    return CheckResult(
        name,
        True,
        f"Every payment not applied to a charge is client credit ({format_money(held)}).",
    )


def _file_checks(ws: Workspace) -> CheckResult:
    problems = checks.run_checks(ws)
    name = "practice file check"
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return CheckResult(name, False, f"{problems[0]}{more}")
    return CheckResult(
        name, True, "The practice file, its audit trail and the ledger pass every check."
    )


def month_end_checks(
    ws: Workspace, period: Period, *, today: date | None = None
) -> list[CheckResult]:
    """Every check closing ``period`` needs, each with a sentence; nothing is changed."""
    closed = ws.read(periods.closed_through)
    return [
        _month_is_over(period, today or date.today(), closed),
        ws.read(_rollforward_ties, period),
        _file_checks(ws),
        ws.read(_credit_is_unapplied_payments, period),
    ]


def close_month(ws: Workspace, period: Period, *, today: date | None = None) -> CloseResult:
    """Run the checks; only when every one passes, close the books through the month's end."""
    results = tuple(month_end_checks(ws, period, today=today))
    if not all(check.passed for check in results):
        return CloseResult(period, results, False, ws.read(periods.closed_through))
    # One writer holds the file: the head read here is the one close_period records.
    head = ws.read(audit_log.chain_head)
    through = ws.run(periods.close_period, period.end, today=today)
    seen = None if head is None else (head.entry_id, head.entry_hash)
    return CloseResult(period, results, True, through, seen)


def reopen(ws: Workspace, to: date | None, reason: str) -> date | None:
    """Move the closed-through date back to ``to`` (None opens everything); audited."""
    return ws.run(periods.reopen_period, to, reason)
