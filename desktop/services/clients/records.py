"""Clients, their billing units (individual, couple, family) and their diagnoses.

Every client has an individual billing unit sharing the client's reference;
couples and families are further units whose members are existing clients, one
of them the identified patient whose details go on a superbill. Diagnoses are
kept with the dates they were in force, since a superbill line uses the
diagnoses of its date of service.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from db.models import BillingUnit, Client, Diagnosis, Payer, Service, UnitMember
from db.models import Session as SessionRecord
from desktop.domain.kinds import BillingPreference, Relationship, UnitKind
from desktop.services.audit import log as audit
from desktop.services.books import queries as books
from desktop.services.clients import icd
from desktop.services.errors import InvalidInput, NotAllowed, NotFound
from desktop.services.practice.settings import US_STATES

FULL_SHARE = 10000  # basis points: the whole of what a unit pays
_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_ZIP = re.compile(r"^[0-9]{5}(-[0-9]{4})?$")
_PREFIX = {UnitKind.INDIVIDUAL: "C", UnitKind.COUPLE: "CPL", UnitKind.FAMILY: "FAM"}
_EARLIEST_BIRTH = date(1900, 1, 1)

# --- clients ----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ClientInput:
    """A client as the new-client and edit forms know it."""

    legal_last_name: str
    legal_first_name: str = ""
    legal_middle_name: str = ""
    preferred_name: str = ""  # shown on screen; never printed on a superbill
    client_ref: str = ""  # blank: the next free C-0001 style reference
    date_of_birth: date | None = None
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
class DiagnosisRow:
    id: int
    client_id: int
    code: str
    description: str
    rank: int  # 1 is the primary diagnosis
    effective_from: date
    effective_to: date | None

    def in_effect(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


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
    if ref and not _REF.match(ref):
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
    ref = data.client_ref or _next_ref(session, UnitKind.INDIVIDUAL)
    _ref_free(session, ref, field="client_ref")
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
    client = _client(session, client_id)
    unit = _own_unit(session, client_id)
    ref = data.client_ref or client.client_ref
    if ref != client.client_ref:
        _ref_free(session, ref, field="client_ref")
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
    client = _client(session, client_id)
    unit = _own_unit(session, client_id)
    payer_name = session.get(Payer, client.payer_id).name if client.payer_id else None
    service = session.get(Service, unit.default_service_id) if unit.default_service_id else None
    values = {name: getattr(client, name) for name in _CLIENT_COLUMNS}
    values["billing"] = BillingPreference(client.billing)
    values["subscriber_relationship"] = Relationship(client.subscriber_relationship)
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
        diagnoses=tuple(_diagnosis_row(d) for d in _diagnoses(session, client_id)),
    )


def _client(session: Session, client_id: int) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound("That client no longer exists; reopen the client list.")
    return client


def _own_unit(session: Session, client_id: int) -> BillingUnit:
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


def _check_links(session: Session, data: ClientInput) -> None:
    if data.payer_id is not None and session.get(Payer, data.payer_id) is None:
        raise InvalidInput("That insurer no longer exists; choose another.", field="payer_id")
    _check_service(session, data.default_service_id)


def _check_service(session: Session, service_id: int | None) -> None:
    if service_id is not None and session.get(Service, service_id) is None:
        raise InvalidInput(
            "That service no longer exists; choose another.", field="default_service_id"
        )


def _column_value(value: Any) -> Any:
    return value.value if isinstance(value, BillingPreference | Relationship) else value


def _client_audit(client: Client, unit: BillingUnit) -> dict[str, Any]:
    values = {name: getattr(client, name) for name in _CLIENT_COLUMNS}
    values["default_service_id"] = unit.default_service_id
    values["default_fee"] = unit.default_fee
    return values


# --- references -------------------------------------------------------------------------


def _next_ref(session: Session, kind: UnitKind) -> str:
    """The next free reference of a kind: C-0001, CPL-0001, FAM-0001."""
    prefix = f"{_PREFIX[kind]}-"
    taken = [
        *session.scalars(select(BillingUnit.ref).where(BillingUnit.ref.startswith(prefix))),
        *session.scalars(select(Client.client_ref).where(Client.client_ref.startswith(prefix))),
    ]
    numbers = [int(ref[len(prefix) :]) for ref in taken if ref[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def _ref_free(session: Session, ref: str, *, field: str) -> None:
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


# --- couples and families ---------------------------------------------------------------


@dataclass(frozen=True)
class MemberShare:
    client_id: int
    pays_share_bp: int = 0  # this member's part of each payment, in basis points
    role: str = ""  # "partner", "parent", "child"...


@dataclass(frozen=True, kw_only=True)
class CoupleInput:
    """A couple or family: its members, who the identified patient is, and who pays."""

    members: tuple[MemberShare, ...]
    identified_patient_id: int
    default_service_id: int | None = None
    default_fee: Decimal | None = None
    name: str = ""  # blank: made from the members' names ("Alex & Sam Rivera")
    ref: str = ""  # blank: the next CPL-0001 / FAM-0001


@dataclass(frozen=True)
class MemberRow:
    client_id: int
    client_ref: str
    legal_name: str
    display_name: str
    role: str
    pays_share_bp: int
    identified_patient: bool
    active: bool


@dataclass(frozen=True)
class UnitDetail:
    unit_id: int
    ref: str
    kind: UnitKind
    name: str
    active: bool
    default_service_id: int | None
    default_service_code: str | None
    default_fee: Decimal | None  # None: the service's own fee
    service_fee: Decimal | None  # the default service's fee, which applies when the above is None
    members: tuple[MemberRow, ...]
    patient: ClientDetail  # the identified patient

    def to_input(self) -> CoupleInput:
        return CoupleInput(
            members=tuple(MemberShare(m.client_id, m.pays_share_bp, m.role) for m in self.members),
            identified_patient_id=self.patient.id,
            default_service_id=self.default_service_id,
            default_fee=self.default_fee,
            name=self.name,
            ref=self.ref,
        )


def create_couple(session: Session, data: CoupleInput) -> UnitDetail:
    """A couple seen together: exactly two clients."""
    return _create_group(session, UnitKind.COUPLE, data)


def create_family(session: Session, data: CoupleInput) -> UnitDetail:
    """A family seen together: two or more clients."""
    return _create_group(session, UnitKind.FAMILY, data)


def update_unit(session: Session, unit_id: int, data: CoupleInput) -> UnitDetail:
    """Change a couple's or family's members, payer shares, identified patient or defaults."""
    unit = _unit(session, unit_id)
    kind = UnitKind(unit.kind)
    if kind == UnitKind.INDIVIDUAL:
        raise NotAllowed("An individual client's unit changes with the client; edit the client.")
    clients = _group_problems(session, kind, data, own_unit_id=unit_id)
    ref = data.ref.strip() or unit.ref
    if ref.lower() != unit.ref.lower():
        _ref_free(session, ref, field="ref")
    before = _unit_audit(unit)
    unit.ref = ref
    unit.name = data.name.strip() or group_name(clients)
    unit.identified_patient_id = data.identified_patient_id
    unit.default_service_id = data.default_service_id
    unit.default_fee = data.default_fee or Decimal("0")
    wanted = {m.client_id: m for m in data.members}
    for member in list(unit.members):
        if member.client_id not in wanted:
            unit.members.remove(member)
    present = {m.client_id: m for m in unit.members}
    for client_id, share in wanted.items():
        row = present.get(client_id)
        if row is None:
            unit.members.append(UnitMember(client_id=client_id))
            row = unit.members[-1]
        row.pays_share_bp = share.pays_share_bp
        row.role = share.role.strip()
    session.flush()
    audit.record(
        session,
        "update",
        "billing_unit",
        unit.id,
        before=before,
        after=_unit_audit(unit),
        unit_id=unit.id,
    )
    return get_unit_detail(session, unit.id)


def set_unit_active(session: Session, unit_id: int, active: bool) -> UnitDetail:
    """Move a couple or family off or back onto the active list."""
    unit = _unit(session, unit_id)
    if unit.kind == UnitKind.INDIVIDUAL.value:
        set_active(session, unit.identified_patient_id, active)
        return get_unit_detail(session, unit_id)
    before = _unit_audit(unit)
    unit.active = active
    session.flush()
    audit.record(
        session,
        "update",
        "billing_unit",
        unit.id,
        before=before,
        after=_unit_audit(unit),
        unit_id=unit.id,
    )
    return get_unit_detail(session, unit_id)


def get_unit_detail(session: Session, unit_id: int) -> UnitDetail:
    unit = _unit(session, unit_id)
    service = session.get(Service, unit.default_service_id) if unit.default_service_id else None
    members = sorted(
        unit.members,
        key=lambda m: (m.client_id != unit.identified_patient_id, -m.pays_share_bp, m.client_id),
    )
    return UnitDetail(
        unit_id=unit.id,
        ref=unit.ref,
        kind=UnitKind(unit.kind),
        name=unit.name,
        active=unit.active,
        default_service_id=unit.default_service_id,
        default_service_code=service.code if service else None,
        default_fee=unit.default_fee if unit.default_fee > 0 else None,
        service_fee=service.default_fee if service else None,
        members=tuple(
            MemberRow(
                client_id=m.client_id,
                client_ref=m.client.client_ref,
                legal_name=m.client.legal_name,
                display_name=m.client.display_name,
                role=m.role,
                pays_share_bp=m.pays_share_bp,
                identified_patient=m.client_id == unit.identified_patient_id,
                active=m.client.active,
            )
            for m in members
        ),
        patient=get_client_detail(session, unit.identified_patient_id),
    )


def group_name(clients: list[Client]) -> str:
    """ "Alex & Sam Rivera" when the last names agree, else "Alex Rivera & Sam Chen"."""
    firsts = [c.preferred_name or c.legal_first_name or c.legal_last_name for c in clients]
    lasts = {c.legal_last_name for c in clients}
    if len(lasts) == 1:
        names, suffix = firsts, f" {clients[0].legal_last_name}"
    else:
        names, suffix = [c.display_name for c in clients], ""
    joined = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} & {names[-1]}"
    return f"{joined}{suffix}"[:200]


def _create_group(session: Session, kind: UnitKind, data: CoupleInput) -> UnitDetail:
    clients = _group_problems(session, kind, data, own_unit_id=None)
    ref = data.ref.strip() or _next_ref(session, kind)
    _ref_free(session, ref, field="ref")
    unit = BillingUnit(
        ref=ref,
        kind=kind.value,
        name=data.name.strip() or group_name(clients),
        identified_patient_id=data.identified_patient_id,
        default_service_id=data.default_service_id,
        default_fee=data.default_fee or Decimal("0"),
    )
    for share in data.members:
        unit.members.append(
            UnitMember(
                client_id=share.client_id,
                pays_share_bp=share.pays_share_bp,
                role=share.role.strip(),
            )
        )
    session.add(unit)
    session.flush()
    audit.record(
        session, "create", "billing_unit", unit.id, after=_unit_audit(unit), unit_id=unit.id
    )
    return get_unit_detail(session, unit.id)


def _group_problems(
    session: Session, kind: UnitKind, data: CoupleInput, *, own_unit_id: int | None
) -> list[Client]:
    """Check a couple or family; return its member clients in the order given."""
    ids = [m.client_id for m in data.members]
    if kind == UnitKind.COUPLE and len(ids) != 2:
        raise InvalidInput("A couple has exactly two members.", field="members")
    if kind == UnitKind.FAMILY and len(ids) < 2:
        raise InvalidInput("A family has at least two members.", field="members")
    if len(set(ids)) != len(ids):
        raise InvalidInput("Each client can be a member only once.", field="members")
    clients = [_client(session, client_id) for client_id in ids]
    current = set()
    if own_unit_id is not None:
        current = {m.client_id for m in _unit(session, own_unit_id).members}
    for client in clients:
        if not client.active and client.id not in current:
            raise InvalidInput(
                f"{client.display_name} is inactive; make them active first.", field="members"
            )
    if data.identified_patient_id not in ids:
        raise InvalidInput(
            "Choose the identified patient from among the members.", field="identified_patient_id"
        )
    shares = [m.pays_share_bp for m in data.members]
    if any(not 0 <= s <= FULL_SHARE for s in shares):
        raise InvalidInput("Each payer share is between 0% and 100%.", field="shares")
    if sum(shares) != FULL_SHARE:
        raise InvalidInput(
            f"The payer shares add up to {Decimal(sum(shares)) / 100:g}%; they must add up to "
            "100%.",
            field="shares",
        )
    _check_service(session, data.default_service_id)
    if data.default_fee is not None and data.default_fee < 0:
        raise InvalidInput("The fee cannot be negative.", field="default_fee")
    if len(data.name.strip()) > 200:
        raise InvalidInput("Keep the name to 200 characters.", field="name")
    if data.ref.strip() and not _REF.match(data.ref.strip()):
        raise InvalidInput(
            "A reference is up to 40 letters, digits, dots, dashes or underscores.", field="ref"
        )
    return clients


def _unit(session: Session, unit_id: int) -> BillingUnit:
    unit = session.get(BillingUnit, unit_id)
    if unit is None:
        raise NotFound("That billing unit no longer exists; reopen the client list.")
    return unit


def _unit_audit(unit: BillingUnit) -> dict[str, Any]:
    return {
        "ref": unit.ref,
        "kind": unit.kind,
        "name": unit.name,
        "identified_patient_id": unit.identified_patient_id,
        "default_service_id": unit.default_service_id,
        "default_fee": unit.default_fee,
        "active": unit.active,
        "members": [
            {"client_id": m.client_id, "pays_share_bp": m.pays_share_bp, "role": m.role}
            for m in sorted(unit.members, key=lambda m: m.client_id)
        ],
    }


# --- the client list ----------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRow:
    """One line of the client list: an individual, couple or family."""

    unit_id: int
    ref: str
    kind: UnitKind
    name: str
    active: bool
    identified_patient_id: int
    identified_patient_name: str  # legal name
    last_session: date | None
    default_service_code: str | None
    default_fee: Decimal | None  # the unit's fee, else its service's fee
    owed: Decimal
    credit: Decimal

    @property
    def status(self) -> str:
        return "Active" if self.active else "Inactive"


def list_units(
    session: Session, search: str | None = None, include_inactive: bool = False
) -> list[UnitRow]:
    """The client list, by name: one query for the units, one for balances.

    Read through the tables rather than the mapped classes: this is the first list
    the window shows, and the first query through the mapped classes configures all
    of them (tens of milliseconds), which nothing on that screen needs.
    """
    unit, client, service, visit = (
        BillingUnit.__table__.c,
        Client.__table__.c,
        Service.__table__.c,
        SessionRecord.__table__.c,
    )
    # Per unit, a seek in ix_sessions_unit_void_date: grouping every session of the
    # practice instead grew with the years of books.
    last_date = (
        select(func.max(visit.service_date))
        .where(visit.unit_id == unit.id, visit.voided_at.is_(None))
        .correlate(BillingUnit.__table__)
        .scalar_subquery()
    )
    query = (
        select(
            unit.id,
            unit.ref,
            unit.kind,
            unit.name,
            unit.active,
            unit.default_fee_cents,
            client.id,
            client.legal_first_name,
            client.legal_middle_name,
            client.legal_last_name,
            last_date,
            service.code,
            service.default_fee_cents,
        )
        .select_from(BillingUnit.__table__)
        .join(Client.__table__, client.id == unit.identified_patient_id)
        .outerjoin(Service.__table__, service.id == unit.default_service_id)
        .order_by(func.lower(unit.name), unit.ref)
    )
    if not include_inactive:
        query = query.where(unit.active.is_(True))
    for word in (search or "").split():
        query = query.where(_matches(word))
    balances = books.balances(session)
    rows = []
    for (
        unit_id,
        ref,
        kind,
        name,
        active,
        unit_fee,
        patient_id,
        first,
        middle,
        last_name,
        last_date,
        code,
        service_fee,
    ) in session.execute(query):
        balance = balances.get(unit_id, books.NO_BALANCE)
        rows.append(
            UnitRow(
                unit_id=unit_id,
                ref=ref,
                kind=UnitKind(kind),
                name=name,
                active=active,
                identified_patient_id=patient_id,
                identified_patient_name=" ".join(p for p in (first, middle, last_name) if p),
                last_session=last_date,
                default_service_code=code,
                default_fee=unit_fee if unit_fee > 0 else service_fee,
                owed=balance.owed,
                credit=balance.credit,
            )
        )
    return rows


def _matches(word: str) -> Any:
    """A unit matches a word found in its reference, its name or any member's names."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    member = aliased(Client)
    member_match = (
        select(UnitMember.unit_id)
        .join(member, member.id == UnitMember.client_id)
        .where(
            UnitMember.unit_id == BillingUnit.id,
            or_(
                *(
                    column.ilike(pattern, escape="\\")
                    for column in (
                        member.legal_first_name,
                        member.legal_last_name,
                        member.preferred_name,
                        member.client_ref,
                    )
                )
            ),
        )
        .exists()
    )
    return or_(
        BillingUnit.ref.ilike(pattern, escape="\\"),
        BillingUnit.name.ilike(pattern, escape="\\"),
        member_match,
    )


