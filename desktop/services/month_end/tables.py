"""The month-end reports as tables, with clients named only as much as asked.

By default a client is their reference and initials ("minimum necessary": the
bookkeeper matches money, not people); with ``full_names`` the billing unit's
name is used instead. Nothing here reads a date of birth, a diagnosis or an
address, so none can reach the workbook.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from desktop.domain.dates import us_date, us_period
from desktop.domain.money import ZERO
from desktop.reports.tabular import TOTAL_LABEL, Column, Kind, Table
from desktop.services.books import queries as books
from desktop.services.books.report_tables import aging_report_table
from desktop.services.month_end import credit as month_end_credit

MONEY = Kind.MONEY

_MEMBERS_SQL = text(
    """
    SELECT u.id, u.ref, u.name, c.legal_first_name, c.legal_last_name
    FROM billing_units AS u
    LEFT JOIN unit_members AS m ON m.unit_id = u.id
    LEFT JOIN clients AS c ON c.id = m.client_id
    WHERE u.id IN :unit_ids
    ORDER BY u.id, c.id <> u.identified_patient_id, c.id
    """
).bindparams(bindparam("unit_ids", expanding=True))
_IDS_PER_QUERY = 500  # well under SQLite's limit on bound values


def initials(first: str, last: str) -> str:
    """``Ana Lopez`` -> ``AL``; a missing part is left out rather than guessed."""
    return "".join(part.strip()[:1].upper() for part in (first, last) if part.strip())


class ClientLabels:
    """How each billing unit is shown: reference plus initials, or plus its name.

    Read for the units a report names, when it names them: a month's reports name a
    few dozen clients, and reading every client a practice ever had made the month
    slower with each year of books.
    """

    def __init__(self, session: Session, full_names: bool) -> None:
        self.full_names = full_names
        self._session = session
        self._refs: dict[int, str] = {}
        self._labels: dict[int, str] = {}

    @property
    def column(self) -> str:
        return "client" if self.full_names else "initials"

    def need(self, unit_ids: Iterable[int]) -> None:
        """Read the labels of these units (those not read yet) in a statement or two."""
        missing = sorted({uid for uid in unit_ids if uid not in self._refs})
        for first in range(0, len(missing), _IDS_PER_QUERY):
            chunk = missing[first : first + _IDS_PER_QUERY]
            names: dict[int, str] = {}
            parts: dict[int, list[str]] = defaultdict(list)
            found = self._session.execute(_MEMBERS_SQL, {"unit_ids": chunk})
            for unit_id, ref, name, first_name, last in found:
                self._refs[unit_id], names[unit_id] = ref, name
                if last is not None:
                    parts[unit_id].append(initials(first_name or "", last))
            for unit_id in names:
                joined = " & ".join(parts[unit_id])
                self._labels[unit_id] = names[unit_id] if self.full_names else joined

    def ref(self, unit_id: int) -> str:
        self.need((unit_id,))
        return self._refs.get(unit_id, "")

    def label(self, unit_id: int) -> str:
        self.need((unit_id,))
        return self._labels.get(unit_id, "")


def client_labels(session: Session, *, full_names: bool = False) -> ClientLabels:
    """Each unit's reference and label, read as reports ask for them; a couple's
    initials are joined: ``AR & SR``."""
    return ClientLabels(session, full_names)


def _summed(name: str, kind: Kind = MONEY) -> Column:
    return Column(name, kind, summed=True)


def aging_table(session: Session, as_of: date, who: ClientLabels) -> Table:
    """What is owed as of a date by age, one row per client who owes, by reference; then
    the unapplied credit, so the total is net A/R (closing A/R less closing credit)."""
    report = books.aging(session, as_of)
    rows = sorted(report.rows, key=lambda r: r.client_ref)
    who.need(r.unit_id for r in rows)
    labelled = [(r.client_ref, who.label(r.unit_id), r) for r in rows]
    return aging_report_table(report, labelled, who.column)


def credit_table(session: Session, as_of: date, who: ClientLabels) -> Table:
    """Client credit held as of a date: prepayments owed back or to be used."""
    report = month_end_credit.client_credit(session, as_of)
    who.need(r.unit_id for r in report.rows)
    rows = sorted(report.rows, key=lambda r: who.ref(r.unit_id))
    return Table(
        title="Client credit",
        subtitle=f"As of {us_date(as_of)}",
        columns=(
            Column("client_ref"),
            Column(who.column),
            _summed("credit"),
            Column("oldest unapplied payment", Kind.DATE),
            Column("days open", Kind.INTEGER),
            Column("payments holding credit", Kind.INTEGER),
        ),
        rows=tuple(
            (
                who.ref(r.unit_id),
                who.label(r.unit_id),
                r.credit,
                r.oldest_payment,
                r.days_open,
                r.payments,
            )
            for r in rows
        ),
        total=(TOTAL_LABEL, "", report.total, None, None, None),
        notes=(
            "Money received and not yet applied to a charge or refunded. Days open count "
            "from the oldest payment still holding credit. The total is closing client credit.",
        ),
        sheet_name="Client credit",
    )


def refunds_table(session: Session, start: date, end: date, who: ClientLabels) -> Table:
    """Refunds paid out in a period; a refund voided in the period stays, marked."""
    found = month_end_credit.refunds(session, start, end)
    who.need(r.unit_id for r in found)
    return Table(
        title="Refunds",
        subtitle=us_period(start, end),
        columns=(
            Column("date", Kind.DATE),
            Column("client_ref"),
            Column(who.column),
            Column("method"),
            Column("reference"),
            _summed("amount"),
            Column("voided on", Kind.DATE),
        ),
        rows=tuple(
            (
                r.on,
                who.ref(r.unit_id),
                who.label(r.unit_id),
                r.method,
                r.reference,
                r.amount,
                r.voided_on,
            )
            for r in found
        ),
        total=(TOTAL_LABEL, "", "", "", "", sum((r.amount for r in found), ZERO), None),
        notes=(
            "Every refund dated in the period, voided ones included: the total is the credit "
            "refunded line of the roll-forward; a void shows under its voids line.",
        ),
        sheet_name="Refunds",
    )
