"""The ledger's history replayed from an export folder, as it was.

An export holds, beside the books as they stand (``sessions.csv``, ``payments.csv``),
their history: every charge, application of money, write-off, discount, refund and
void, with its own date. ``import all`` of such a folder into a practice whose books
are empty writes the books from that history instead of posting the rows again by
the rules: voided sessions and payments come back voided on their day with their
reason, money is applied in its own order on its own dates (by hand or not), and
each write-off, discount and refund is itself. So an export of the new practice is
the old one's, byte for byte, ids aside.

Everything goes in as ``BatchWriter`` rows (a handful of INSERTs per table) with an
audit entry where the services write one; then the ledger's invariants are checked,
and books the files do not add up to are refused, every problem listed.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, exists, select, update
from sqlalchemy.orm import Session

from db.models import Adjustment, Allocation, Charge, Payment, Refund
from db.models import Session as SessionRecord
from desktop.domain.kinds import AdjustmentKind, AdjustmentReason, TxnKind, values
from desktop.services.audit import log as audit
from desktop.services.books import dates
from desktop.services.books.batch import (
    BatchWriter,
    adjustment_legs,
    allocation_legs,
    charge_legs,
    refund_legs,
    void_legs,
)
from desktop.services.books.queries import ledger_problems
from desktop.services.transfer.format import (
    parse_amount,
    parse_choice,
    parse_date,
    parse_flag,
)
from desktop.services.transfer.importing.common import Findings, records_by_name
from desktop.services.transfer.importing.history_entries import (
    ENTRY_COLUMNS,
    Entries,
    Posted,
    read_entries,
)
from desktop.services.transfer.importing.paperwork import Cells, whole_number
from desktop.services.transfer.importing.problems import FILE_ROW, Problem

# The files that carry the history, besides sessions.csv and payments.csv.
HISTORY_FILES = (
    "voided_sessions",
    "voided_payments",
    "charges",
    "allocations",
    "write_offs",
    "refunds",
    "voids",
)
_ID_COLUMNS = {"sessions": "session_id", "payments": "payment_id"}


def replayable(session: Session, folder: Path) -> bool:
    """Whether the folder carries the history (an export that names its sessions and
    payments) and the books are empty and open, so that the history can be written as it
    was (the folder's own closed-through date closes them once every entry is in)."""
    if not all((folder / f"{stem}.csv").is_file() for stem in HISTORY_FILES):
        return False
    for stem, column in _ID_COLUMNS.items():
        path = folder / f"{stem}.csv"
        if not path.is_file() or column not in _header(path):
            return False
    if dates.closed_through(session) is not None:
        return False
    held = (SessionRecord, Charge, Payment)
    return not any(session.scalar(select(exists().select_from(m))) for m in held)


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return next(csv.reader(file), [])


@dataclass
class _Ledger:
    """The entries written so far, and what replaying the history has found."""

    entries: Entries
    problems: list[Problem] = field(default_factory=list)
    voided: set[tuple[str, int]] = field(default_factory=set)  # (kind, export id)
    # What the voids set on rows written already: by model, (new id, values).
    updates: dict[type, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)

    def update(self, model: type, row_id: int, **values: Any) -> None:
        self.updates.setdefault(model, []).append((row_id, values))

    def apply_updates(self) -> None:
        """Set what the voids set, table by table (the void transactions are in by now)."""
        for model, changes in self.updates.items():
            table = model.__table__  # type: ignore[attr-defined]
            names = list(changes[0][1])
            statement = (
                update(table)
                .where(table.c.id == bindparam("row_id"))
                .values({name: bindparam(f"new_{name}") for name in names})
            )
            self.entries.session.execute(
                statement,
                [
                    {"row_id": row_id, **{f"new_{k}": v for k, v in values.items()}}
                    for row_id, values in changes
                ],
            )

    @property
    def posted(self) -> dict[str, dict[int, Posted]]:
        return self.entries.posted

    @property
    def writer(self) -> BatchWriter:
        return self.entries.writer


Rows = list[tuple[int, dict[str, str]]]
Step = Callable[[_Ledger, Rows, Findings], None]


def replay(
    session: Session, folder: Path, report: Callable[[int, int], None]
) -> tuple[list[Problem], dict[str, tuple[int, int]]]:
    """Write the folder's books and history; (every problem, rows and entries per file)."""
    specs = {**ENTRY_COLUMNS, **{stem: (columns, ()) for stem, columns in _COLUMNS.items()}}
    files = {stem: records_by_name(folder / f"{stem}.csv", *spec) for stem, spec in specs.items()}
    entries, found = read_entries(session, files)
    if found:
        return found, {}
    # Each step's rows are written as it ends, and its file let go: ten years of entries
    # are never all held at once. A problem found later rolls the whole import back.
    entries.writer.finish()
    for stem in ENTRY_COLUMNS:
        files.pop(stem)
    ledger = _Ledger(entries)
    counts = dict(entries.counts)
    steps: tuple[tuple[str, Step], ...] = (
        ("charges", _charges),
        ("allocations", _allocations),
        ("write_offs", _write_offs),
        ("refunds", _refunds),
        ("voids", _voids),
    )
    for done, (stem, step) in enumerate(steps):
        report(done, len(steps) + 1)
        rows, findings = files.pop(stem)
        if not findings.problems:
            step(ledger, rows, findings)
        ledger.problems += findings.problems
        counts[stem] = (len(rows), len(rows))
        if ledger.problems:
            return ledger.problems, counts
        ledger.writer.finish()
    _unvoided(ledger)
    if ledger.problems:
        return ledger.problems, counts
    ledger.apply_updates()
    entries.remember()
    report(len(steps), len(steps) + 1)
    return [
        Problem("charges.csv", FILE_ROW, "(file)", f"The history files do not add up: {p}.")
        for p in ledger_problems(session)
    ], counts


_COLUMNS = {
    "charges": (
        "charge_id", "client_ref", "session_id", "date", "service_code", "amount",
        "description", "voided_on",
    ),
    "allocations": (
        "allocation_id", "payment_id", "charge_id", "date", "amount", "by_hand", "voided_on",
    ),
    "write_offs": (
        "write_off_id", "charge_id", "client_ref", "date", "kind", "reason", "note", "amount",
        "voided_on",
    ),
    "refunds": (
        "refund_id", "payment_id", "client_ref", "date", "method", "amount", "reference",
        "voided_on",
    ),
    "voids": ("client_ref", "date", "voided", "voided_id", "reason"),
}  # fmt: skip


def _money(cells: Cells, column: str) -> Decimal | None:
    amount = cells.required(column, parse_amount)
    if amount is not None and amount <= 0:
        cells.problem(column, "The amount must be more than zero.")
    return amount


def _known(cells: Cells, ledger: _Ledger, kind: str, column: str) -> Posted | None:
    """The entry the column names by its export id, as written already."""
    export_id = cells.required(column, whole_number)
    posted = ledger.posted.get(kind, {}).get(export_id) if export_id is not None else None
    if export_id is not None and posted is None:
        cells.problem(column, f"There is no {kind} {export_id} in the folder's {kind} file.")
    return posted


def _head(cells: Cells, id_column: str) -> tuple[int, date, Decimal, date | None]:
    """What every history row starts with: its id, date, amount and the day it was voided."""
    return (
        cells.required(id_column, whole_number),
        cells.required("date", parse_date),
        _money(cells, "amount"),
        cells.read("voided_on", parse_date),
    )


def _numbered(text: str) -> tuple[int, int]:
    """A row's place by its id; a row without a readable one last (its problem is noted)."""
    return (0, int(text)) if text.isdigit() else (1, 0)


def _payment(cells: Cells, entries: Entries) -> int | None:
    """The new id of the payment the row names by its export id."""
    old = cells.required("payment_id", whole_number)
    payment_id = entries.payment_ids.get(old)
    if old is not None and payment_id is None:
        cells.problem("payment_id", f"There is no payment {old} in the payments files.")
    return payment_id


# --- each file -------------------------------------------------------------------------


def _charges(ledger: _Ledger, rows: Rows, found: Findings) -> None:
    """Charges in the order the old books numbered them (the file lists them by date), so
    that the new books number them alike and list them, and their ids, as the file does."""
    entries = ledger.entries
    for number, row in sorted(rows, key=lambda r: _numbered(r[1]["charge_id"])):
        cells = Cells(found, number, row)
        export_id, on, amount, voided_on = _head(cells, "charge_id")
        unit_id = entries.unit(cells, "client_ref")
        service_id = entries.service(cells, "service_code")
        session_id = None
        if row["session_id"]:
            old = cells.read("session_id", whole_number)
            session_id = entries.session_ids.get(old)
            if old is not None and session_id is None:
                cells.problem("session_id", f"There is no session {old} in the sessions files.")
        if not cells.ok:
            continue
        description = row["description"]
        charge = {
            "unit_id": unit_id,
            "session_id": session_id,
            "service_id": service_id,
            "service_date": on,
            "amount": amount,
            "description": description,
        }

        charge_id = ledger.entries.next_id(Charge)
        legs = charge_legs(charge_id, service_id, amount)

        txn = (TxnKind.CHARGE, on, unit_id, description)
        new_id = ledger.entries.write("charge", export_id, Charge, charge, txn, legs, voided_on)
        if session_id is None:
            # As ``fees.record_fee`` audits a charge that is not a session.
            code = row["service_code"].upper()
            after = {"service": code, "amount": amount, "date": on}
            ledger.writer.audit(audit.Pending("create", "charge", new_id, after, None, unit_id))
            entries.fee_charges.append((export_id, new_id, voided_on is None))


def _allocations(ledger: _Ledger, rows: Rows, found: Findings) -> None:
    for number, row in rows:
        cells = Cells(found, number, row)
        export_id, on, amount, voided_on = _head(cells, "allocation_id")
        by_hand = cells.required("by_hand", parse_flag)
        charge = _known(cells, ledger, "charge", "charge_id")
        payment_id = _payment(cells, ledger.entries)
        if (
            charge is not None
            and payment_id is not None
            and ledger.entries.payment_units[payment_id] != charge.unit_id
        ):
            cells.problem("payment_id", "A payment can be applied only to its client's charges.")
        if not cells.ok or charge is None or payment_id is None:
            continue
        charge_id = charge.row_id
        applied = {
            "payment_id": payment_id,
            "charge_id": charge_id,
            "amount": amount,
            "manual": by_hand,
        }

        legs = allocation_legs(payment_id, charge_id, amount)

        txn = (TxnKind.ALLOCATION, on, charge.unit_id, "")
        new_id = ledger.entries.write(
            "allocation", export_id, Allocation, applied, txn, legs, voided_on
        )
        if by_hand:
            after = {"payment_id": payment_id, "charge_id": charge_id, "amount": amount}
            ledger.writer.audit(
                audit.Pending("create", "allocation", new_id, after, None, charge.unit_id)
            )


def _write_offs(ledger: _Ledger, rows: Rows, found: Findings) -> None:
    for number, row in rows:
        cells = Cells(found, number, row)
        export_id, on, amount, voided_on = _head(cells, "write_off_id")
        kind = cells.required("kind", lambda t: parse_choice(t, values(AdjustmentKind)))
        reason = cells.required("reason", lambda t: parse_choice(t, values(AdjustmentReason)))
        charge = _known(cells, ledger, "charge", "charge_id")
        note = row["note"]
        if reason == AdjustmentReason.OTHER.value and not note:
            cells.problem("note", "Say why, when the reason is other.")
        if charge is not None and on is not None and on < charge.on:
            cells.problem("date", "A write-off cannot be dated before the service it reduces.")
        if not cells.ok or charge is None:
            continue
        charge_id = charge.row_id
        adjustment = {
            "charge_id": charge_id,
            "kind": kind,
            "reason": reason,
            "note": note,
            "amount": amount,
        }

        legs = adjustment_legs(charge_id, reason, amount)

        txn = (TxnKind.ADJUSTMENT, on, charge.unit_id, note)
        new_id = ledger.entries.write(
            "adjustment", export_id, Adjustment, adjustment, txn, legs, voided_on
        )
        # As ``write_offs.write_off`` audits it.
        after = {**adjustment, "date": on}
        ledger.writer.audit(
            audit.Pending("create", "adjustment", new_id, after, None, charge.unit_id)
        )


def _refunds(ledger: _Ledger, rows: Rows, found: Findings) -> None:
    entries = ledger.entries
    for number, row in rows:
        cells = Cells(found, number, row)
        export_id, on, amount, voided_on = _head(cells, "refund_id")
        method_id = entries.method(cells, "method")
        payment_id = _payment(cells, entries)
        if payment_id is not None and on is not None and on < entries.payment_dates[payment_id]:
            cells.problem("date", "A refund cannot be dated before the payment it returns.")
        if not cells.ok or payment_id is None:
            continue
        unit_id = entries.payment_units[payment_id]
        refund = {
            "unit_id": unit_id,
            "payment_id": payment_id,
            "refund_date": on,
            "method_id": method_id,
            "amount": amount,
            "reference": row["reference"],
        }

        legs = refund_legs(payment_id, method_id, amount)

        txn = (TxnKind.REFUND, on, unit_id, row["reference"])
        new_id = ledger.entries.write("refund", export_id, Refund, refund, txn, legs, voided_on)
        # As ``refunds.record_refund`` audits it.
        after = {"amount": amount, "date": on, "refunds": [new_id], "reference": row["reference"]}
        ledger.writer.audit(audit.Pending("create", "refund", new_id, after, None, unit_id))


_VOIDED = ("charge", "payment", "allocation", "adjustment", "refund", "session")


def _voids(ledger: _Ledger, rows: Rows, found: Findings) -> None:
    """Each void on its day, with its reason, in the order they were made."""
    entries = ledger.entries
    for number, row in rows:
        cells = Cells(found, number, row)
        on = cells.required("date", parse_date)
        kind = cells.required("voided", lambda t: parse_choice(t, _VOIDED))
        export_id = cells.required("voided_id", whole_number)
        reason = row["reason"]
        if not reason:
            cells.problem("reason", "Every void needs its reason.")
        if not cells.ok:
            continue
        if (kind, export_id) in ledger.voided:
            cells.problem("voided_id", f"This {kind} is voided twice.")
            continue
        ledger.voided.add((kind, export_id))
        if kind == "session":
            voided = entries.voided_sessions.get(export_id)
            if voided is None:
                cells.problem(
                    "voided_id", f"There is no session {export_id} in voided_sessions.csv."
                )
                continue
            session_id, unit_id = voided
            at = datetime.combine(on, time(), UTC)
            ledger.update(SessionRecord, session_id, voided_at=at, void_reason=reason)
            after = {"reason": reason}
            entries.writer.audit(audit.Pending("void", "session", session_id, after, None, unit_id))
            continue
        posted = ledger.posted.get(kind, {}).get(export_id)
        if posted is None:
            cells.problem("voided_id", f"There is no {kind} {export_id} in the folder's files.")
            continue
        if kind == "payment" and export_id not in entries.voided_payments:
            cells.problem("voided_id", f"Payment {export_id} is not in voided_payments.csv.")
            continue
        if on < posted.on:
            cells.problem("date", f"The void is dated before the {kind} it reverses.")
            continue
        if kind != "payment" and posted.voided_on != on:
            cells.problem("date", f"The {kind}'s own file gives another day for this void.")
            continue
        negated = void_legs(posted.legs)
        void_txn_id = entries.writer.post(
            TxnKind.VOID, on, posted.unit_id, negated, memo=reason, reverses_id=posted.txn_id
        )
        ledger.update(_MODELS[kind], posted.row_id, void_txn_id=void_txn_id)
        if _audited_void(kind, reason):
            after = {"reason": reason}
            entries.writer.audit(
                audit.Pending("void", kind, posted.row_id, after, None, posted.unit_id)
            )


_MODELS: dict[str, type] = {
    "charge": Charge,
    "payment": Payment,
    "allocation": Allocation,
    "adjustment": Adjustment,
    "refund": Refund,
}


def _audited_void(kind: str, reason: str) -> bool:
    """Whether the services write an entry of its own for this void: not for what a
    payment's, a charge's or a session's void reverses with it (their entry says it)."""
    if kind == "allocation":
        return not reason.startswith(("Payment voided: ", "Charge voided: ", "Session voided: "))
    if kind in ("charge", "adjustment"):
        return not reason.startswith(("Charge voided: ", "Session voided: "))
    return True


def _unvoided(ledger: _Ledger) -> None:
    """Every entry its file says was voided has its void in voids.csv."""
    files = {
        "charge": "charges.csv",
        "allocation": "allocations.csv",
        "adjustment": "write_offs.csv",
        "refund": "refunds.csv",
    }
    for kind, file in files.items():
        for export_id, posted in ledger.posted.get(kind, {}).items():
            if posted.voided_on is not None and (kind, export_id) not in ledger.voided:
                ledger.problems.append(
                    Problem(
                        file,
                        FILE_ROW,
                        "voided_on",
                        f"{kind.capitalize()} {export_id} was voided, but voids.csv does "
                        "not say why; export the practice again.",
                    )
                )
    listed = (
        ("session", "voided_sessions.csv", ledger.entries.voided_sessions),
        ("payment", "voided_payments.csv", ledger.entries.voided_payments),
    )
    for kind, file, export_ids in listed:
        for export_id in export_ids:
            if (kind, export_id) not in ledger.voided:
                ledger.problems.append(
                    Problem(
                        file,
                        FILE_ROW,
                        f"{kind}_id",
                        f"{kind.capitalize()} {export_id} is listed as voided, but voids.csv "
                        "does not say why; export the practice again.",
                    )
                )