# --- diagnoses ----------------------------------------------------------------------------


def add_diagnosis(
    session: Session,
    client_id: int,
    code: str,
    effective_from: date,
    rank: int,
    effective_to: date | None = None,
) -> DiagnosisRow:
    """Record an ICD-10-CM diagnosis in force from a date (rank 1 is the primary)."""
    _client(session, client_id)
    hit = icd.describe(code)
    if hit is None:
        raise InvalidInput(
            f"{code.strip().upper()} is not an ICD-10-CM code; search by words to find it.",
            field="code",
        )
    if not hit.billable:
        raise InvalidInput(
            f"{hit.code} is a heading, not a billable code; choose one of the more specific "
            f"codes under it (such as {hit.code}…).",
            field="code",
        )
    if not 1 <= rank <= 12:
        raise InvalidInput("The rank is between 1 (primary) and 12.", field="rank")
    _check_dates(effective_from, effective_to)
    _check_overlaps(session, client_id, hit.code, rank, effective_from, effective_to, None)
    diagnosis = Diagnosis(
        client_id=client_id,
        code=hit.code,
        description=hit.description,
        rank=rank,
        effective_from=effective_from,
        effective_to=effective_to,
    )
    session.add(diagnosis)
    session.flush()
    row = _diagnosis_row(diagnosis)
    audit.record(
        session,
        "create",
        "diagnosis",
        diagnosis.id,
        after=asdict(row),
        unit_id=_own_unit(session, client_id).id,
    )
    return row


