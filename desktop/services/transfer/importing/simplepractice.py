"""Importing SimplePractice's "appointment status" report (CSV or XLSX).

The report repeats three column names: the first Charge, Paid and Unpaid are
the client's share, the second ones the insurer's (they follow the "Insurance
Payment Status" column when it is present, else they are simply the second
occurrence). Only the client's share is imported: the books track what the
client owes the practice. See docs/IMPORT.md for every assumption.

Every appointment status of the report has a meaning in the books: Show is a
session; No Show and Late Canceled are fees (never on a superbill); Canceled
and Clinician Canceled charge nothing and are never billable. A report without
its Status column is refused unless the person says every row was attended.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, time
from decimal import Decimal

from sqlalchemy.orm import Session

from desktop.domain.kinds import BillingPreference, SessionStatus
from desktop.domain.money import ZERO, MoneyError, format_money, parse_money
from desktop.services.books import payments as payment_service
from desktop.services.books import sessions as session_service
from desktop.services.clients.lookups import find_unit_by_ref
from desktop.services.clients.people import ClientInput, create_client
from desktop.services.errors import ServiceError
from desktop.services.transfer.format import MAX_AMOUNT, FieldError, clean, parse_amount
from desktop.services.transfer.importing.clients import payer_id
from desktop.services.transfer.importing.common import (
    FULL_CHECK_ROWS,
    Findings,
    ImportResult,
    RowKeys,
    already_imported,
    remember,
)
from desktop.services.transfer.importing.fields import parse_sheet_date_time
from desktop.services.transfer.importing.layouts import key
from desktop.services.transfer.importing.payments import method_id
from desktop.services.transfer.importing.problems import HEADER_ROW
from desktop.services.transfer.importing.readers import RawTable
from desktop.services.transfer.importing.sessions import code_problem, service_for

SOURCE = "simplepractice"
METHOD = "SimplePractice"
REFERENCE = "SimplePractice appointment status"
_REPEATED = ("charge", "paid", "unpaid")
_NAMED = {
    "date of service": "date",
    "client": "client",
    "billing code": "code",
    "client payment status": "client_status",
    "insurance payment status": "insurance_status",
    "payer": "payer",
    "status": "appointment_status",
    "appointment status": "appointment_status",
    "payment date": "payment_date",
    "date paid": "payment_date",
    "paid on": "payment_date",
}
_REQUIRED = ("date", "client", "code", "client_status", "client_charge", "client_paid")
_LABELS = {
    "date": "Date of Service",
    "client": "Client",
    "code": "Billing Code",
    "client_status": "Client Payment Status",
    "client_charge": "Charge",
    "client_paid": "Paid",
    "client_unpaid": "Unpaid",
    "payer": "Payer",
    "appointment_status": "Status",
    "payment_date": "Payment Date",
}
_PAYMENT_STATUSES = ("paid", "unpaid", "no charge", "over")
_APPOINTMENT_STATUSES = {
    "show": SessionStatus.ATTENDED,
    "attended": SessionStatus.ATTENDED,
    "no show": SessionStatus.NO_SHOW,
    "no-show": SessionStatus.NO_SHOW,
    "late cancel": SessionStatus.LATE_CANCEL,
    "late canceled": SessionStatus.LATE_CANCEL,
    "late cancelled": SessionStatus.LATE_CANCEL,
    "canceled": SessionStatus.CANCELLED,
    "cancelled": SessionStatus.CANCELLED,
    # The clinician called it off: never billable, never on a superbill.
    "clinician canceled": SessionStatus.CANCELLED,
    "clinician cancelled": SessionStatus.CANCELLED,
}
STATUS_WORDS = "Show, No Show, Canceled, Late Canceled or Clinician Canceled"
NO_STATUS_COLUMN = (
    "The report has no Status column, so attended sessions cannot be told from late "
    "cancels and no-shows; export it again with the Status column, or say that every "
    "row was attended (the wizard's 'Every appointment was attended', or "
    "--assume-attended)."
)
SERVICE_DATE_NOTE = (
    "The report has no Payment Date column, so each payment is dated on its appointment's "
    "date of service; income by day and by tax year follows those dates."
)


def columns(
    table: RawTable, found: Findings, *, assume_attended: bool = False
) -> dict[str, int] | None:
    """Where each column the import uses sits, telling the repeated names apart."""
    index: dict[str, int] = {}
    names = [key(h) for h in table.header]
    insurance_at = (
        names.index("insurance payment status") if "insurance payment status" in names else None
    )
    for position, name in enumerate(names):
        if name in _NAMED:
            index.setdefault(_NAMED[name], position)
        elif name in _REPEATED:
            insurer = (
                position > insurance_at if insurance_at is not None else f"client_{name}" in index
            )
            index.setdefault(f"{'insurance' if insurer else 'client'}_{name}", position)
    missing = [c for c in _REQUIRED if c not in index]
    for column in missing:
        found.add(HEADER_ROW, _LABELS[column], f"The report has no {_LABELS[column]} column.")
    if "appointment_status" not in index and not assume_attended:
        found.add(HEADER_ROW, _LABELS["appointment_status"], NO_STATUS_COLUMN)
        return None
    return None if missing else index


def import_simplepractice(
    session: Session, table: RawTable, found: Findings, *, assume_attended: bool = False
) -> ImportResult:
    """Each row a session (or fee) of a client found or created by name, with what the
    client paid for it as a payment; ``assume_attended`` reads a report without its Status
    column as every appointment attended."""
    index = columns(table, found, assume_attended=assume_attended)
    if index is None:
        return ImportResult("simplepractice", table.file, len(table.rows), 0, 0, ())
    keys = RowKeys(SOURCE)
    total = len(table.rows)
    # Every row read first, touching nothing: a long report with problems is refused then.
    ready: list[tuple[int, dict[str, str], str, _Parsed]] = []
    for done, (number, cells) in enumerate(table.rows):
        found.step(done, total * 2)
        text = {name: clean(cells[position]) for name, position in index.items()}
        row_key = keys.key(tuple(" ".join(c.split()) for c in cells))
        parsed = _parse(text, number, found)
        if parsed is not None:
            ready.append((number, text, row_key, parsed))
    if len(ready) != total and total > FULL_CHECK_ROWS:
        return ImportResult("simplepractice", table.file, total, 0, 0, ())
    added = skipped = 0
    paid_any = False
    for done, (number, text, row_key, parsed) in enumerate(ready):
        found.step(total + done, total * 2)
        if already_imported(session, SOURCE, row_key):
            skipped += 1
            continue
        on, at, code, status, charge, paid, paid_on = parsed
        try:
            unit_id = _unit_for(session, text["client"], text.get("payer", ""))
            service_for(session, code)
            row = session_service.record_session(
                session,
                session_service.SessionInput(
                    unit_id=unit_id,
                    service_date=on,
                    start_time=at,
                    service_code=code,
                    status=status,
                    fee=charge,
                ),
            )
            if paid > 0:
                payment_service.record_payment(
                    session,
                    payment_service.PaymentInput(
                        unit_id=unit_id,
                        received_date=paid_on or on,
                        amount=paid,
                        method_id=method_id(session, METHOD),
                        reference=REFERENCE,
                        fee=ZERO,
                    ),
                )
                paid_any = True
        except ServiceError as exc:
            found.add(number, "(row)", str(exc))
            continue
        remember(session, SOURCE, row_key, "session", row.id)
        added += 1
    notes = (SERVICE_DATE_NOTE,) if paid_any and "payment_date" not in index else ()
    return ImportResult("simplepractice", table.file, total, added, skipped, (), notes=notes)


_Parsed = tuple[date, time | None, str, SessionStatus, Decimal, Decimal, date | None]


def _parse(text: dict[str, str], number: int, found: Findings) -> _Parsed | None:
    """The row's values, every problem of the row reported at once (None if any)."""
    before = len(found.problems)
    on: date | None = None
    at: time | None = None
    try:
        on, at = parse_sheet_date_time(text["date"])
    except FieldError as exc:
        found.add(number, _LABELS["date"], str(exc))
    paid_on: date | None = None
    if text.get("payment_date"):
        try:
            paid_on, _ = parse_sheet_date_time(text["payment_date"])
        except FieldError as exc:
            found.add(number, _LABELS["payment_date"], str(exc))
    if not text["client"]:
        found.add(number, _LABELS["client"], "Every appointment needs the client's name.")
    elif len(text["client"]) > 160:
        found.add(number, _LABELS["client"], "The client's name is far too long.")
    code = text["code"].upper()  # trailing spaces ("90834 ") are trimmed by clean()
    if (problem := code_problem(code)) is not None:
        found.add(number, _LABELS["code"], problem)
    amounts: dict[str, Decimal] = {}
    for name in ("client_charge", "client_paid", "client_unpaid"):
        if name not in text:
            continue
        try:
            amounts[name] = _amount(text[name], negative=name == "client_unpaid")
        except FieldError as exc:
            found.add(number, _LABELS[name], str(exc))
    status = _appointment_status(text, number, found)
    pay_status = key(text["client_status"])
    if pay_status not in _PAYMENT_STATUSES:
        found.add(
            number,
            _LABELS["client_status"],
            f"'{text['client_status']}' is not PAID, UNPAID, NO CHARGE or OVER.",
        )
    if len(found.problems) != before or on is None or status is None:
        return None
    charge, paid = amounts["client_charge"], amounts["client_paid"]
    problem = _status_problem(pay_status, charge, paid, amounts.get("client_unpaid"))
    if problem is None and status is SessionStatus.CANCELLED and charge > 0:
        problem = (
            f"A {text.get('appointment_status') or 'canceled'} appointment is never billable, "
            f"but it charges {charge}; mark it Late Canceled, or set its fee to 0."
        )
    if problem is not None:
        found.add(number, _LABELS["client_status"], problem)
        return None
    return on, at, code, status, charge, paid, paid_on


