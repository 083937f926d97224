"""The practice's catalogs: payment methods, services and fees, and payers.

Rows that sessions, payments or clients may point at are never deleted; they
are deactivated, which hides them from new entries and keeps history intact.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Payer, PaymentMethod, Service
from db.models import Session as SessionRecord
from desktop.domain.claim_codes import modifiers_problem, place_of_service_problem
from desktop.domain.money import ZERO, format_money
from desktop.services.audit import log as audit
from desktop.services.errors import InvalidInput, NotAllowed, NotFound

# --- payment methods ----------------------------------------------------------------


@dataclass(frozen=True)
class PaymentMethodInput:
    name: str
    fee_basis_points: int = 0  # 290 = 2.90% of each payment
    fee_fixed: Decimal = ZERO  # plus this much per payment
    active: bool = True


@dataclass(frozen=True)
class PaymentMethodRow:
    id: int
    name: str
    fee_basis_points: int
    fee_fixed: Decimal
    active: bool
    sort_order: int

    @property
    def fee_rule(self) -> str:
        """The fee rule in words: ``2.90% + $0.30``, or ``No fee``."""
        parts = []
        if self.fee_basis_points:
            parts.append(f"{Decimal(self.fee_basis_points) / 100:.2f}%")
        if self.fee_fixed:
            parts.append(format_money(self.fee_fixed))
        return " + ".join(parts) or "No fee"


def _method_row(method: PaymentMethod) -> PaymentMethodRow:
    return PaymentMethodRow(
        id=method.id,
        name=method.name,
        fee_basis_points=method.fee_basis_points,
        fee_fixed=method.fee_fixed,
        active=method.active,
        sort_order=method.sort_order,
    )


def payment_method_problems(data: PaymentMethodInput) -> dict[str, str]:
    """Every field that is wrong, with the sentence to show beside it."""
    problems: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        problems["name"] = "Enter a name for the payment method, such as Card."
    elif len(name) > 60:
        problems["name"] = "Keep the name to 60 characters."
    if not 0 <= data.fee_basis_points <= 10000:
        problems["fee_basis_points"] = "The fee rate is between 0% and 100%."
    if data.fee_fixed < 0:
        problems["fee_fixed"] = "The fixed fee cannot be negative."
    return problems


def list_payment_methods(
    session: Session, include_inactive: bool = False
) -> list[PaymentMethodRow]:
    query = select(PaymentMethod).order_by(PaymentMethod.sort_order, PaymentMethod.name)
    if not include_inactive:
        query = query.where(PaymentMethod.active.is_(True))
    return [_method_row(m) for m in session.scalars(query)]


def create_payment_method(session: Session, data: PaymentMethodInput) -> PaymentMethodRow:
    _check(payment_method_problems(data))
    _unique_name(session, PaymentMethod, data.name, None, "payment method")
    last = session.scalar(select(func.max(PaymentMethod.sort_order))) or 0
    method = PaymentMethod(
        name=data.name.strip(),
        fee_basis_points=data.fee_basis_points,
        fee_fixed=data.fee_fixed,
        active=data.active,
        sort_order=last + 1,
    )
    session.add(method)
    session.flush()
    row = _method_row(method)
    audit.record(session, "create", "payment_method", method.id, after=asdict(row))
    return row


def update_payment_method(
    session: Session, method_id: int, data: PaymentMethodInput
) -> PaymentMethodRow:
    _check(payment_method_problems(data))
    method = _get(session, PaymentMethod, method_id, "payment method")
    _unique_name(session, PaymentMethod, data.name, method_id, "payment method")
    before = asdict(_method_row(method))
    method.name = data.name.strip()
    method.fee_basis_points = data.fee_basis_points
    method.fee_fixed = data.fee_fixed
    method.active = data.active
    session.flush()
    row = _method_row(method)
    audit.record(session, "update", "payment_method", method.id, before=before, after=asdict(row))
    return row


def order_payment_methods(session: Session, method_ids: list[int]) -> None:
    """List these methods first, in this order (the rest keep theirs, after them)."""
    methods = list(
        session.scalars(
            select(PaymentMethod).order_by(PaymentMethod.sort_order, PaymentMethod.name)
        )
    )
    by_id = {m.id: m for m in methods}
    wanted = [by_id[i] for i in dict.fromkeys(method_ids) if i in by_id]
    ordered = wanted + [m for m in methods if m not in wanted]
    before = [m.id for m in methods]
    if [m.id for m in ordered] == before:
        return
    for position, method in enumerate(ordered, start=1):
        method.sort_order = position
    session.flush()
    audit.record(
        session,
        "reorder",
        "payment_method",
        None,
        before={"order": before},
        after={"order": [m.id for m in ordered]},
    )


def deactivate_payment_method(session: Session, method_id: int) -> PaymentMethodRow:
    """Hide a method from new payments; past payments keep it."""
    method = _get(session, PaymentMethod, method_id, "payment method")
    active = session.scalar(
        select(func.count()).select_from(PaymentMethod).where(PaymentMethod.active.is_(True))
    )
    if method.active and active == 1:
        raise NotAllowed("Keep at least one payment method active, or payments cannot be entered.")
    return update_payment_method(
        session,
        method_id,
        PaymentMethodInput(method.name, method.fee_basis_points, method.fee_fixed, active=False),
    )


# --- services -------------------------------------------------------------------------

_SERVICE_CODE = re.compile(r"^[A-Z0-9+-]{1,12}$")


@dataclass(frozen=True)
class ServiceInput:
    code: str  # a procedure code (90834) or the practice's own (LATE)
    label: str  # the practice's own words, printed on documents
    default_minutes: int = 0
    default_fee: Decimal = ZERO
    superbill: bool = True  # False: never printed on a superbill (late-cancel fees...)
    active: bool = True


@dataclass(frozen=True)
class ServiceRow:
    id: int
    code: str
    label: str
    default_minutes: int
    default_fee: Decimal
    superbill: bool
    active: bool


def _service_row(service: Service) -> ServiceRow:
    return ServiceRow(
        id=service.id,
        code=service.code,
        label=service.label,
        default_minutes=service.default_minutes,
        default_fee=service.default_fee,
        superbill=service.superbill,
        active=service.active,
    )


def service_problems(data: ServiceInput) -> dict[str, str]:
    problems: dict[str, str] = {}
    code = data.code.strip().upper()
    if not code:
        problems["code"] = "Enter a code, such as 90834, or a short name of your own, such as LATE."
    elif not _SERVICE_CODE.match(code):
        problems["code"] = "A code is up to 12 letters or digits, such as 90834 or LATE."
    label = data.label.strip()
    if not label:
        problems["label"] = "Enter a label, such as Therapy session, 45 minutes."
    elif len(label) > 120:
        problems["label"] = "Keep the label to 120 characters."
    if not 0 <= data.default_minutes <= 600:
        problems["default_minutes"] = "Minutes are between 0 and 600."
    if data.default_fee < 0:
        problems["default_fee"] = "The fee cannot be negative."
    return problems


def list_services(session: Session, include_inactive: bool = False) -> list[ServiceRow]:
    query = select(Service).order_by(Service.code)
    if not include_inactive:
        query = query.where(Service.active.is_(True))
    return [_service_row(s) for s in session.scalars(query)]


def create_service(session: Session, data: ServiceInput) -> ServiceRow:
    _check(service_problems(data))
    code = data.code.strip().upper()
    if session.scalar(select(Service.id).where(Service.code == code)) is not None:
        raise InvalidInput(f"There is already a service with code {code}.", field="code")
    service = Service(
        code=code,
        label=data.label.strip(),
        default_minutes=data.default_minutes,
        default_fee=data.default_fee,
        superbill=data.superbill,
        active=data.active,
    )
    session.add(service)
    session.flush()
    row = _service_row(service)
    audit.record(session, "create", "service", service.id, after=asdict(row))
    return row


def update_service(session: Session, service_id: int, data: ServiceInput) -> ServiceRow:
    """Change a service. Its code is fixed once sessions use it: they were billed under it."""
    _check(service_problems(data))
    service = _get(session, Service, service_id, "service")
    code = data.code.strip().upper()
    if code != service.code:
        clash = session.scalar(select(Service.id).where(Service.code == code))
        if clash is not None:
            raise InvalidInput(f"There is already a service with code {code}.", field="code")
        used = _sessions_using(session, service_id)
        if used:
            raise InvalidInput(
                f"{service.code} is used by {used} session{'s' if used != 1 else ''}, so its "
                "code cannot change; add a new service with the new code instead.",
                field="code",
            )
    before = asdict(_service_row(service))
    service.code = code
    service.label = data.label.strip()
    service.default_minutes = data.default_minutes
    service.default_fee = data.default_fee
    service.superbill = data.superbill
    service.active = data.active
    session.flush()
    row = _service_row(service)
    audit.record(session, "update", "service", service.id, before=before, after=asdict(row))
    return row


def deactivate_service(session: Session, service_id: int) -> ServiceRow:
    """Hide a service from new sessions; past sessions keep it."""
    service = _get(session, Service, service_id, "service")
    return update_service(
        session,
        service_id,
        ServiceInput(
            service.code,
            service.label,
            service.default_minutes,
            service.default_fee,
            service.superbill,
            active=False,
        ),
    )


def _sessions_using(session: Session, service_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(SessionRecord)
            .where(
                (SessionRecord.service_id == service_id)
                | (SessionRecord.addon_service_id == service_id)
            )
        )
        or 0
    )


# --- payers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PayerInput:
    name: str
    external_id: str = ""  # the payer's own id (for example, its electronic payer id)
    timely_filing_days: int = 365
    usual_days_to_pay: int = 30
    place_of_service: str | None = None  # None: the practice default
    modifiers: str | None = None  # "95" or "95,GT"; None: the practice default
    typical_allowed: Decimal | None = None
    active: bool = True


@dataclass(frozen=True)
class PayerRow:
    id: int
    name: str
    external_id: str
    timely_filing_days: int
    usual_days_to_pay: int
    place_of_service: str | None
    modifiers: str | None
    typical_allowed: Decimal | None
    active: bool


def _payer_row(payer: Payer) -> PayerRow:
    return PayerRow(
        id=payer.id,
        name=payer.name,
        external_id=payer.external_id,
        timely_filing_days=payer.timely_filing_days,
        usual_days_to_pay=payer.usual_days_to_pay,
        place_of_service=payer.place_of_service,
        modifiers=payer.modifiers,
        typical_allowed=payer.typical_allowed,
        active=payer.active,
    )


def normalize_modifiers(text: str) -> str:
    """``95 gt`` or ``95, GT`` as ``95,GT``."""
    return ",".join(part for part in re.split(r"[\s,]+", text.strip().upper()) if part)


def payer_problems(data: PayerInput) -> dict[str, str]:
    problems: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        problems["name"] = "Enter the insurer's name, such as Aetna."
    elif len(name) > 120:
        problems["name"] = "Keep the name to 120 characters."
    if len(data.external_id.strip()) > 40:
        problems["external_id"] = "Keep the payer id to 40 characters."
    if not 1 <= data.timely_filing_days <= 1095:
        problems["timely_filing_days"] = (
            "The filing limit is between 1 and 1095 days (three years)."
        )
    if not 1 <= data.usual_days_to_pay <= 365:
        problems["usual_days_to_pay"] = "Usual days to pay is between 1 and 365."
    pos = data.place_of_service
    if pos is not None and (problem := place_of_service_problem(pos)):
        problems["place_of_service"] = problem
    if data.modifiers is not None and (problem := modifiers_problem(data.modifiers)):
        problems["modifiers"] = problem
    if data.typical_allowed is not None and data.typical_allowed < 0:
        problems["typical_allowed"] = "The typical allowed amount cannot be negative."
    return problems


def list_payers(session: Session, include_inactive: bool = False) -> list[PayerRow]:
    query = select(Payer).order_by(Payer.name)
    if not include_inactive:
        query = query.where(Payer.active.is_(True))
    return [_payer_row(p) for p in session.scalars(query)]


def get_payer(session: Session, payer_id: int) -> PayerRow:
    return _payer_row(_get(session, Payer, payer_id, "payer"))


def create_payer(session: Session, data: PayerInput) -> PayerRow:
    _check(payer_problems(data))
    _unique_name(session, Payer, data.name, None, "payer")
    payer = Payer()
    _apply_payer(payer, data)
    session.add(payer)
    session.flush()
    row = _payer_row(payer)
    audit.record(session, "create", "payer", payer.id, after=asdict(row))
    return row


def update_payer(session: Session, payer_id: int, data: PayerInput) -> PayerRow:
    _check(payer_problems(data))
    payer = _get(session, Payer, payer_id, "payer")
    _unique_name(session, Payer, data.name, payer_id, "payer")
    before = asdict(_payer_row(payer))
    _apply_payer(payer, data)
    session.flush()
    row = _payer_row(payer)
    audit.record(session, "update", "payer", payer.id, before=before, after=asdict(row))
    return row


def deactivate_payer(session: Session, payer_id: int) -> PayerRow:
    """Hide a payer from new clients; clients and claims that name it keep it."""
    row = get_payer(session, payer_id)
    return update_payer(
        session,
        payer_id,
        PayerInput(
            row.name,
            row.external_id,
            row.timely_filing_days,
            row.usual_days_to_pay,
            row.place_of_service,
            row.modifiers,
            row.typical_allowed,
            active=False,
        ),
    )


def _apply_payer(payer: Payer, data: PayerInput) -> None:
    payer.name = data.name.strip()
    payer.external_id = data.external_id.strip()
    payer.timely_filing_days = data.timely_filing_days
    payer.usual_days_to_pay = data.usual_days_to_pay
    payer.place_of_service = data.place_of_service
    payer.modifiers = None if data.modifiers is None else normalize_modifiers(data.modifiers)
    payer.typical_allowed = data.typical_allowed
    payer.active = data.active


# --- shared -----------------------------------------------------------------------------


def _check(problems: dict[str, str]) -> None:
    if problems:
        field, message = next(iter(problems.items()))
        raise InvalidInput(message, field=field)


def _get(session: Session, model: Any, row_id: int, what: str) -> Any:
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(f"That {what} no longer exists; reopen the list and try again.")
    return row


def _unique_name(session: Session, model: Any, name: str, own_id: int | None, what: str) -> None:
    """Names are unique ignoring case, so "card" and "Card" are not two methods."""
    clash = session.scalar(
        select(model.id).where(func.lower(model.name) == name.strip().lower(), model.id != own_id)
        if own_id is not None
        else select(model.id).where(func.lower(model.name) == name.strip().lower())
    )
    if clash is not None:
        raise InvalidInput(f"There is already a {what} named {name.strip()}.", field="name")