def end_diagnosis(session: Session, diagnosis_id: int, effective_to: date) -> DiagnosisRow:
    """Set the last date a diagnosis is in force (it is kept for earlier dates of service)."""
    diagnosis = session.get(Diagnosis, diagnosis_id)
    if diagnosis is None:
        raise NotFound("That diagnosis no longer exists; reopen the client.")
    _check_dates(diagnosis.effective_from, effective_to)
    _check_overlaps(
        session,
        diagnosis.client_id,
        diagnosis.code,
        diagnosis.rank,
        diagnosis.effective_from,
        effective_to,
        diagnosis.id,
    )
    before = asdict(_diagnosis_row(diagnosis))
    diagnosis.effective_to = effective_to
    session.flush()
    row = _diagnosis_row(diagnosis)
    audit.record(
        session,
        "update",
        "diagnosis",
        diagnosis.id,
        before=before,
        after=asdict(row),
        unit_id=_own_unit(session, diagnosis.client_id).id,
    )
    return row


def diagnoses_in_effect(session: Session, client_id: int, on_date: date) -> list[DiagnosisRow]:
    """The diagnoses in force on a date of service, primary first."""
    rows = [_diagnosis_row(d) for d in _diagnoses(session, client_id)]
    return sorted((r for r in rows if r.in_effect(on_date)), key=lambda r: r.rank)


