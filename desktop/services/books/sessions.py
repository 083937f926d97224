"""Recording, changing and voiding sessions, and the charges they post.

Attended sessions post their fee; late cancels and no-shows post only when they
carry a fee; canceled sessions post nothing. Changing what a posted session
costs (fee, code, date, status) voids its charges and posts new ones, and the
money that was applied moves with it through client credit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from db.models import BillingUnit, Charge, Client, Payer, Practice, Service
from db.models import Session as SessionRecord
from db.models.base import utcnow
from desktop.domain.claim_codes import (
    modifiers_problem,
    place_of_service_problem,
    split_modifiers,
)
from desktop.domain.coding import ADD_ON_CODES, suggest_code
from desktop.domain.kinds import SessionStatus
from desktop.services.audit import log as audit
from desktop.services.books import applying, dates, ledger, usual_fees, voids
from desktop.services.books.held import get_held
from desktop.services.errors import InvalidInput, NotAllowed, NotFound

_AUDITED = (
    "unit_id",
    "service_date",
    "start_time",
    "minutes",
    "service_id",
    "fee",
    "addon_service_id",
    "addon_fee",
    "status",
    "place_of_service",
    "modifiers",
    "memo",
)


@dataclass(frozen=True)
class SessionInput:
    unit_id: int
    service_date: date
    service_code: str
    status: SessionStatus = SessionStatus.ATTENDED
    fee: Decimal | None = None  # None: the unit's default fee, else the service's
    minutes: int | None = None
    start_time: time | None = None
    place_of_service: str | None = None  # None: payer default, else practice default
    modifiers: str | None = None
    addon_code: str | None = None
    addon_fee: Decimal | None = None
    memo: str = ""


@dataclass(frozen=True)
class SessionRow:
    id: int
    unit_id: int
    unit_ref: str
    unit_name: str
    service_date: date
    start_time: time | None
    minutes: int | None
    service_code: str
    service_label: str
    fee: Decimal
    addon_code: str | None
    addon_fee: Decimal | None
    status: SessionStatus
    place_of_service: str
    modifiers: str
    memo: str
    voided: bool
    void_reason: str | None
    charged: Decimal


@dataclass(frozen=True)
class SessionDefaults:
    """What the entry form pre-fills for a unit: code, fee, place of service, modifiers."""

    service_code: str
    fee: Decimal
    minutes: int
    place_of_service: str
    modifiers: str


_SERVICES_KEY = "sessions.services_by_code"


def _service(session: Session, code: str, *, field: str = "service_code") -> Service:
    # Services found by code are kept for the unit of work (a day's sessions ask for the
    # same few codes); a kept service whose code has since changed is looked up again.
    known: dict[str, Service] = session.info.setdefault(_SERVICES_KEY, {})
    code = code.strip()
    service = known.get(code)
    if service is not None and service.code == code:
        return service
    service = session.execute(select(Service).where(Service.code == code)).scalar_one_or_none()
    if service is None:
        raise InvalidInput(
            f"There is no service with code {code!r}; add it in Settings.", field=field
        )
    known[code] = service
    return service


def _unit(session: Session, unit_id: int) -> BillingUnit:
    unit = get_held(session, BillingUnit, unit_id)
    if unit is None:
        raise NotFound("That client is not in this practice file.")
    return unit


def _unit_payer(session: Session, unit: BillingUnit) -> Payer | None:
    patient = session.get(Client, unit.identified_patient_id)
    return session.get(Payer, patient.payer_id) if patient and patient.payer_id else None


def defaults_for(session: Session, unit_id: int, minutes: int | None = None) -> SessionDefaults:
    """Pre-filled values: minutes suggest a code; the client's usual fee for it (set on the
    client, else what they were last charged for it); POS and modifiers from the unit, else
    its payer, else the practice."""
    unit = _unit(session, unit_id)
    practice = session.get(Practice, 1)
    assert practice is not None
    service = session.get(Service, unit.default_service_id) if unit.default_service_id else None
    code = service.code if service else "90837"
    if (
        minutes is not None
        and (suggested := suggest_code(minutes))
        and (service is None or service.code in {"90832", "90834", "90837"})
    ):
        code = suggested
    chosen = _service(session, code) if service is None or code != service.code else service
    fee = usual_fees.proposed_fee(session, unit, chosen)
    payer = _unit_payer(session, unit)
    pos = (
        unit.place_of_service
        or (payer.place_of_service if payer else None)
        or practice.default_place_of_service
    )
    mods = (
        unit.modifiers
        if unit.modifiers is not None
        else (
            payer.modifiers if payer and payer.modifiers is not None else practice.default_modifiers
        )
    )
    return SessionDefaults(code, fee, minutes or chosen.default_minutes, pos, mods)


def _validate(session: Session, data: SessionInput) -> tuple[Service, Service | None]:
    service = _service(session, data.service_code)
    addon = None
    if data.addon_code:
        addon = _service(session, data.addon_code, field="addon_code")
        if addon.code not in ADD_ON_CODES:
            raise InvalidInput(f"{addon.code} is not an add-on code.", field="addon_code")
    if data.fee is not None and data.fee < 0:
        raise InvalidInput("The fee cannot be negative.", field="fee")
    if data.addon_fee is not None and data.addon_fee < 0:
        raise InvalidInput("The add-on fee cannot be negative.", field="addon_fee")
    if data.minutes is not None and not 0 <= data.minutes <= 600:
        raise InvalidInput("Minutes are between 0 and 600.", field="minutes")
    if data.place_of_service is not None and (
        problem := place_of_service_problem(data.place_of_service)
    ):
        raise InvalidInput(problem, field="place_of_service")
    if data.modifiers is not None and (problem := modifiers_problem(data.modifiers)):
        raise InvalidInput(problem, field="modifiers")
    if data.service_date > date.today() + timedelta(days=366):
        raise InvalidInput(
            "That date is more than a year away; check the year.", field="service_date"
        )
    return service, addon


def _apply(
    session: Session,
    record: SessionRecord,
    data: SessionInput,
    service: Service,
    addon: Service | None,
) -> None:
    needs_defaults = data.fee is None or data.place_of_service is None or data.modifiers is None
    defaults = defaults_for(session, data.unit_id) if needs_defaults else None
    record.unit_id = data.unit_id
    record.service_date = data.service_date
    record.start_time = data.start_time
    record.minutes = data.minutes
    record.service_id = service.id
    if data.fee is not None:
        record.fee = data.fee
    elif defaults is not None and service.code == defaults.service_code:
        record.fee = defaults.fee
    else:
        record.fee = service.default_fee
    record.addon_service_id = addon.id if addon else None
    record.addon_fee = (
        (data.addon_fee if data.addon_fee is not None else addon.default_fee) if addon else None
    )
    record.status = data.status.value
    if defaults is not None:
        record.place_of_service = data.place_of_service or defaults.place_of_service
        record.modifiers = (
            _modifiers(data.modifiers) if data.modifiers is not None else defaults.modifiers
        )
    else:
        record.place_of_service = data.place_of_service or "11"
        record.modifiers = _modifiers(data.modifiers or "")
    record.memo = data.memo


def _modifiers(text: str) -> str:
    """``95 gt`` as ``95,GT``: one spelling, so the checks and the forms read one thing."""
    return ",".join(split_modifiers(text))


def _billable_lines(record: SessionRecord) -> list[tuple[int, Decimal]]:
    """(service id, amount) for each charge the session should carry."""
    status = SessionStatus(record.status)
    if status is SessionStatus.CANCELLED or record.voided_at is not None:
        return []
    lines = [(record.service_id, record.fee)]
    if status is SessionStatus.ATTENDED and record.addon_service_id and record.addon_fee:
        lines.append((record.addon_service_id, record.addon_fee))
    return [(sid, amount) for sid, amount in lines if amount > 0]


def active_charges(session: Session, session_id: int) -> list[Charge]:
    return list(
        session.execute(
            select(Charge)
            .where(Charge.session_id == session_id, Charge.void_txn_id.is_(None))
            .order_by(Charge.id)
        ).scalars()
    )


def _post_charges(session: Session, record: SessionRecord) -> Decimal:
    """Post the session's charges; returns what they add up to."""
    total = Decimal("0.00")
    for service_id, amount in _billable_lines(record):
        service = get_held(session, Service, service_id)
        assert service is not None
        ledger.post_charge(
            session,
            unit_id=record.unit_id,
            service_id=service_id,
            service_date=record.service_date,
            amount=amount,
            session_id=record.id,
            description=f"{service.code} {service.label}",
        )
        total += amount
    return total


