"""``quietledger report gfe``: every current Good Faith Estimate and its dispute meter.

No date of birth and no diagnosis: only what following an estimate needs.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from desktop.reports.tabular import Column, Kind, Table
from desktop.services.estimates.follow import current_estimates
from desktop.services.estimates.owed import owed_estimates

MONEY, DATE = Kind.MONEY, Kind.DATE

COLUMNS = (
    Column("client_ref"),
    Column("number"),
    Column("scheduled_on", DATE),
    Column("first_service", DATE),
    Column("due_by", DATE),
    Column("issued_on", DATE),
    Column("period_end", DATE),
    Column("estimate_total", MONEY),
    Column("billed_to_date", MONEY),
    Column("over_by", MONEY),
    Column("dispute_eligible"),
    Column("status"),
)


def estimates_table(session: Session, today: date | None = None) -> Table:
    """One row per current estimate (a replaced version is left out), by client reference,
    then one per estimate owed and not yet given.

    ``number`` is the estimate's number with its version when it is not the first
    ("GFE-2026-0001 v2"); ``due_by`` is empty when the rule set no deadline. An
    estimate owed has no number, issue date, period or money yet; its status is
    ``due`` or ``overdue``.
    """
    day = today or date.today()
    owed = tuple(
        (
            o.client_ref,
            "",
            o.scheduled_on,
            o.first_service,
            o.due_by,
            None,
            None,
            None,
            None,
            None,
            "no",
            o.status,
        )
        for o in owed_estimates(session, day)
    )
    issued = tuple(
        (
            e.client_ref,
            e.label,
            e.scheduled_on,
            e.first_service,
            e.due_by,
            e.issued_on,
            e.period_end,
            e.total,
            e.billed,
            e.over_by,
            "yes" if e.dispute_eligible else "no",
            e.status,
        )
        for e in current_estimates(session, day)
    )
    return Table(
        title="Good Faith Estimates",
        columns=COLUMNS,
        rows=issued + owed,
        subtitle=f"As of {day:%Y-%m-%d}",
        notes=(
            "Billed to date: the client's charges, not voided, dated within the estimate's period.",
            "A client may dispute a bill at least $400 over the estimate (45 CFR 149.620), "
            "within 120 days of the bill.",
            "Rows with no number: estimates owed and not yet given, due by the date shown.",
        ),
        sheet_name="Estimates",
    )
