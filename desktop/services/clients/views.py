"""What the Clients page shows, in one read: the client list and, when one is open, that
client's page (details, members, balance, claims, estimates and account).

The statements each takes are fixed, however many clients, sessions, payments
and claims the books hold (tests/test_read_scaling.py counts them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Client, UnitMember
from desktop.domain.kinds import BillingPreference, UnitKind
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
class ClientListRow(UnitRow):
    """A line of the client list, with what the list needs beyond the unit itself."""

    sort_name: str = ""  # the identified patient's last name, then first: the list's order
    members: tuple[str, ...] = ()  # a couple's or family's people, by name
    client_ids: tuple[int, ...] = ()  # the people in it
    # An individual account only there because the person is in a couple or family:
    # no sessions, nothing owed. The list shows them under their group, not as a client.
    member_only: bool = False


@dataclass(frozen=True)
class ClientsPageView:
    units: tuple[ClientListRow, ...]  # the list, by last name
    open_unit: ClientPageView | None  # the client whose page is shown, if any

    @property
    def people(self) -> int:
        """How many people the listed units are, each counted once."""
        return len({client for row in self.units for client in row.client_ids})


def clients_page_view(
    session: Session, *, include_inactive: bool = False, open_unit_id: int | None = None
) -> ClientsPageView:
    """The client list, and the page of the client ``open_unit_id`` (None: none is open;
    also None when that client is no longer in the file)."""
    units = list_units(session, include_inactive=include_inactive)
    detail = None
    if open_unit_id is not None:
        try:
            detail = client_page_view(session, open_unit_id)
        except NotFound:
            detail = None
    return ClientsPageView(_list_rows(session, units), detail)


def _list_rows(session: Session, units: list[UnitRow]) -> tuple[ClientListRow, ...]:
    """The units with their members' names, in one more statement whatever their number."""
    people: dict[int, list[tuple[int, str, str, str]]] = defaultdict(list)
    found = session.execute(
        select(
            UnitMember.unit_id,
            Client.id,
            Client.preferred_name,
            Client.legal_first_name,
            Client.legal_last_name,
        ).join(Client, Client.id == UnitMember.client_id)
    )
    for unit_id, client_id, preferred, first, last in found:
        people[unit_id].append((client_id, preferred or first, first, last))
    in_groups = {
        client_id
        for row in units
        if row.kind != UnitKind.INDIVIDUAL
        for client_id, *_names in people[row.unit_id]
    }
    rows = []
    for row in units:
        members = people[row.unit_id]
        patient = next((m for m in members if m[0] == row.identified_patient_id), None)
        last, first = (patient[3], patient[2]) if patient else (row.name, "")
        rows.append(
            ClientListRow(
                **{f.name: getattr(row, f.name) for f in fields(UnitRow)},
                sort_name=f"{last} {first}".casefold(),
                members=tuple(f"{m[1]} {m[3]}" for m in members)
                if row.kind != UnitKind.INDIVIDUAL
                else (),
                member_only=row.kind == UnitKind.INDIVIDUAL
                and row.identified_patient_id in in_groups
                and row.last_session is None
                and not row.owed
                and not row.credit,
                client_ids=tuple(m[0] for m in members),
            )
        )
    rows.sort(key=lambda r: (r.sort_name, r.ref))
    return tuple(rows)
