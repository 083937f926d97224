"""The "to complete" list: which active clients lack what a superbill or estimate needs.

A client moved in from another system often arrives with a name only. Every
client needs a legal first name, a date of birth and a full address (a superbill
and a Good Faith Estimate print them); a client who gets superbills also needs
an insurer, a member ID and a diagnosis in force. Each gap is named in words the
client's page uses, so the person can go straight there and fill it in.

Three statements, however many clients: clients, their own billing units, and
the diagnoses in force.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.models import BillingUnit, Client, Diagnosis
from desktop.domain.kinds import BillingPreference, Relationship, UnitKind
from desktop.reports.tabular import Column, Table
from desktop.services.books import dates

LEGAL_NAME = "legal first name"
DATE_OF_BIRTH = "date of birth"
ADDRESS = "address"
INSURANCE = "insurer"
MEMBER_ID = "member ID"
DIAGNOSIS = "diagnosis"
INSURED = "insured person's name"


@dataclass(frozen=True)
class ToComplete:
    """One client and what they still lack, in the order the client's page asks for it."""

    client_id: int
    unit_id: int  # the client's own billing unit: what the window opens
    client_ref: str
    name: str  # legal name, as the superbill would print it
    gets_superbills: bool
    missing: tuple[str, ...]

    @property
    def sentence(self) -> str:
        """``Add the date of birth and address.``"""
        parts = list(self.missing)
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" and {parts[-1]}"
        return f"Add the {listed}."


def missing_for(client: Client, has_diagnosis: bool) -> tuple[str, ...]:
    """What this client lacks (empty when nothing)."""
    missing = []
    if not client.legal_first_name.strip():
        missing.append(LEGAL_NAME)
    if client.date_of_birth is None:
        missing.append(DATE_OF_BIRTH)
    if not all(v.strip() for v in (client.address, client.city, client.state, client.zip)):
        missing.append(ADDRESS)
    if client.billing == BillingPreference.SUPERBILL.value:
        if client.payer_id is None:
            missing.append(INSURANCE)
        if not client.member_id.strip():
            missing.append(MEMBER_ID)
        if client.subscriber_relationship != Relationship.SELF.value and not (
            client.subscriber_name.strip()
        ):
            missing.append(INSURED)
        if not has_diagnosis:
            missing.append(DIAGNOSIS)
    return tuple(missing)


def clients_to_complete(session: Session, today: date | None = None) -> list[ToComplete]:
    """Every active client who lacks something, by last then first name."""
    today = today or dates.today()
    diagnosed = set(
        session.scalars(
            select(Diagnosis.client_id).where(
                Diagnosis.effective_from <= today,
                or_(Diagnosis.effective_to.is_(None), Diagnosis.effective_to >= today),
            )
        )
    )
    own_units: dict[int, int] = dict(
        session.execute(
            select(BillingUnit.identified_patient_id, BillingUnit.id).where(
                BillingUnit.kind == UnitKind.INDIVIDUAL.value
            )
        ).all()  # type: ignore[arg-type]
    )
    found = []
    for client in session.scalars(
        select(Client)
        .where(Client.active.is_(True))
        .order_by(Client.legal_last_name, Client.legal_first_name, Client.client_ref)
    ):
        missing = missing_for(client, client.id in diagnosed)
        if missing and client.id in own_units:
            found.append(
                ToComplete(
                    client.id,
                    own_units[client.id],
                    client.client_ref,
                    client.legal_name,
                    client.billing == BillingPreference.SUPERBILL.value,
                    missing,
                )
            )
    return found


def to_complete_table(session: Session, today: date | None = None) -> Table:
    """The list as a table (``quietledger report incomplete``): one row per client."""
    rows = tuple(
        (
            c.client_ref,
            c.name,
            "superbill" if c.gets_superbills else "private",
            "; ".join(c.missing),
        )
        for c in clients_to_complete(session, today)
    )
    return Table(
        title="Clients to complete",
        columns=(Column("client_ref"), Column("client"), Column("billing"), Column("missing")),
        rows=rows,
        sheet_name="To complete",
    )
