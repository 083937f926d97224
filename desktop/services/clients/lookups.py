"""What the client modules share: finding a client or billing unit, and references.

A reference (``C-0001``, ``CPL-0001``, ``FAM-0001``, or one the practice
chose) names a billing unit; an individual's unit shares its client's. They
are unique across clients and units, ignoring case, so a reference finds at
most one unit however it is typed. The look-ups here return the mapped
records, for the services that change them; screens get frozen rows from
``people``, ``units`` and ``diagnoses``.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import BillingUnit, Client, Service
from desktop.domain.kinds import UnitKind
from desktop.services.errors import InvalidInput, NotFound

FULL_SHARE = 10000  # basis points: the whole of what a unit pays
VALID_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
_PREFIX = {UnitKind.INDIVIDUAL: "C", UnitKind.COUPLE: "CPL", UnitKind.FAMILY: "FAM"}


def client_record(session: Session, client_id: int) -> Client:
    """The client with this id; ``NotFound`` when there is none."""
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound("That client no longer exists; reopen the client list.")
    return client


def own_unit_record(session: Session, client_id: int) -> BillingUnit:
    """The client's individual billing unit, which their own sessions are booked to."""
    unit = session.scalars(
        select(BillingUnit)
        .where(
            BillingUnit.identified_patient_id == client_id,
            BillingUnit.kind == UnitKind.INDIVIDUAL.value,
        )
        .order_by(BillingUnit.id)
    ).first()
    if unit is None:
        raise NotFound("This client has no billing unit of their own; restore from a backup.")
    return unit


def unit_record(session: Session, unit_id: int) -> BillingUnit:
    """The billing unit with this id; ``NotFound`` when there is none."""
    unit = session.get(BillingUnit, unit_id)
    if unit is None:
        raise NotFound("That billing unit no longer exists; reopen the client list.")
    return unit


def find_unit_by_ref(session: Session, ref: str) -> BillingUnit | None:
    """The billing unit with this reference (spaces around it and case ignored), if any."""
    return session.scalars(
        select(BillingUnit).where(func.lower(BillingUnit.ref) == ref.strip().lower())
    ).first()


def unit_by_ref(session: Session, ref: str) -> BillingUnit:
    """The billing unit a person names by its reference; ``NotFound`` when there is none."""
    unit = find_unit_by_ref(session, ref)
    if unit is None:
        raise NotFound(
            f"There is no client with reference {ref.strip()!r} in this practice file; "
            "check the reference on the client's page."
        )
    return unit


def next_ref(session: Session, kind: UnitKind) -> str:
    """The next free reference of a kind: C-0001, CPL-0001, FAM-0001."""
    prefix = f"{_PREFIX[kind]}-"
    taken = [
        *session.scalars(select(BillingUnit.ref).where(BillingUnit.ref.startswith(prefix))),
        *session.scalars(select(Client.client_ref).where(Client.client_ref.startswith(prefix))),
    ]
    numbers = [int(ref[len(prefix) :]) for ref in taken if ref[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def ref_free(session: Session, ref: str, *, field: str) -> None:
    """References are unique across clients and units (a client's unit shares theirs)."""
    lowered = ref.lower()
    used = session.scalar(
        select(BillingUnit.id).where(func.lower(BillingUnit.ref) == lowered)
    ) or session.scalar(select(Client.id).where(func.lower(Client.client_ref) == lowered))
    if used is not None:
        raise InvalidInput(
            f"The reference {ref} is already in use; choose another, or leave it blank for "
            "the next free one.",
            field=field,
        )


def check_service(session: Session, service_id: int | None) -> None:
    """A unit's default service, when it has one, must still exist."""
    if service_id is not None and session.get(Service, service_id) is None:
        raise InvalidInput(
            "That service no longer exists; choose another.", field="default_service_id"
        )
