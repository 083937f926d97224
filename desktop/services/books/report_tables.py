"""The books' reports as tables, ready for CSV or XLSX.

Each function runs one query from ``books`` and shapes its frozen rows into a
``Table``: column names and kinds, rows, a total row, notes. Totals are the
books' own figures; ``Table`` checks that each summed column's rows add up to
them, so an exported total can never disagree with the screen.

What is exported is only what the report needs: client reference and name,
dates, amounts and the app's own line descriptions; never a diagnosis or a
date of birth.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from desktop.domain.dates import us_date, us_period
from desktop.domain.money import ZERO, format_plain
from desktop.reports.tabular import TOTAL_LABEL, Column, Kind, Table
from desktop.services.books import period_reports
from desktop.services.books import queries as books

# The aging's table is built with the report, which reads without the ORM.
from desktop.services.books.aging import aging_note as aging_note
from desktop.services.books.aging import aging_report_table as aging_report_table
from desktop.services.books.aging import aging_table as aging_table
from desktop.services.clients.lookups import unit_by_ref
from desktop.services.clients.names import unit_names

MONEY = Kind.MONEY


def _summed(name: str, kind: Kind = MONEY) -> Column:
    return Column(name, kind, summed=True)


def _total(values: list[Decimal]) -> Decimal:
    return sum(values, ZERO)


# --- as of a date ---------------------------------------------------------------------


def balances_table(session: Session, as_of: date) -> Table:
    """Each client's amount owed and credit on account (clients with neither are left out)."""
    units = unit_names(session)
    found = [
        (*units[unit_id], balance)
        for unit_id, balance in books.balances(session, as_of).items()
        if balance.owed or balance.credit
    ]
    found.sort(key=lambda item: (item[1].lower(), item[0]))
    rows = tuple((ref, name, b.owed, b.credit, b.net) for ref, name, b in found)
    owed = _total([b.owed for *_, b in found])
    credit = _total([b.credit for *_, b in found])
    return Table(
        title="Client balances",
        subtitle=f"As of {us_date(as_of)}",
        columns=(
            Column("client_ref"),
            Column("client"),
            _summed("owed"),
            _summed("credit"),
            _summed("net"),
        ),
        rows=rows,
        total=(TOTAL_LABEL, "", owed, credit, owed - credit),
        notes=(
            "Net is what the client owes less credit on account; negative when the "
            "practice holds the client's money.",
        ),
        sheet_name="Balances",
    )


def ledger_table(session: Session, client_ref: str, as_of: date | None = None) -> Table:
    """One client's account line by line, with the running balance (owed less credit)."""
    unit = unit_by_ref(session, client_ref)
    lines = books.ledger_lines(session, unit.id, as_of)
    rows = tuple(
        (
            line.on,
            f"{line.description} (voided)" if line.voided else line.description,
            line.charges,
            line.credits,
            line.balance,
        )
        for line in lines
    )
    closing = lines[-1].balance if lines else ZERO
    return Table(
        title=f"Client ledger: {unit.name} ({unit.ref})",
        subtitle=f"Through {us_date(as_of)}" if as_of else "All activity",
        columns=(
            Column("date", Kind.DATE),
            Column("description"),
            _summed("charges"),
            _summed("credits"),
            Column("balance", MONEY),
        ),
        rows=rows,
        total=(
            TOTAL_LABEL,
            "",
            _total([line.charges for line in lines]),
            _total([line.credits for line in lines]),
            closing,
        ),
        notes=(
            "Balance is what the client owes less credit on account; negative when the "
            "practice holds the client's money. A voided entry stays, and its void is "
            "its own line.",
        ),
        sheet_name="Ledger",
    )


# --- over a period --------------------------------------------------------------------


def rollforward_table(
    session: Session, start: date, end: date, rf: period_reports.RollForward | None = None
) -> Table:
    """Opening A/R, its movements and closing A/R, then the same for client credit
    (``rf``, when the caller has already read it for this period).

    Movements are signed (payments applied are negative), so each opening plus
    its movements is its closing; the two "difference" lines show that it ties.
    """
    if rf is None or (rf.start, rf.end) != (start, end):
        rf = period_reports.rollforward(session, start, end)
    ar_moves = (rf.charges, -rf.payments_applied, -rf.write_offs, rf.voids)
    credit_moves = (rf.credit_received, -rf.credit_applied, -rf.credit_refunded, rf.credit_voids)
    ar_difference = rf.closing - (rf.opening + _total(list(ar_moves)))
    credit_difference = rf.credit_closing - (rf.credit_opening + _total(list(credit_moves)))
    rows = (
        ("Opening A/R", rf.opening),
        ("Charges", rf.charges),
        ("Payments applied", -rf.payments_applied),
        ("Write-offs and discounts", -rf.write_offs),
        ("Voids", rf.voids),
        ("Closing A/R", rf.closing),
        ("Opening client credit", rf.credit_opening),
        ("Payments received", rf.credit_received),
        ("Credit applied to charges", -rf.credit_applied),
        ("Credit refunded", -rf.credit_refunded),
        ("Voids of payments and refunds", rf.credit_voids),
        ("Closing client credit", rf.credit_closing),
        ("A/R difference (0.00 when it ties)", ar_difference),
        ("Client credit difference (0.00 when it ties)", credit_difference),
    )
    verdict = (
        "It ties: each opening plus its movements equals its closing."
        if rf.ties
        else "IT DOES NOT TIE: A/R is off by "
        f"{format_plain(ar_difference)} and client credit by {format_plain(credit_difference)}; "
        "run 'quietledger check'."
    )
    return Table(
        title="A/R roll-forward",
        subtitle=us_period(start, end),
        columns=(Column("line"), Column("amount", MONEY)),
        rows=rows,
        notes=(verdict,),
        sheet_name="Roll-forward",
    )


