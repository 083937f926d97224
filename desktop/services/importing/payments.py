"""Importing payments: applied to the client's oldest open charges, as in the app.

A payment method the books do not know is created (without a processor fee).
The processor fee is the method's rule unless a ``fee`` column gives it; a
``refunded`` amount is paid back out of the payment's credit on ``refund_date``.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Payment, PaymentMethod
from desktop.services import payments as payment_service
from desktop.services.catalog import PaymentMethodInput, create_payment_method
from desktop.services.errors import ServiceError
from desktop.services.importing.common import (
    Findings,
    ImportResult,
    RowKeys,
    already_imported,
    remember,
    unit_by_ref,
)
from desktop.services.importing.fields import FieldError, clean, parse_amount, parse_date
from desktop.services.importing.layouts import LAYOUTS, ImportKind, Matched
from desktop.services.importing.readers import RawTable

SOURCE = "payments"
MAX_METHOD = 60
MAX_REFERENCE = 80
_FIELD_COLUMNS = {"amount": "amount", "fee": "fee", "method": "method", "date": "refund_date"}


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
    keys = RowKeys(SOURCE)
    twins: Counter[tuple[object, ...]] = Counter()
    columns = LAYOUTS[ImportKind.PAYMENTS].columns
    added = skipped = 0
    for done, (number, cells) in enumerate(table.rows):
        found.step(done, len(table.rows))
        text = {c: clean(matched.get(cells, c)) for c in columns}
        row_key = keys.key(tuple(text[c] for c in columns))
        parsed = _parse(text, number, found)
        unit = unit_by_ref(session, text["client_ref"]) if text["client_ref"] else None
        if unit is None:
            found.add(
                number,
                "client_ref",
                f"There is no client '{text['client_ref']}'; import the clients file first."
                if text["client_ref"]
                else "Every payment needs the client_ref of the client who paid.",
            )
            continue
        if parsed is None:
            continue
        on, amount, fee, refunded, refund_on = parsed
        twin = (unit.id, on, amount, text["method"].lower(), text["reference"])
        twins[twin] += 1
        if already_imported(session, SOURCE, row_key) or _in_books(session, twin) >= twins[twin]:
            skipped += 1
            continue
        try:
            row = payment_service.record_payment(
                session,
                payment_service.PaymentInput(
                    unit_id=unit.id,
                    received_date=on,
                    amount=amount,
                    method_id=method_id(session, text["method"]),
                    reference=text["reference"],
                    fee=fee,
                ),
            )
            if refunded:
                payment_service.record_refund(
                    session, unit.id, refunded, refund_on or on, payment_id=row.id
                )
        except ServiceError as exc:
            column = _FIELD_COLUMNS.get(getattr(exc, "field", None) or "", "(row)")
            found.add(number, column, str(exc))
            continue
        remember(session, SOURCE, row_key, "payment", row.id)
        added += 1
    return ImportResult("payments", table.file, len(table.rows), added, skipped, ())


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


def _parse(
    text: dict[str, str], number: int, found: Findings
) -> tuple[date, Decimal, Decimal | None, Decimal | None, date | None] | None:
    before = len(found.problems)
    on = amount = None
    fee = refunded = refund_on = None
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
    if len(found.problems) != before or on is None or amount is None:
        return None
    return on, amount, fee, refunded, refund_on