def _diagnoses(session: Session, client_id: int) -> list[Diagnosis]:
    return list(
        session.scalars(
            select(Diagnosis)
            .where(Diagnosis.client_id == client_id)
            .order_by(Diagnosis.effective_from.desc(), Diagnosis.rank)
        )
    )


def _diagnosis_row(d: Diagnosis) -> DiagnosisRow:
    return DiagnosisRow(
        d.id, d.client_id, d.code, d.description, d.rank, d.effective_from, d.effective_to
    )


def _check_dates(effective_from: date, effective_to: date | None) -> None:
    if effective_to is not None and effective_to < effective_from:
        raise InvalidInput(
            "The end date is before the start date; a diagnosis ends on or after it starts.",
            field="effective_to",
        )


def _check_overlaps(
    session: Session,
    client_id: int,
    code: str,
    rank: int,
    start: date,
    end: date | None,
    own_id: int | None,
) -> None:
    """No code twice, and no two diagnoses of the same rank, on any one date."""
    for other in _diagnoses(session, client_id):
        if other.id == own_id:
            continue
        if not (
            start <= (other.effective_to or date.max) and other.effective_from <= (end or date.max)
        ):
            continue
        if other.code == code:
            raise InvalidInput(
                f"{code} is already recorded for dates that overlap these.", field="code"
            )
        if other.rank == rank:
            raise InvalidInput(
                f"{other.code} already has rank {rank} on some of these dates; choose another "
                f"rank, or end {other.code} first.",
                field="rank",
            )