def income_table(session: Session, start: date, end: date) -> Table:
    """Money received by day and method: gross, processor fee, net; refunds paid out."""
    found = period_reports.income(session, start, end)
    rows = tuple((r.on, r.method, r.count, r.gross, r.fee, r.net, r.refunds) for r in found)
    return Table(
        title="Income by day and method",
        subtitle=us_period(start, end),
        columns=(
            Column("date", Kind.DATE),
            Column("method"),
            _summed("payments", Kind.INTEGER),
            _summed("gross"),
            _summed("fee"),
            _summed("net"),
            _summed("refunds"),
        ),
        rows=rows,
        total=(
            TOTAL_LABEL,
            "",
            sum(r.count for r in found),
            _total([r.gross for r in found]),
            _total([r.fee for r in found]),
            _total([r.net for r in found]),
            _total([r.refunds for r in found]),
        ),
        notes=(
            "Net is gross less the processor's fee: what should reach the bank. "
            "A voided payment counts on the day it was voided.",
        ),
        sheet_name="Income",
    )


def payments_table(
    session: Session, start: date, end: date, client_ref: str | None = None
) -> Table:
    """Payments received in a period, each with its id (what ``quietledger receipt
    --payment ID`` asks for), how much of it was applied and what is still credit."""
    # Here, not at the top: the payments' module brings the practice's settings (holidays,
    # identifiers), which no other report needs.
    from desktop.services.books import payment_list

    unit_id = unit_by_ref(session, client_ref).id if client_ref else None
    units = unit_names(session)
    found = payment_list.list_payments(session, start=start, end=end, unit_id=unit_id)
    rows = tuple(
        (
            p.id,
            p.received_date,
            *units[p.unit_id],
            p.method,
            p.reference,
            p.amount,
            p.applied,
            p.unapplied,
            "voided" if p.voided else "",
        )
        for p in found
    )
    live = [p for p in found if not p.voided]
    return Table(
        title="Payments received",
        subtitle=us_period(start, end),
        columns=(
            Column("payment_id", Kind.INTEGER),
            Column("date", Kind.DATE),
            Column("client_ref"),
            Column("client"),
            Column("method"),
            Column("reference"),
            Column("amount", MONEY),
            Column("applied", MONEY),
            Column("credit", MONEY),
            Column("status"),
        ),
        rows=rows,
        total=(
            TOTAL_LABEL,
            None,
            "",
            "",
            "",
            "",
            _total([p.amount for p in live]),
            _total([p.applied for p in live]),
            _total([p.unapplied for p in live]),
            "",
        ),
        notes=(
            "For a receipt: quietledger receipt --payment PAYMENT_ID --out FILE.pdf. Credit is "
            "what of a payment is neither applied to a charge nor refunded. Totals leave "
            "voided payments out.",
        ),
        sheet_name="Payments",
    )


def charges_by_service_table(session: Session, start: date, end: date) -> Table:
    """Charges net of voids, by service code."""
    found = period_reports.charges_by_service(session, start, end)
    return Table(
        title="Charges by service",
        subtitle=us_period(start, end),
        columns=(
            Column("code"),
            Column("service"),
            _summed("charges", Kind.INTEGER),
            _summed("amount"),
        ),
        rows=tuple((r.key, r.label, r.count, r.amount) for r in found),
        total=(TOTAL_LABEL, "", sum(r.count for r in found), _total([r.amount for r in found])),
        notes=("Amounts are net of voids; the count includes charges later voided.",),
        sheet_name="By service",
    )


def write_offs_table(session: Session, start: date, end: date) -> Table:
    """Write-offs and discounts net of voids, by reason."""
    found = period_reports.write_offs_by_reason(session, start, end)
    return Table(
        title="Write-offs by reason",
        subtitle=us_period(start, end),
        columns=(Column("reason"), _summed("count", Kind.INTEGER), _summed("amount")),
        rows=tuple((r.label, r.count, r.amount) for r in found),
        total=(TOTAL_LABEL, sum(r.count for r in found), _total([r.amount for r in found])),
        sheet_name="Write-offs",
    )