def record_session(session: Session, data: SessionInput) -> SessionRow:
    """Record a session and post what it charges; credit on account pays it at once."""
    _unit(session, data.unit_id)
    service, addon = _validate(session, data)
    record = SessionRecord(
        unit_id=data.unit_id,
        service_date=data.service_date,
        service_id=service.id,
        fee=Decimal("0"),
    )
    _apply(session, record, data, service, addon)
    session.add(record)
    session.flush()
    charged = _post_charges(session, record)
    applying.apply_credit(session, record.unit_id, record.service_date)
    audit.record(
        session,
        "create",
        "session",
        record.id,
        after=audit.snapshot(record, _AUDITED),
        unit_id=record.unit_id,
    )
    return _new_row(session, record, charged)


def _new_row(session: Session, record: SessionRecord, charged: Decimal) -> SessionRow:
    """The row of a session just recorded, from what is at hand (what list_sessions would
    read back: a new session's charges are all active)."""
    unit = _unit(session, record.unit_id)
    service = get_held(session, Service, record.service_id)
    addon = get_held(session, Service, record.addon_service_id) if record.addon_service_id else None
    assert service is not None
    return _row(
        record,
        unit.ref,
        unit.name,
        service.code,
        service.label,
        addon.code if addon else None,
        charged,
    )


