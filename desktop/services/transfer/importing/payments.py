"""Importing payments: applied to the client's oldest open charges, as in the app.

A payment method the books do not know is created (without a processor fee).
The processor fee is the method's rule unless a ``fee`` column gives it; a
``refunded`` amount is paid back out of the payment's credit on ``refund_date``.
An ``applied_to`` cell applies the payment by hand instead, to the charges it
names by date, service code and amount (``none`` keeps it all as credit); a
full export writes it for clients whose payments were applied by hand, so
their aging comes back as it was.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Charge, Client, Payment, PaymentMethod, Service
from desktop.domain.dates import us_date
from desktop.domain.money import format_money
from desktop.services.books import open_amounts, refunds
from desktop.services.books import payments as payment_service
from desktop.services.books.batch import BatchWriter
from desktop.services.errors import InvalidInput
from desktop.services.practice.catalog import PaymentMethodInput, create_payment_method
from desktop.services.transfer.format import (
    LAYOUTS,
    AppliedCharge,
    FieldError,
    ImportKind,
    parse_amount,
    parse_applied_to,
    parse_date,
)
from desktop.services.transfer.importing.common import (
    Findings,
    ImportResult,
    LedgerRows,
    import_ledger_rows,
)
from desktop.services.transfer.importing.layouts import Matched
from desktop.services.transfer.importing.readers import RawTable

SOURCE = "payments"
MAX_METHOD = 60
MAX_REFERENCE = 80
_FIELD_COLUMNS = {
    "amount": "amount",
    "fee": "fee",
    "method": "method",
    "date": "refund_date",
    "allocations": "applied_to",
    "applied_to": "applied_to",
    "payer": "paid_by",
}


def method_id(session: Session, name: str) -> int:
    """The payment method with this name (ignoring case), created when the books have none."""
    existing = session.scalar(
        select(PaymentMethod.id).where(func.lower(PaymentMethod.name) == name.lower())
    )
    if existing is not None:
        return existing
    return create_payment_method(session, PaymentMethodInput(name=name)).id


def import_payments(
    session: Session, table: RawTable, matched: Matched, found: Findings
) -> ImportResult:
    return import_ledger_rows(session, table, matched, found, _ROWS)


def _paid_by(session: Session, ref: str) -> int | None:
    """Which member of a couple or family paid, by client_ref (blank: the account)."""
    if not ref:
        return None
    found = session.scalar(select(Client.id).where(func.lower(Client.client_ref) == ref.lower()))
    if found is None:
        raise InvalidInput(f"There is no client '{ref}' to have paid this.", field="payer")
    return found


def _twin_key(unit_id: int, parsed: _Row, text: dict[str, str]) -> tuple[object, ...]:
    return (unit_id, parsed.on, parsed.amount, text["method"].lower(), text["reference"])


def _record(session: Session, unit_id: int, parsed: _Row, text: dict[str, str]) -> int:
    by_hand = None
    if parsed.applied_to is not None:
        by_hand = _hand_allocations(session, unit_id, parsed.applied_to)
    row = payment_service.record_payment(
        session,
        payment_service.PaymentInput(
            unit_id=unit_id,
            received_date=parsed.on,
            amount=parsed.amount,
            method_id=method_id(session, text["method"]),
            reference=text["reference"],
            payer_client_id=_paid_by(session, text["paid_by"]),
            fee=parsed.fee,
            allocations=by_hand,
        ),
    )
    if parsed.refunded:
        refunds.record_refund(
            session, unit_id, parsed.refunded, parsed.refund_on or parsed.on, payment_id=row.id
        )
    return row.id


def _plain(parsed: _Row) -> bool:
    """A payment the batch writes: applied oldest first (by hand goes through the services)."""
    return parsed.applied_to is None


def _batched(writer: BatchWriter, unit_id: int, parsed: _Row, text: dict[str, str]) -> int:
    session = writer.session
    methods = writer.memo.setdefault("payment methods", {})
    name = text["method"].lower()
    if name not in methods:
        writer.finish()  # a new method's audit entry goes in its place in the chain
        methods[name] = method_id(session, text["method"])
    payers = writer.memo.setdefault("payers", {})
    paid_by = text["paid_by"].lower()
    if paid_by not in payers:
        payers[paid_by] = _paid_by(session, text["paid_by"])
    payment_id = writer.write_payment(
        payment_service.PaymentInput(
            unit_id=unit_id,
            received_date=parsed.on,
            amount=parsed.amount,
            method_id=methods[name],
            reference=text["reference"],
            payer_client_id=payers[paid_by],
            fee=parsed.fee,
        )
    )
    if parsed.refunded:
        writer.through_services(
            unit_id,
            refunds.record_refund,
            unit_id,
            parsed.refunded,
            parsed.refund_on or parsed.on,
            payment_id=payment_id,
        )
    return payment_id


def _holding(session: Session) -> set[int]:
    """The units with payments before the import."""
    return set(
        session.scalars(select(Payment.unit_id).where(Payment.void_txn_id.is_(None)).distinct())
    )


def _in_books(session: Session, twin: tuple[object, ...]) -> int:
    """How many payments just like this one the books hold already (entered by hand, or
    imported from another file such as a full export of this same practice)."""
    unit_id, on, amount, method, reference = twin
    return (
        session.scalar(
            select(func.count())
            .select_from(Payment)
            .join(PaymentMethod, PaymentMethod.id == Payment.method_id)
            .where(
                Payment.unit_id == unit_id,
                Payment.received_date == on,
                Payment.amount == amount,
                func.lower(PaymentMethod.name) == method,
                Payment.reference == reference,
                Payment.void_txn_id.is_(None),
            )
        )
        or 0
    )


@dataclass(frozen=True)
class _Row:
    on: date
    amount: Decimal
    fee: Decimal | None
    refunded: Decimal | None
    refund_on: date | None
    applied_to: tuple[AppliedCharge, ...] | None  # None: oldest charges first


def parse_row(text: dict[str, str], number: int, found: Findings) -> _Row | None:
    """One payment row's cells read and checked; None (its problems in ``found``) if any
    is wrong. The history import reads the same columns through it."""
    before = len(found.problems)
    on = amount = None
    fee = refunded = refund_on = applied_to = None
    try:
        on = parse_date(text["date"])
    except FieldError as exc:
        found.add(number, "date", str(exc))
    try:
        amount = parse_amount(text["amount"])
        if amount == 0:
            found.add(number, "amount", "A payment must be more than zero.")
    except FieldError as exc:
        found.add(number, "amount", str(exc))
    if not text["method"]:
        found.add(number, "method", "Name the payment method, such as Card or Check.")
    elif len(text["method"]) > MAX_METHOD:
        found.add(number, "method", f"Keep the method's name to {MAX_METHOD} characters.")
    if len(text["reference"]) > MAX_REFERENCE:
        found.add(number, "reference", f"Keep the reference to {MAX_REFERENCE} characters.")
    for column in ("fee", "refunded"):
        if text[column]:
            try:
                value = parse_amount(text[column])
            except FieldError as exc:
                found.add(number, column, str(exc))
                continue
            if column == "fee":
                fee = value
            else:
                refunded = value
    if text["refund_date"]:
        try:
            refund_on = parse_date(text["refund_date"])
        except FieldError as exc:
            found.add(number, "refund_date", str(exc))
    if text["applied_to"]:
        try:
            applied_to = parse_applied_to(text["applied_to"])
        except FieldError as exc:
            found.add(number, "applied_to", str(exc))
    if len(found.problems) != before or on is None or amount is None:
        return None
    return _Row(on, amount, fee, refunded, refund_on, applied_to)


def _hand_allocations(
    session: Session, unit_id: int, parts: tuple[AppliedCharge, ...]
) -> tuple[tuple[int, Decimal], ...]:
    """The unit's charges the parts name, each still owing what is applied to it."""
    taken: Counter[int] = Counter()
    chosen = []
    for part in parts:
        candidates = session.scalars(
            select(Charge.id)
            .join(Service, Service.id == Charge.service_id)
            .where(
                Charge.unit_id == unit_id,
                Charge.void_txn_id.is_(None),
                Charge.service_date == part.service_date,
                func.upper(Service.code) == part.service_code,
            )
            .order_by(Charge.id)
        ).all()
        charge = next(
            (
                c
                for c in candidates
                if open_amounts.charge_open_amount(session, c) - taken[c] >= part.amount
            ),
            None,
        )
        if charge is None:
            raise InvalidInput(
                f"This client has no {part.service_code} charge on "
                f"{us_date(part.service_date)} still owing {format_money(part.amount)}; import the "
                "sessions first, or leave applied_to empty to apply the payment oldest first.",
                field="applied_to",
            )
        taken[charge] += part.amount
        chosen.append((charge, part.amount))
    return tuple(chosen)


_ROWS = LedgerRows(
    source=SOURCE,
    entity="payment",
    columns=LAYOUTS[ImportKind.PAYMENTS].columns,
    no_client="Every payment needs the client_ref of the client who paid.",
    field_columns=_FIELD_COLUMNS,
    parse=parse_row,
    twin=_twin_key,
    in_books=_in_books,
    record=_record,
    holding=_holding,
    plain=_plain,
    batched=_batched,
)