def _amount(text: str, *, negative: bool) -> Decimal:
    """A report amount; blank is zero. Unpaid is negative on an overpaid (OVER) row."""
    if not text:
        return ZERO
    if not negative:
        return parse_amount(text)
    try:
        value = parse_money(text, allow_negative=True)
    except MoneyError as exc:
        raise FieldError(str(exc)) from None
    if abs(value) > MAX_AMOUNT:
        raise FieldError(f"'{text}' is more than {MAX_AMOUNT:,}; check the amount.")
    return value


def _appointment_status(text: dict[str, str], number: int, found: Findings) -> SessionStatus | None:
    """The row's status; every row is attended when the report has no Status column (the
    person said so: ``columns`` refuses the report otherwise)."""
    if "appointment_status" not in text:
        return SessionStatus.ATTENDED
    written = text["appointment_status"]
    status = _APPOINTMENT_STATUSES.get(key(written))
    if status is None:
        found.add(
            number,
            _LABELS["appointment_status"],
            f"'{written}' is not {STATUS_WORDS}."
            if written
            else f"Enter the appointment's status: {STATUS_WORDS}.",
        )
    return status


def _money_words(charge: Decimal, paid: Decimal, unpaid: Decimal | None) -> dict[str, str]:
    amounts = {"charge": charge, "paid": paid, "unpaid": unpaid}
    return {name: format_money(v) if v is not None else "" for name, v in amounts.items()}


