"""Small builders for tests of the books: real rows in a real practice file."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import BillingUnit, Client, PaymentMethod, UnitMember


def add_unit(session: Session, ref: str, *members: str, fee: str = "150.00") -> int:
    """A billing unit with one client per name; the first is the identified patient."""
    clients = []
    for i, name in enumerate(members or (f"Client {ref}",)):
        first, _, last = name.partition(" ")
        client = Client(
            client_ref=ref if i == 0 else f"{ref}-{i}",
            legal_first_name=first,
            legal_last_name=last or first,
            date_of_birth=date(1985, 1, 1),
        )
        session.add(client)
        clients.append(client)
    session.flush()
    unit = BillingUnit(
        ref=ref,
        kind="individual" if len(clients) == 1 else "couple",
        name=" & ".join(c.legal_name for c in clients),
        identified_patient_id=clients[0].id,
        default_fee=Decimal(fee),
    )
    session.add(unit)
    session.flush()
    for client in clients:
        session.add(
            UnitMember(unit_id=unit.id, client_id=client.id, pays_share_bp=10000 // len(clients))
        )
    session.flush()
    return unit.id


def method_id(session: Session, name: str) -> int:
    return session.execute(select(PaymentMethod.id).where(PaymentMethod.name == name)).scalar_one()


def client_id(session: Session, ref: str) -> int:
    return session.execute(select(Client.id).where(Client.client_ref == ref)).scalar_one()
