"""Clients: the people the practice sees, as the new-client and edit forms know them.

Creating a client also creates their individual billing unit, which shares the
client's reference and carries their default service and fee; editing the
client keeps that unit in step. Couples and families are in ``units``; the
diagnoses a client detail lists are in ``diagnoses``.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import BillingUnit, Client, Payer, Service, UnitMember
from desktop.domain.kinds import BillingPreference, Relationship, Sex, UnitKind
from desktop.services.audit import log as audit
from desktop.services.clients.diagnoses import DiagnosisRow, diagnosis_rows
from desktop.services.clients.lookups import (
    FULL_SHARE,
    VALID_REF,
    check_service,
    client_record,
    next_ref,
    own_unit_record,
    ref_free,
)
from desktop.services.errors import InvalidInput
from desktop.services.practice.settings import US_STATES

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_ZIP = re.compile(r"^[0-9]{5}(-[0-9]{4})?$")
_EARLIEST_BIRTH = date(1900, 1, 1)


@dataclass(frozen=True, kw_only=True)
class ClientInput:
    """A client as the new-client and edit forms know it."""

    legal_last_name: str
    legal_first_name: str = ""
    legal_middle_name: str = ""
    preferred_name: str = ""  # shown on screen; never printed on a superbill
    client_ref: str = ""  # blank: the next free C-0001 style reference
    date_of_birth: date | None = None
    sex: Sex = Sex.NOT_RECORDED  # as the insurer has it; the CMS-1500 prints it
    email: str = ""
    phone: str = ""
    address: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    billing: BillingPreference = BillingPreference.PRIVATE
    diagnosis_codes_only: bool = False  # superbills print codes without descriptions
    payer_id: int | None = None
    member_id: str = ""
    group_number: str = ""
    subscriber_relationship: Relationship = Relationship.SELF
    subscriber_name: str = ""
    subscriber_date_of_birth: date | None = None
    # These two live on the client's own billing unit.
    default_service_id: int | None = None
    default_fee: Decimal | None = None  # None: the service's own fee
    active: bool = True


# Client columns copied from and to ClientInput (the rest live on the billing unit).
_CLIENT_COLUMNS = (
    "client_ref",
    "legal_first_name",
    "legal_middle_name",
    "legal_last_name",
    "preferred_name",
    "date_of_birth",
    "sex",
    "email",
    "phone",
    "address",
    "city",
    "state",
    "zip",
    "billing",
    "diagnosis_codes_only",
    "payer_id",
    "member_id",
    "group_number",
    "subscriber_relationship",
    "subscriber_name",
    "subscriber_date_of_birth",
    "active",
)
_TEXT_LIMITS = {
    "legal_first_name": 80,
    "legal_middle_name": 80,
    "legal_last_name": 80,
    "preferred_name": 80,
    "email": 200,
    "address": 200,
    "city": 100,
    "member_id": 40,
    "group_number": 40,
    "subscriber_name": 160,
}


@dataclass(frozen=True)
class Membership:
    """One billing unit a client belongs to."""

    unit_id: int
    ref: str
    kind: UnitKind
    name: str
    pays_share_bp: int
    identified_patient: bool
    active: bool


@dataclass(frozen=True)
class ClientDetail:
    id: int
    data: ClientInput  # what the edit form starts from
    legal_name: str
    display_name: str
    payer_name: str | None
    unit_id: int  # the client's individual billing unit
    default_service_code: str | None
    units: tuple[Membership, ...]
    diagnoses: tuple[DiagnosisRow, ...]


@dataclass(frozen=True)
class ClientRow:
    """A client as pickers list them."""

    id: int
    client_ref: str
    legal_name: str
    display_name: str
    date_of_birth: date | None
    active: bool


def client_problems(data: ClientInput, today: date | None = None) -> dict[str, str]:
    """Every field that is wrong, with the sentence to show beside it (no database needed)."""
    today = today or date.today()
    problems: dict[str, str] = {}
    ref = data.client_ref.strip()
    if ref and not VALID_REF.match(ref):
        problems["client_ref"] = (
            "A client reference is up to 40 letters, digits, dots, dashes or underscores."
        )
    if not data.legal_last_name.strip():
        problems["legal_last_name"] = "Enter the client's legal last name."
    if data.billing == BillingPreference.SUPERBILL and not data.legal_first_name.strip():
        problems["legal_first_name"] = (
            "A client who gets superbills needs the legal first name shown on the insurance card."
        )
    for name, limit in _TEXT_LIMITS.items():
        if len(getattr(data, name).strip()) > limit and name not in problems:
            problems[name] = f"Keep this to {limit} characters."
    for name, label in (("date_of_birth", "birth"), ("subscriber_date_of_birth", "birth")):
        born = getattr(data, name)
        if born is not None and born > today:
            problems[name] = f"The date of {label} cannot be in the future."
        elif born is not None and born < _EARLIEST_BIRTH:
            problems[name] = "Check the year of birth; it is before 1900."
    email = data.email.strip()
    if email and not _EMAIL.match(email):
        problems["email"] = "Enter an email address such as name@example.com, or leave it blank."
    phone = data.phone.strip()
    if phone:
        digits = re.sub(r"\D", "", phone)
        if not re.fullmatch(
            r"[0-9()+.\s-]+(\s*(x|ext\.?)\s*[0-9]+)?", phone, re.IGNORECASE
        ) or not (10 <= len(digits) <= 15):
            problems["phone"] = "Enter a phone number with its area code, such as (518) 555-0142."
    state = data.state.strip().upper()
    if state and state not in US_STATES:
        problems["state"] = "Use the two-letter state code, such as NY."
    if data.zip.strip() and not _ZIP.match(data.zip.strip()):
        problems["zip"] = "A ZIP code is 5 digits, or ZIP+4 such as 10001-1234."
    if data.subscriber_relationship != Relationship.SELF and not data.subscriber_name.strip():
        problems["subscriber_name"] = (
            "Enter the subscriber's name (the policy holder), since the client is not the "
            "subscriber."
        )
    if data.default_fee is not None and data.default_fee < 0:
        problems["default_fee"] = "The fee cannot be negative."
    return problems


def _normalized(data: ClientInput) -> ClientInput:
    stripped = {
        name: value.strip()
        for name, value in asdict(data).items()
        if isinstance(value, str) and not isinstance(value, BillingPreference | Relationship)
    }
    clean = replace(data, **stripped)
    return replace(clean, state=clean.state.upper())


def _check(problems: dict[str, str]) -> None:
    if problems:
        field, message = next(iter(problems.items()))
        raise InvalidInput(message, field=field)


def _display_name(data: ClientInput) -> str:
    first = data.preferred_name or data.legal_first_name
    return f"{first} {data.legal_last_name}".strip()


def list_clients(session: Session, include_inactive: bool = False) -> list[ClientRow]:
    """Clients by last name, for pickers (couples, families, reports)."""
    query = select(Client).order_by(
        func.lower(Client.legal_last_name), func.lower(Client.legal_first_name)
    )
    if not include_inactive:
        query = query.where(Client.active.is_(True))
    return [
        ClientRow(c.id, c.client_ref, c.legal_name, c.display_name, c.date_of_birth, c.active)
        for c in session.scalars(query)
    ]


def create_client(session: Session, data: ClientInput) -> ClientDetail:
    """Add a client and the individual billing unit their sessions are booked to."""
    data = _normalized(data)
    _check(client_problems(data))
    ref = data.client_ref or next_ref(session, UnitKind.INDIVIDUAL)
    ref_free(session, ref, field="client_ref")
    _check_links(session, data)
    client = Client(**{name: _column_value(getattr(data, name)) for name in _CLIENT_COLUMNS})
    client.client_ref = ref
    session.add(client)
    session.flush()
    unit = BillingUnit(
        ref=ref,
        kind=UnitKind.INDIVIDUAL.value,
        name=_display_name(data),
        identified_patient_id=client.id,
        default_service_id=data.default_service_id,
        default_fee=data.default_fee or Decimal("0"),
        active=data.active,
    )
    unit.members.append(UnitMember(client_id=client.id, pays_share_bp=FULL_SHARE))
    session.add(unit)
    session.flush()
    audit.record(
        session, "create", "client", client.id, after=_client_audit(client, unit), unit_id=unit.id
    )
    return get_client_detail(session, client.id)


def update_client(session: Session, client_id: int, data: ClientInput) -> ClientDetail:
    """Change a client's details; their individual unit follows (reference, name, defaults)."""
    data = _normalized(data)
    _check(client_problems(data))
    client = client_record(session, client_id)
    unit = own_unit_record(session, client_id)
    ref = data.client_ref or client.client_ref
    if ref != client.client_ref:
        ref_free(session, ref, field="client_ref")
    _check_links(session, data)
    before = _client_audit(client, unit)
    for name in _CLIENT_COLUMNS:
        setattr(client, name, _column_value(getattr(data, name)))
    client.client_ref = ref
    unit.ref = ref
    unit.name = _display_name(data)
    unit.default_service_id = data.default_service_id
    unit.default_fee = data.default_fee or Decimal("0")
    unit.active = data.active
    session.flush()
    audit.record(
        session,
        "update",
        "client",
        client.id,
        before=before,
        after=_client_audit(client, unit),
        unit_id=unit.id,
    )
    return get_client_detail(session, client.id)


