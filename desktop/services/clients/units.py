"""Billing units: couples and families, and the client list (one line per unit).

Every client has an individual billing unit (made and kept in step by
``people``); couples and families are further units whose members are existing
clients, one of them the identified patient whose details go on a superbill,
each paying a share of what the unit pays. The client list shows every unit,
individual or not, with its balance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from db.models import BillingUnit, Client, Service, UnitMember
from db.models import Session as SessionRecord
from desktop.domain.kinds import UnitKind
from desktop.services.audit import log as audit
from desktop.services.books import queries as books
from desktop.services.books import usual_fees
from desktop.services.clients.lookups import (
    FULL_SHARE,
    VALID_REF,
    check_service,
    client_record,
    next_ref,
    ref_free,
    unit_record,
)
from desktop.services.clients.people import ClientDetail, get_client_detail, set_active
from desktop.services.errors import InvalidInput, NotAllowed


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
    # What the session form proposes for the usual service (``books.usual_fees``), and why.
    usual_fee: Decimal | None = None
    usual_service_code: str | None = None
    usual_fee_charged_on: date | None = None  # set when the fee is the last one charged

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
    unit = unit_record(session, unit_id)
    kind = UnitKind(unit.kind)
    if kind == UnitKind.INDIVIDUAL:
        raise NotAllowed("An individual client's unit changes with the client; edit the client.")
    clients = _group_problems(session, kind, data, own_unit_id=unit_id)
    ref = data.ref.strip() or unit.ref
    if ref.lower() != unit.ref.lower():
        ref_free(session, ref, field="ref")
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
    return _updated(session, unit, before)


def set_unit_active(session: Session, unit_id: int, active: bool) -> UnitDetail:
    """Move a couple or family off or back onto the active list."""
    unit = unit_record(session, unit_id)
    if unit.kind == UnitKind.INDIVIDUAL.value:
        set_active(session, unit.identified_patient_id, active)
        return get_unit_detail(session, unit_id)
    before = _unit_audit(unit)
    unit.active = active
    return _updated(session, unit, before)


def get_unit_detail(session: Session, unit_id: int) -> UnitDetail:
    """A client, couple or family with its members (the identified patient first, then by
    share), each member read with their client in one statement."""
    unit = unit_record(session, unit_id)
    service = session.get(Service, unit.default_service_id) if unit.default_service_id else None
    found = session.execute(
        select(UnitMember, Client)
        .join(Client, Client.id == UnitMember.client_id)
        .where(UnitMember.unit_id == unit.id)
    ).all()
    members = sorted(
        found,
        key=lambda pair: (
            pair[0].client_id != unit.identified_patient_id,
            -pair[0].pays_share_bp,
            pair[0].client_id,
        ),
    )
    last = usual_fees.last_fees(session, unit.id).get(unit.id, {})
    usual_id = usual_fees.usual_service_id(unit.default_service_id, last)
    usual = session.get(Service, usual_id) if usual_id is not None else None
    usual_fee = charged_on = None
    if usual is not None:
        usual_fee = usual_fees.fee_for(usual_fees.of_unit(unit), usual.id, usual.default_fee, last)
        if usual_fee != unit.default_fee and usual.id in last:
            charged_on = last[usual.id].on
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
                client_ref=client.client_ref,
                legal_name=client.legal_name,
                display_name=client.display_name,
                role=m.role,
                pays_share_bp=m.pays_share_bp,
                identified_patient=m.client_id == unit.identified_patient_id,
                active=client.active,
            )
            for m, client in members
        ),
        patient=get_client_detail(session, unit.identified_patient_id),
        usual_fee=usual_fee,
        usual_service_code=usual.code if usual is not None else None,
        usual_fee_charged_on=charged_on,
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
    ref = data.ref.strip() or next_ref(session, kind)
    ref_free(session, ref, field="ref")
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
    clients = [client_record(session, client_id) for client_id in ids]
    current = set()
    if own_unit_id is not None:
        current = {m.client_id for m in unit_record(session, own_unit_id).members}
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
    check_service(session, data.default_service_id)
    if data.default_fee is not None and data.default_fee < 0:
        raise InvalidInput("The fee cannot be negative.", field="default_fee")
    if len(data.name.strip()) > 200:
        raise InvalidInput("Keep the name to 200 characters.", field="name")
    if data.ref.strip() and not VALID_REF.match(data.ref.strip()):
        raise InvalidInput(
            "A reference is up to 40 letters, digits, dots, dashes or underscores.", field="ref"
        )
    return clients


def _updated(session: Session, unit: BillingUnit, before: dict[str, Any]) -> UnitDetail:
    """Flush a change to a couple or family, audit it, and return the unit as it now is."""
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
    default_fee: Decimal | None  # the usual fee: the unit's, else last charged, else the list's
    owed: Decimal
    credit: Decimal

    @property
    def status(self) -> str:
        return "Active" if self.active else "Inactive"


def list_units(
    session: Session, search: str | None = None, include_inactive: bool = False
) -> list[UnitRow]:
    """The client list, by last name: one query for the units, one for balances.

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
            unit.default_service_id,
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
        # By the identified patient's last name, as the client list reads.
        .order_by(func.lower(client.legal_last_name), func.lower(client.legal_first_name), unit.ref)
    )
    if not include_inactive:
        query = query.where(unit.active.is_(True))
    for word in (search or "").split():
        query = query.where(_matches(word))
    balances = books.balances(session)
    last_fees = usual_fees.last_fees(session)
    catalogue = _service_codes_and_fees(session)
    rows = []
    for (
        unit_id,
        ref,
        kind,
        name,
        active,
        unit_fee,
        unit_service_id,
        patient_id,
        first,
        middle,
        last_name,
        last_date,
        code,
        service_fee,
    ) in session.execute(query):
        balance = balances.get(unit_id, books.NO_BALANCE)
        last = last_fees.get(unit_id, {})
        usual_id = usual_fees.usual_service_id(unit_service_id, last)
        if unit_service_id is None and usual_id is not None:
            code, service_fee = catalogue[usual_id]
        own = usual_fees.UnitFee(unit_fee, unit_service_id)
        if usual_id is None:
            fee = unit_fee if unit_fee > 0 else None
        else:
            fee = usual_fees.fee_for(own, usual_id, service_fee, last)
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
                default_fee=fee,
                owed=balance.owed,
                credit=balance.credit,
            )
        )
    return rows


def _service_codes_and_fees(session: Session) -> dict[int, tuple[str, Decimal]]:
    """Every service's code and list fee, by id (one small statement)."""
    return {
        sid: (code, fee)
        for sid, code, fee in session.execute(select(Service.id, Service.code, Service.default_fee))
    }


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