def _row(
    r: SessionRecord,
    unit_ref: str,
    unit_name: str,
    code: str,
    label: str,
    addon_code: str | None,
    charged: Decimal | None,
) -> SessionRow:
    return SessionRow(
        id=r.id,
        unit_id=r.unit_id,
        unit_ref=unit_ref,
        unit_name=unit_name,
        service_date=r.service_date,
        start_time=r.start_time,
        minutes=r.minutes,
        service_code=code,
        service_label=label,
        fee=r.fee,
        addon_code=addon_code,
        addon_fee=r.addon_fee,
        status=SessionStatus(r.status),
        place_of_service=r.place_of_service,
        modifiers=r.modifiers,
        memo=r.memo,
        voided=r.voided_at is not None,
        void_reason=r.void_reason,
        charged=charged if charged is not None else Decimal("0.00"),
    )


def _financial_key(record: SessionRecord) -> tuple[object, ...]:
    return (record.unit_id, record.service_date, _billable_lines(record))


def update_session(
    session: Session, session_id: int, data: SessionInput, reason: str = ""
) -> SessionRow:
    """Change a session. If what it charges changed, its charges are voided and reposted."""
    record = _get(session, session_id)
    if record.voided_at is not None:
        raise NotAllowed("This session was voided; record a new one instead.")
    service, addon = _validate(session, data)
    before = audit.snapshot(record, _AUDITED)
    old_key = _financial_key(record)
    old_unit = record.unit_id
    _apply(session, record, data, service, addon)
    if _financial_key(record) != old_key:
        charges = active_charges(session, record.id)
        if charges and not reason.strip():
            raise InvalidInput(
                "Say why the fee, code, date or status changed; it was already charged.",
                field="reason",
            )
        for charge in charges:
            voids.void_charge(session, charge, f"Session changed: {reason.strip()}")
        session.flush()
        _post_charges(session, record)
        for unit_id in {old_unit, record.unit_id}:
            applying.apply_credit(session, unit_id, dates.today())
    session.flush()
    audit.record(
        session,
        "update",
        "session",
        record.id,
        before=before,
        after={**audit.snapshot(record, _AUDITED), "reason": reason.strip()},
        unit_id=record.unit_id,
    )
    return session_row(session, record.id)


def void_session(session: Session, session_id: int, reason: str) -> SessionRow:
    """Void a session and its charges; money applied to them becomes credit again."""
    if not reason.strip():
        raise InvalidInput("Say why this session is being voided.", field="reason")
    record = _get(session, session_id)
    if record.voided_at is not None:
        raise NotAllowed("This session was already voided.")
    for charge in active_charges(session, record.id):
        voids.void_charge(session, charge, f"Session voided: {reason.strip()}")
    record.voided_at = utcnow()
    record.void_reason = reason.strip()
    session.flush()
    applying.apply_credit(session, record.unit_id, dates.today())
    audit.record(
        session,
        "void",
        "session",
        record.id,
        after={"reason": reason.strip()},
        unit_id=record.unit_id,
    )
    return session_row(session, record.id)


def _get(session: Session, session_id: int) -> SessionRecord:
    record = session.get(SessionRecord, session_id)
    if record is None:
        raise NotFound("That session is not in this practice file.")
    return record


def session_row(session: Session, session_id: int) -> SessionRow:
    rows = list_sessions(session, session_ids=[session_id])
    if not rows:
        raise NotFound("That session is not in this practice file.")
    return rows[0]


def list_sessions(
    session: Session,
    *,
    start: date | None = None,
    end: date | None = None,
    unit_id: int | None = None,
    session_ids: list[int] | None = None,
    include_voided: bool = True,
) -> list[SessionRow]:
    """Sessions in date order with what they charged (active charges)."""
    addon = aliased(Service)
    # Per listed session, a seek in ix_charges_session: summing every charge of the
    # practice first made a week's list cost as much as ten years of books.
    charged = (
        select(func.sum(Charge.amount))
        .where(Charge.session_id == SessionRecord.id, Charge.void_txn_id.is_(None))
        .correlate(SessionRecord)
        .scalar_subquery()
    )
    query = (
        select(
            SessionRecord,
            BillingUnit.ref,
            BillingUnit.name,
            Service.code,
            Service.label,
            addon.code,
            charged,
        )
        .join(BillingUnit, BillingUnit.id == SessionRecord.unit_id)
        .join(Service, Service.id == SessionRecord.service_id)
        .outerjoin(addon, addon.id == SessionRecord.addon_service_id)
    )
    if start is not None:
        query = query.where(SessionRecord.service_date >= start)
    if end is not None:
        query = query.where(SessionRecord.service_date <= end)
    if unit_id is not None:
        query = query.where(SessionRecord.unit_id == unit_id)
    if session_ids is not None:
        query = query.where(SessionRecord.id.in_(session_ids))
    if not include_voided:
        query = query.where(SessionRecord.voided_at.is_(None))
    query = query.order_by(SessionRecord.service_date, SessionRecord.start_time, SessionRecord.id)
    return [
        _row(r, ref, name, code, label, addon_code, cents)
        for r, ref, name, code, label, addon_code, cents in session.execute(query)
    ]