def set_active(session: Session, client_id: int, active: bool) -> ClientDetail:
    """Move a client (and their individual unit) off or back onto the active list."""
    detail = get_client_detail(session, client_id)
    return update_client(session, client_id, replace(detail.data, active=active))


def get_client_detail(session: Session, client_id: int) -> ClientDetail:
    client = client_record(session, client_id)
    unit = own_unit_record(session, client_id)
    payer_name = session.get(Payer, client.payer_id).name if client.payer_id else None
    service = session.get(Service, unit.default_service_id) if unit.default_service_id else None
    values = {name: getattr(client, name) for name in _CLIENT_COLUMNS}
    values["billing"] = BillingPreference(client.billing)
    values["subscriber_relationship"] = Relationship(client.subscriber_relationship)
    values["sex"] = Sex(client.sex)
    data = ClientInput(
        **values,
        default_service_id=unit.default_service_id,
        default_fee=unit.default_fee if unit.default_fee > 0 else None,
    )
    memberships = session.execute(
        select(BillingUnit, UnitMember.pays_share_bp)
        .join(UnitMember, UnitMember.unit_id == BillingUnit.id)
        .where(UnitMember.client_id == client_id)
        .order_by(BillingUnit.kind != UnitKind.INDIVIDUAL.value, BillingUnit.ref)
    ).all()
    units = tuple(
        Membership(
            unit_id=u.id,
            ref=u.ref,
            kind=UnitKind(u.kind),
            name=u.name,
            pays_share_bp=share,
            identified_patient=u.identified_patient_id == client_id,
            active=u.active,
        )
        for u, share in memberships
    )
    return ClientDetail(
        id=client.id,
        data=data,
        legal_name=client.legal_name,
        display_name=client.display_name,
        payer_name=payer_name,
        unit_id=unit.id,
        default_service_code=service.code if service else None,
        units=units,
        diagnoses=diagnosis_rows(session, client_id),
    )


def _check_links(session: Session, data: ClientInput) -> None:
    if data.payer_id is not None and session.get(Payer, data.payer_id) is None:
        raise InvalidInput("That insurer no longer exists; choose another.", field="payer_id")
    check_service(session, data.default_service_id)


def _column_value(value: Any) -> Any:
    return value.value if isinstance(value, BillingPreference | Relationship | Sex) else value


def _client_audit(client: Client, unit: BillingUnit) -> dict[str, Any]:
    values = {name: getattr(client, name) for name in _CLIENT_COLUMNS}
    values["default_service_id"] = unit.default_service_id
    values["default_fee"] = unit.default_fee
    return values
