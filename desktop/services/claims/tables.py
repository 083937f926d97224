"""Claims and payer history as tables, for ``quietledger report claims`` and ``report payers``.

Only what following a claim needs: no diagnosis, no date of birth, and no
free-text notes (they may hold anything).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from desktop.domain.appeals import AppealLevel
from desktop.domain.dates import us_date
from desktop.domain.kinds import ClaimStatus
from desktop.reports.tabular import TOTAL_LABEL, Column, Kind, Table
from desktop.services.claims.insights import payer_insights
from desktop.services.claims.tracking import list_claims

MONEY, DATE, INTEGER, PERCENT = Kind.MONEY, Kind.DATE, Kind.INTEGER, Kind.PERCENT
ZERO = Decimal("0.00")


def claims_table(
    session: Session,
    status: ClaimStatus | None = None,
    today: date | None = None,
    step: AppealLevel | None = None,
) -> Table:
    """Every claim (or those of one status, or at one step of the appeal chain), most
    recent service first."""
    day = today or date.today()
    found = list_claims(session, status=status, today=day)
    if step is not None:
        found = [c for c in found if c.appeal_level is step]
    rows = tuple(
        (
            c.superbill,
            c.line_no,
            c.client_ref,
            c.client,
            c.payer,
            c.first_service_date,
            c.last_service_date,
            c.billed,
            c.status.value,
            c.submitted_on,
            c.claim_number,
            c.allowed,
            c.reimbursed,
            c.eob_date,
            c.paid_on,
            c.denial_reason.value if c.denial_reason else "",
            c.appeal_date,
            c.appeal_deadline,
            c.appeal_level.value_name,
            c.next_step.value_name if c.next_step is not None else "",
            c.filing_deadline,
            c.filing_days_left,
        )
        for c in found
    )
    columns = (
        Column("superbill"),
        Column("line", INTEGER),
        Column("client_ref"),
        Column("client"),
        Column("payer"),
        Column("first_service", DATE),
        Column("last_service", DATE),
        Column("billed", MONEY, summed=True),
        Column("status"),
        Column("submitted_on", DATE),
        Column("claim_number"),
        Column("allowed", MONEY, summed=True),
        Column("reimbursed", MONEY, summed=True),
        Column("eob_date", DATE),
        Column("paid_on", DATE),
        Column("denial_reason"),
        Column("appeal_date", DATE),
        Column("appeal_deadline", DATE),
        Column("appeal_step"),
        Column("next_step"),
        Column("filing_deadline", DATE),
        Column("filing_days_left", INTEGER),
    )
    billed = sum((c.billed for c in found), ZERO)
    allowed = sum((c.allowed or ZERO for c in found), ZERO)
    reimbursed = sum((c.reimbursed or ZERO for c in found), ZERO)
    total = (TOTAL_LABEL, None, "", "", "", None, None, billed, "", None, "", allowed, reimbursed)
    return Table(
        title="Claims" if status is None else f"Claims: {status.label.lower()}",
        subtitle=f"As of {us_date(day)}",
        columns=columns,
        rows=rows,
        total=(*total, None, None, "", None, None, "", "", None, None),
        notes=(
            "Line is set when a claim follows one line of its superbill. Filing days "
            "left count only until the claim is submitted. Appeal step is the step of the "
            "appeal chain last taken (claim, first_appeal, second_appeal, external_review); "
            "next step is the one a denial opened, due by the appeal deadline.",
        ),
        sheet_name="Claims",
    )


def payers_table(session: Session) -> Table:
    """Each payer's history with the practice's claims."""
    found = payer_insights(session)
    rows = tuple(
        (
            p.payer,
            p.claims,
            p.open_claims,
            p.decided,
            p.billed,
            p.reimbursed,
            p.share_reimbursed,
            p.median_days_to_pay,
            p.usual_days_to_pay,
            p.denial_rate,
            p.reasons_text,
        )
        for p in found
    )
    return Table(
        title="Payer history",
        columns=(
            Column("payer"),
            Column("claims", INTEGER, summed=True),
            Column("open", INTEGER, summed=True),
            Column("decided", INTEGER, summed=True),
            Column("billed_decided", MONEY, summed=True),
            Column("reimbursed", MONEY, summed=True),
            Column("share_reimbursed", PERCENT),
            Column("median_days_to_pay", INTEGER),
            Column("usual_days_to_pay", INTEGER),
            Column("denial_rate", PERCENT),
            Column("denial_reasons"),
        ),
        rows=rows,
        total=(
            TOTAL_LABEL,
            sum(p.claims for p in found),
            sum(p.open_claims for p in found),
            sum(p.decided for p in found),
            sum((p.billed for p in found), ZERO),
            sum((p.reimbursed for p in found), ZERO),
            None,
            None,
            None,
            None,
            "",
        ),
        notes=(
            "A claim is decided once the insurer paid, partly paid or denied it. Share "
            "reimbursed and denial rate count decided claims only; days to pay run from "
            "submission to payment.",
        ),
        sheet_name="Payers",
    )
