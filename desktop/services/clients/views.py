"""What the Clients page shows, in one read: the client list and, when one is open, that
client's page (details, members, balance, claims, estimates and account).

The statements each takes are fixed, however many clients, sessions, payments
and claims the books hold (tests/test_read_scaling.py counts them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from desktop.domain.kinds import BillingPreference
from desktop.services.books import queries as books
from desktop.services.claims.estimates import ClientEstimate, client_estimate
from desktop.services.claims.tracking import ClaimRow, list_claims
from desktop.services.clients.units import UnitDetail, UnitRow, get_unit_detail, list_units
from desktop.services.errors import NotFound
from desktop.services.estimates.views import EstimateSummary, client_estimate_summary


@dataclass(frozen=True)
class ClientPageView:
    unit: UnitDetail
    gets_superbills: bool  # the identified patient does (claims and the estimate matter)
    balance: books.Balance
    claims: tuple[ClaimRow, ...]  # most recent service first
    estimate: ClientEstimate | None  # for a client who gets superbills
    ledger: tuple[books.LedgerLine, ...]  # oldest first, with the running balance
    # The client's current Good Faith Estimate and its dispute meter (None: none issued).
    good_faith: EstimateSummary | None = None


def client_page_view(session: Session, unit_id: int, today: date | None = None) -> ClientPageView:
    """One client, couple or family, as their page shows them."""
    unit = get_unit_detail(session, unit_id)  # its members in one statement
    patient = unit.patient
    superbill = patient.data.billing == BillingPreference.SUPERBILL
    return ClientPageView(
        unit=unit,
        gets_superbills=superbill,
        balance=books.balance(session, unit_id),
        claims=tuple(list_claims(session, unit_id=unit_id, today=today)),
        estimate=client_estimate(session, patient.id) if superbill else None,
        ledger=tuple(books.ledger_lines(session, unit_id)),
        good_faith=client_estimate_summary(session, unit_id, today),
    )


@dataclass(frozen=True)
class ClientsPageView:
    units: tuple[UnitRow, ...]  # the list, by name
    open_unit: ClientPageView | None  # the client whose page is shown, if any


def clients_page_view(
    session: Session, *, include_inactive: bool = False, open_unit_id: int | None = None
) -> ClientsPageView:
    """The client list, and the page of the client ``open_unit_id`` (None: none is open;
    also None when that client is no longer in the file)."""
    units = tuple(list_units(session, include_inactive=include_inactive))
    detail = None
    if open_unit_id is not None:
        try:
            detail = client_page_view(session, open_unit_id)
        except NotFound:
            detail = None
    return ClientsPageView(units, detail)
