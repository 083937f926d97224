"""Aging of what clients owe as of a date: the report and its table.

Plain SQL through a ``db.queries.reader.Source``: the window, month-end and the other
reports pass their session; ``quietledger report aging`` passes a raw connection and
never loads SQLAlchemy or the mapped models. Both read the same statements and shape
the rows here, so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from db.queries.account_totals import totals_through
from db.queries.aging import aging_cents
from db.queries.reader import Source, reader
from desktop.domain.aging import BUCKETS, UNAPPLIED_CREDIT
from desktop.domain.dates import us_date
from desktop.domain.kinds import Account, AgingBasis
from desktop.domain.money import ZERO, from_cents
from desktop.reports.tabular import TOTAL_LABEL, Column, Kind, Table
from desktop.services.clients.names import unit_names

Buckets = tuple[Decimal, Decimal, Decimal, Decimal, Decimal]

_RULE_SQL = "SELECT aging_basis, due_days FROM practice WHERE id = 1"


@dataclass(frozen=True)
class AgingRow:
    unit_id: int
    client_ref: str
    client: str
    buckets: Buckets  # Current, 1-30, 31-60, 61-90, 91+
    total: Decimal


@dataclass(frozen=True)
class AgingReport:
    """Open charges by age, one row per client who owes, and the unapplied credit that
    nets against them (QuickBooks' way: credit is a negative line, the total is net A/R)."""

    as_of: date
    basis: AgingBasis
    terms_days: int  # payment terms: a charge is due this many days after its service
    rows: tuple[AgingRow, ...]
    totals: Buckets
    owed: Decimal  # gross A/R: what the rows add up to
    credit: Decimal  # unapplied client credit, as a positive amount
    bucket_names: tuple[str, ...] = BUCKETS

    @property
    def net(self) -> Decimal:
        """Net A/R: what is owed less the credit clients hold."""
        return self.owed - self.credit


def aging_rule(source: Source) -> tuple[AgingBasis, int]:
    """The practice's aging basis and payment terms (days)."""
    found = reader(source).first(_RULE_SQL)
    if found is None:
        return AgingBasis.SERVICE_DATE, 0
    basis, terms = found
    return AgingBasis(basis), terms


def _buckets(cents: tuple[int, ...]) -> Buckets:
    return tuple(from_cents(b) for b in cents)  # type: ignore[return-value]


def unit_aging(source: Source, unit_id: int, as_of: date) -> Buckets:
    """One client's open charges by age as of a date (zeros when nothing is owed)."""
    read = reader(source)
    basis, terms = aging_rule(read)
    found = aging_cents(
        read, as_of, terms, from_service=basis is AgingBasis.SERVICE_DATE, unit_id=unit_id
    )
    return _buckets(found[0][1:6]) if found else _buckets((0,) * len(BUCKETS))


def aging(source: Source, as_of: date) -> AgingReport:
    """What each client owes, by how long past due, as of a date, and the credit held."""
    read = reader(source)
    basis, terms = aging_rule(read)
    names = unit_names(read)
    rows = []
    found = aging_cents(read, as_of, terms, from_service=basis is AgingBasis.SERVICE_DATE)
    for unit_id, *cents, total in found:
        if total == 0:
            continue
        ref, name = names[unit_id]
        rows.append(AgingRow(unit_id, ref, name, _buckets(tuple(cents)), from_cents(total)))
    rows.sort(key=lambda r: (r.client.lower(), r.client_ref))
    totals = tuple(sum((r.buckets[i] for r in rows), ZERO) for i in range(len(BUCKETS)))
    credit = -from_cents(totals_through(read, as_of).get(Account.CLIENT_CREDIT.value, 0))
    return AgingReport(
        as_of,
        basis,
        terms,
        tuple(rows),
        totals,  # type: ignore[arg-type]
        sum((r.total for r in rows), ZERO),
        credit,
    )


# --- as a table -----------------------------------------------------------------------


def aging_table(source: Source, as_of: date) -> Table:
    """Who owes what, by how long past due: one row per client who owes, then the
    unapplied credit as a negative line, then a TOTAL row whose total is net A/R."""
    report = aging(source, as_of)
    return aging_report_table(report, [(r.client_ref, r.client, r) for r in report.rows])


def aging_report_table(
    report: AgingReport,
    labelled: list[tuple[str, str, AgingRow]],
    client_column: str = "client",
) -> Table:
    """An aging report as a table, its clients shown as ``labelled`` says (ref, label, row).

    The buckets of the TOTAL row sum the client rows; its total also takes in the
    UNAPPLIED CREDIT line (a negative amount, buckets empty), so it is net A/R.
    """
    blanks = (None,) * len(report.bucket_names)
    rows = tuple((ref, label, *r.buckets, r.total) for ref, label, r in labelled)
    credit_row = (UNAPPLIED_CREDIT, "", *blanks, -report.credit)
    return Table(
        title="Accounts receivable aging",
        subtitle=f"As of {us_date(report.as_of)}",
        columns=(
            Column("client_ref"),
            Column(client_column),
            *(Column(name.lower(), Kind.MONEY, summed=True) for name in report.bucket_names),
            Column("total", Kind.MONEY, summed=True),
        ),
        rows=(*rows, credit_row),
        total=(TOTAL_LABEL, "", *report.totals, report.net),
        notes=(aging_note(report),),
        sheet_name="Aging",
    )


def aging_note(report: AgingReport) -> str:
    """How the aging was counted, in a sentence for the foot of the report."""
    terms = report.terms_days
    due = "on its date of service" if terms == 0 else f"{terms} days after its date of service"
    since = "its date of service" if report.basis is AgingBasis.SERVICE_DATE else "its due date"
    return (
        f"A charge is due {due} and is Current until then (the due date included); past "
        f"due, it is aged in days from {since}. Only activity dated on or before "
        f"{us_date(report.as_of)} counts. Unapplied credit is shown as a negative "
        "line, so the total is net A/R (owed less credit)."
    )
