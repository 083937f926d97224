"""The sessions and payments of an export folder, voided ones too, written as they were
for the ledger's history to build on (``history``).

Sessions come from ``sessions.csv`` and ``voided_sessions.csv``, payments from
``payments.csv`` and ``voided_payments.csv``, each named by the id the export gave it
and written in that order, so that the new books list them as the old ones did. A
session's charges, the money applied and refunded, come from the history files.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Payment, PaymentMethod, Service
from db.models import Session as SessionRecord
from desktop.domain.kinds import TxnKind
from desktop.domain.money import ZERO
from desktop.services.audit import log as audit
from desktop.services.books import payments as payment_service
from desktop.services.books import sessions as session_service
from desktop.services.books.batch import BatchWriter, Leg, payment_legs
from desktop.services.clients.names import unit_names
from desktop.services.errors import ServiceError
from desktop.services.practice.settings import fee_for
from desktop.services.transfer.format import FEE_STATUS, LAYOUTS, ImportKind
from desktop.services.transfer.importing import payments as payment_rows
from desktop.services.transfer.importing import sessions as session_rows
from desktop.services.transfer.importing.common import Findings, Row, RowKeys, remember_all
from desktop.services.transfer.importing.paperwork import Cells, whole_number
from desktop.services.transfer.importing.problems import Problem

_SESSIONS = LAYOUTS[ImportKind.SESSIONS]
_PAYMENTS = LAYOUTS[ImportKind.PAYMENTS]


@dataclass(frozen=True)
class Posted:
    """An entry written: its new id and transaction, and the day its file says it was
    voided, with its legs (kept only then) so that its void can reverse it exactly."""

    row_id: int
    txn_id: int
    unit_id: int
    on: date
    legs: tuple[Leg, ...]
    voided_on: date | None


@dataclass
class Entries:
    """What has been written, by the ids the export gave it, and the lookups it needs."""

    session: Session
    writer: BatchWriter
    units: dict[str, int] = field(default_factory=dict)  # client_ref (lower) -> unit
    services: dict[str, int] = field(default_factory=dict)
    methods: dict[str, int] = field(default_factory=dict)
    session_ids: dict[int, int] = field(default_factory=dict)
    # The sessions voided_sessions.csv lists: export id -> (new id, unit).
    voided_sessions: dict[int, tuple[int, int]] = field(default_factory=dict)
    posted: dict[str, dict[int, Posted]] = field(default_factory=dict)
    payment_ids: dict[int, int] = field(default_factory=dict)
    payment_units: dict[int, int] = field(default_factory=dict)  # by new id
    payment_dates: dict[int, date] = field(default_factory=dict)  # by new id
    voided_payments: set[int] = field(default_factory=set)
    # Charges that are not sessions: (export id, new id, not voided), for fee rows' keys.
    fee_charges: list[tuple[int, int, bool]] = field(default_factory=list)
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)
    memo: dict[str, dict[Any, Any]] = field(default_factory=dict)  # looked up once
    # Row keys of sessions.csv and payments.csv: (source, key, what, export id).
    keys: list[tuple[str, str, str, int]] = field(default_factory=list)

    def unit(self, cells: Cells, column: str) -> int | None:
        found = self.units.get(cells.row[column].lower())
        if found is None:
            cells.problem(column, f"There is no client '{cells.row[column]}' in clients.csv.")
        return found

    def service(self, cells: Cells, column: str) -> int | None:
        found = self.services.get(cells.row[column].upper())
        if found is None:
            cells.problem(column, f"There is no service '{cells.row[column]}' in services.csv.")
        return found

    def method(self, cells: Cells, column: str) -> int | None:
        found = self.methods.get(cells.row[column].lower())
        if found is None:
            cells.problem(column, f"There is no payment method '{cells.row[column]}'.")
        return found

    def next_id(self, model: type) -> int:
        """The id the next row of ``model`` held will have."""
        return self.writer.rows.next_id[model]

    def write(
        self,
        kind: str,
        export_id: int,
        model: type,
        row: dict[str, Any],
        txn: tuple[TxnKind, date, int, str],
        legs: tuple[Leg, ...],
        voided_on: date | None,
        *,
        voided: bool = False,
    ) -> int:
        """Hold the entry's transaction and row; returns its new id. ``voided``: its file
        says it was voided (``voided_on`` says so where the file gives the day)."""
        txn_kind, on, unit_id, memo = txn
        kept = tuple(leg for leg in legs if leg[1] != 0)
        row["txn_id"] = self.writer.post(txn_kind, on, unit_id, kept, memo=memo)
        row["void_txn_id"] = None
        new_id = self.writer.add_row(model, row)
        voidable = voided or voided_on is not None
        self.posted.setdefault(kind, {})[export_id] = Posted(
            new_id, row["txn_id"], unit_id, on, kept if voidable else (), voided_on
        )
        return new_id

    def remember(self) -> None:
        """Each row of sessions.csv and payments.csv noted as imported, as the one-file
        imports note them, so that importing the folder again adds nothing."""
        fees = iter(new for _, new, live in sorted(self.fee_charges) if live)
        ids = {"session": self.session_ids, "payment": self.payment_ids}
        by_source: dict[str, list[tuple[str, int]]] = {"sessions": [], "payments": []}
        for source, row_key, what, export_id in self.keys:
            new_id = next(fees, 0) if what == "fee" else ids[what][export_id]
            by_source[source].append((row_key, new_id))
        for source, rows in by_source.items():
            remember_all(self.session, source, source.removesuffix("s"), rows)


# How the entry files are read: (required columns, optional columns).
ENTRY_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "sessions": (_SESSIONS.required, (*_SESSIONS.optional, "session_id")),
    "voided_sessions": (_SESSIONS.required, (*_SESSIONS.optional, "session_id")),
    "payments": (_PAYMENTS.required, (*_PAYMENTS.optional, "payment_id")),
    "voided_payments": (_PAYMENTS.required, (*_PAYMENTS.optional, "payment_id")),
}
Read = tuple[list[tuple[int, Row]], Findings]  # a file's rows by column name, its problems


def read_entries(session: Session, files: dict[str, Read]) -> tuple[Entries, list[Problem]]:
    """Every session and payment of the folder's files (read once, by the caller) held in
    a new ``BatchWriter``."""
    entries = Entries(session, BatchWriter(session))
    _lookups(entries, files)
    problems: list[Problem] = []
    for write in (_sessions, _payments):
        problems += write(entries, files)
    return entries, problems


def _lookups(entries: Entries, files: dict[str, Read]) -> None:
    """Clients, services and methods by name; a service or method the files name that the
    books lack is made now, before any entry is held (its audit entry first)."""
    session = entries.session
    entries.units = {unit.ref.lower(): unit_id for unit_id, unit in unit_names(session).items()}
    codes: set[str] = set()
    methods: set[str] = set()
    for stem, columns in (
        ("sessions", ("service_code", "addon_code")),
        ("voided_sessions", ("service_code", "addon_code")),
        ("charges", ("service_code",)),
        ("payments", ("method",)),
        ("voided_payments", ("method",)),
        ("refunds", ("method",)),
    ):
        for _, row in files[stem][0]:
            for column in columns:
                if row.get(column):
                    (methods if column == "method" else codes).add(row[column])
    for code in sorted(c.upper() for c in codes):
        if session_rows.code_problem(code) is None:
            session_rows.service_for(session, code)
    for name in sorted(methods, key=str.lower):
        if len(name) <= payment_rows.MAX_METHOD:
            payment_rows.method_id(session, name)
    entries.services = dict(session.execute(select(Service.code, Service.id)).all())
    entries.methods = {
        name.lower(): id_
        for name, id_ in session.execute(select(PaymentMethod.name, PaymentMethod.id))
    }


def _sessions(entries: Entries, files: dict[str, Read]) -> list[Problem]:
    """Sessions of both files in the order the export numbered them."""
    held: list[tuple[int, int, dict[str, object], Cells, bool]] = []
    problems: list[Problem] = []
    for stem in ("sessions", "voided_sessions"):
        rows, found = files[stem]
        keys = RowKeys("sessions")
        for number, text in rows:
            parsed = session_rows.parse_row(text, number, found)
            cells = Cells(found, number, text)
            is_fee = parsed is not None and parsed[0].get("status") == FEE_STATUS
            export_id = None if is_fee else cells.required("session_id", whole_number)
            if stem == "sessions":
                row_key = keys.key(tuple(text[c] for c in _SESSIONS.columns))
                what = "fee" if is_fee else "session"
                entries.keys.append(("sessions", row_key, what, export_id or 0))
            unit_id = entries.unit(cells, "client_ref")
            if is_fee or parsed is None or not cells.ok or export_id is None or unit_id is None:
                continue
            held.append((export_id, unit_id, parsed[0], cells, stem == "voided_sessions"))
        entries.counts[stem] = (len(rows), 0)
        problems += found.problems
    if problems:
        return problems
    writer = entries.writer
    for export_id, unit_id, data, cells, voided in sorted(held, key=lambda h: h[0]):
        given = session_service.SessionInput(unit_id=unit_id, **data)  # type: ignore[arg-type]
        try:
            service, addon = session_service._validate(entries.session, given)
        except ServiceError as exc:
            cells.problem(
                session_rows._FIELD_COLUMNS.get(getattr(exc, "field", ""), "(row)"), str(exc)
            )
            continue
        record = SessionRecord(
            unit_id=unit_id, service_date=given.service_date, service_id=service.id
        )
        session_service._apply(entries.session, record, given, service, addon)
        after = audit.snapshot(record, session_service._AUDITED)
        row = {**after, "voided_at": None, "void_reason": None}
        new_id = writer.add_row(SessionRecord, row)
        entries.session_ids[export_id] = new_id
        if voided:
            entries.voided_sessions[export_id] = (new_id, unit_id)
        writer.audit(audit.Pending("create", "session", new_id, after, None, unit_id))
    for stem in ("sessions", "voided_sessions"):
        rows = entries.counts[stem][0]
        entries.counts[stem] = (rows, rows)
    return _found(h[3] for h in held)


def _found(held: Iterable[Cells]) -> list[Problem]:
    """The problems the books' own checks added to the files' findings (every problem of
    reading them was returned before anything was written)."""
    seen: dict[int, Findings] = {id(cells.found): cells.found for cells in held}
    return [p for found in seen.values() for p in found.problems]


def _payments(entries: Entries, files: dict[str, Read]) -> list[Problem]:
    """Payments of both files in the order the export numbered them."""
    held: list[tuple[int, int, Any, dict[str, str], Cells]] = []
    problems: list[Problem] = []
    for stem in ("payments", "voided_payments"):
        rows, found = files[stem]
        keys = RowKeys("payments")
        for number, text in rows:
            parsed = payment_rows.parse_row(text, number, found)
            cells = Cells(found, number, text)
            export_id = cells.required("payment_id", whole_number)
            if stem == "payments":
                row_key = keys.key(tuple(text[c] for c in _PAYMENTS.columns))
                entries.keys.append(("payments", row_key, "payment", export_id or 0))
            unit_id = entries.unit(cells, "client_ref")
            entries.method(cells, "method")
            if parsed is None or not cells.ok or export_id is None or unit_id is None:
                continue
            if stem == "voided_payments":
                entries.voided_payments.add(export_id)
            held.append((export_id, unit_id, parsed, text, cells))
        entries.counts[stem] = (len(rows), len(rows))
        problems += found.problems
    if problems:
        return problems
    for export_id, unit_id, parsed, text, cells in sorted(held, key=lambda h: h[0]):
        _payment(entries, export_id, unit_id, parsed, text, cells)
    return _found(cells for *_, cells in held)


def _payment(
    entries: Entries, export_id: int, unit_id: int, parsed: Any, text: dict[str, str], cells: Cells
) -> None:
    session = entries.session
    method_id = entries.methods[text["method"].lower()]
    payers = entries.memo.setdefault("payers", {})
    methods = entries.memo.setdefault("methods", {})
    try:
        paid_by = text["paid_by"].lower()
        if paid_by not in payers:
            payers[paid_by] = payment_rows._paid_by(session, text["paid_by"])
        payer_id = payers[paid_by]
        payment_service._check_payer(session, unit_id, payer_id)
        if method_id not in methods:
            methods[method_id] = payment_service._method(session, method_id)
        method = methods[method_id]
    except ServiceError as exc:
        cells.problem("paid_by", str(exc))
        return
    amount: Decimal = parsed.amount
    fee = parsed.fee if parsed.fee is not None else fee_for(amount, method)
    if not ZERO <= fee <= amount:
        cells.problem("fee", "The processing fee must be between zero and the amount.")
        return
    reference = text["reference"]
    payment = {
        "unit_id": unit_id,
        "payer_client_id": payer_id,
        "received_date": parsed.on,
        "method_id": method_id,
        "amount": amount,
        "fee": fee,
        "reference": reference,
    }

    legs = payment_legs(entries.next_id(Payment), method_id, amount, fee)

    txn = (TxnKind.PAYMENT, parsed.on, unit_id, reference)
    voided = export_id in entries.voided_payments
    new_id = entries.write("payment", export_id, Payment, payment, txn, legs, None, voided=voided)
    entries.payment_ids[export_id] = new_id
    entries.payment_units[new_id] = unit_id
    entries.payment_dates[new_id] = parsed.on
    # As ``payments.record_payment`` audits it.
    after = {
        "received_date": parsed.on,
        "amount": amount,
        "fee": fee,
        "method": method.name,
        "reference": reference,
        "payer_client_id": payer_id,
        "allocations": [],
    }
    entries.writer.audit(audit.Pending("create", "payment", new_id, after, None, unit_id))