def _status_problem(
    status: str, charge: Decimal, paid: Decimal, unpaid: Decimal | None
) -> str | None:
    """The payment status must agree with the client's Charge, Paid and Unpaid."""
    money = _money_words(charge, paid, unpaid)
    if status == "paid" and paid != charge:
        return f"PAID, but {money['paid']} of {money['charge']} was paid."
    if status == "unpaid" and paid >= charge:
        return f"UNPAID, but {money['paid']} of {money['charge']} was paid."
    if status == "no charge" and charge != 0:
        return f"NO CHARGE, but the client's charge is {money['charge']}."
    if status == "over" and paid <= charge:
        return f"OVER (overpaid), but {money['paid']} of {money['charge']} was paid."
    if unpaid is None or charge - paid == unpaid:
        return None
    if status == "over" and unpaid == 0:  # some reports leave an overpayment's Unpaid at 0
        return None
    if unpaid < 0 and status != "over":
        return f"Unpaid is {money['unpaid']}, below zero, but the payment status is not OVER."
    return f"Charge {money['charge']} less Paid {money['paid']} is not Unpaid {money['unpaid']}."


def client_ref(name: str) -> str:
    """A stable reference for a client known only by name: SP- and the name's letters."""
    slug = re.sub(r"[^A-Z0-9]+", "-", name.upper()).strip("-")
    if not slug:
        slug = hashlib.sha256(" ".join(name.split()).casefold().encode()).hexdigest()[:10]
    return f"SP-{slug[:37].rstrip('-')}"


def _split_name(name: str) -> tuple[str, str]:
    """(first, last) from "First Last" or "Last, First"."""
    if "," in name:
        last, _, first = name.partition(",")
        return " ".join(first.split()), " ".join(last.split())
    parts = name.split()
    return " ".join(parts[:-1]), parts[-1]


def _unit_for(session: Session, name: str, payer_text: str) -> int:
    ref = client_ref(name)
    unit = find_unit_by_ref(session, ref)
    if unit is not None:
        return unit.id
    first, last = _split_name(name)
    payer = payer_id(session, payer_text) if payer_text.strip(" ()") else None
    detail = create_client(
        session,
        ClientInput(
            client_ref=ref,
            legal_first_name=first[:80],
            legal_last_name=last[:80],
            payer_id=payer,
            billing=BillingPreference.SUPERBILL
            if payer is not None and first
            else BillingPreference.PRIVATE,
        ),
    )
    return detail.unit_id
