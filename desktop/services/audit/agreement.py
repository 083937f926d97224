"""Do the books agree with the audit log? The log replayed against the rows it describes.

Every change the app makes to a session, payment, document or claim writes an
audit entry whose ``after`` holds the fields it set. Replaying the log (each
entry's fields over the last ones, in order) gives the state the app left each
record in; a row whose columns differ from it was changed without the app (for
instance ``UPDATE sessions SET fee_cents = 1``), and a row with no entry at all
was added without it. The ledger's own rows cannot change (triggers, checked by
``db.guards``), so a payment's amount here and the session's fee covers it.

Each kind of record is replayed by walking its entries (through the log's
index on entity and record) beside its rows, both in record order and both as
plain SQL rows read in batches: one record in memory at a time whatever the size
of the books, and no ORM object built. A column is turned into the form the log
writes (``"150.00"`` for money, ISO text for dates) only where the two are compared.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import Date, Dialect, LargeBinary, inspect
from sqlalchemy.orm import Session

from db.models import Claim, Document, Payment
from db.models import Session as SessionRecord
from db.models.base import Cents
from db.queries.plain import plain_rows


@dataclass(frozen=True)
class Audited:
    """A kind of record whose state the audit log carries."""

    entity: str  # as the log names it
    model: type
    voided: str | None = None  # the column a ``void`` entry sets


AUDITED = (
    Audited("session", SessionRecord, voided="voided_at"),
    Audited("payment", Payment),
    Audited("document", Document),
    Audited("claim", Claim),
)

# Each record's entries in order, read through the (entity, entity_id) index.
_ENTRIES = (
    "SELECT entity_id, id, action, after_json FROM audit_log "
    "WHERE entity = ? AND entity_id IS NOT NULL ORDER BY entity_id, id"
)
_ADVICE = "compare with a backup ('quietledger check --against BACKUP')."


def _plain(value: object) -> object:
    """A column's value as the audit log writes it (``audit.log.to_json``)."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def _cents_text(cents: object) -> object:
    """Whole cents as the log writes the amount (``f"{from_cents(c):.2f}"``), without the
    Decimal on the way; anything but an integer is left for the comparison to reject."""
    if cents.__class__ is not int:
        return cents
    whole, part = divmod(abs(cents), 100)  # type: ignore[call-overload]
    return f"{'-' if cents < 0 else ''}{whole}.{part:02d}"  # type: ignore[operator]


Converter = Callable[[object], object]


class _CentsText(dict):
    """``_cents_text`` of each amount, worked out once: a practice charges a handful of fees
    a hundred thousand times."""

    def __missing__(self, cents: object) -> object:
        text = self[cents] = _cents_text(cents)
        return text


def _converter(column: Any, dialect: Dialect) -> Converter | None:
    """How a stored value becomes the value the log wrote; None when it is already that."""
    if isinstance(column.type, Cents):
        return _CentsText().__getitem__
    processor = column.type.dialect_impl(dialect).result_processor(dialect, None)
    if processor is None:
        return None

    def convert(stored: object) -> object:
        if stored is None:
            return None
        try:
            return _plain(processor(stored))
        except (TypeError, ValueError):  # damaged text: shown, and differs, as it is
            return stored

    return convert


class _Table:
    """One kind of audited record read as plain rows: its columns, positions and forms."""

    def __init__(self, spec: Audited, dialect: Dialect) -> None:
        mapper = inspect(spec.model)
        # Stored files (a document's PDF) are not in the log: their hash is, as a column.
        attrs = [a for a in mapper.column_attrs if not isinstance(a.columns[0].type, LargeBinary)]
        columns = [a.columns[0] for a in attrs]
        self.spec = spec
        self.position = {a.key: i for i, a in enumerate(attrs)}
        self.convert = [_converter(c, dialect) for c in columns]
        # field -> (position, whether the stored value may be compared as it is, converter).
        # A date is stored as the ISO text the log writes: parsed only when it differs.
        self.compared = {
            key: (i, self.convert[i] is None or isinstance(columns[i].type, Date), self.convert[i])
            for key, i in self.position.items()
            if key != "id"
        }
        self.id = self.position["id"]
        self.voided = None if spec.voided is None else self.position[spec.voided]
        self.sql = (
            f"SELECT {', '.join(c.name for c in columns)} FROM {mapper.local_table.name} "
            f"ORDER BY {columns[self.id].name}"
        )

    def found(self, row: tuple[object, ...], field: str) -> object:
        """The row's ``field`` as the log would have written it."""
        position = self.position[field]
        convert = self.convert[position]
        stored = row[position]
        return stored if convert is None else convert(stored)


# The state a record's entries leave it in: (its last entry, whether one voided it, the
# fields they set).
_Replayed = tuple[int, bool, dict[str, object]]
_DECODER = json.JSONDecoder()


def _values(after: str | None) -> dict[str, object]:
    """The fields an entry set; nothing from text that is not the log's JSON (the chain check
    names such an entry: it was changed after it was written)."""
    try:
        parsed = _DECODER.raw_decode(after)[0] if after else None
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def agreement_problems(session: Session) -> Iterator[str]:
    """Each audited record that differs from the state its entries give it, in a sentence.

    The log's entries for a kind of record (in record order) and the records (in id
    order) are walked side by side: one record's entries in memory at a time, so ten
    years of books take no more memory than one.
    """
    dialect = session.get_bind().dialect
    for spec in AUDITED:
        yield from _compare(session, _Table(spec, dialect))


def _replayed(session: Session, table: _Table) -> Iterator[tuple[int, _Replayed]]:
    """(record id, the state its entries leave it in), in record order."""
    entries_in_order = plain_rows(session, _ENTRIES, (table.spec.entity,))
    for record_id, entries in groupby(entries_in_order, key=itemgetter(0)):
        values: dict[str, object] = {}
        voided = False
        entry_id = 0
        for _id, entry_id, action, after in entries:  # noqa: B007 (the last one is kept)
            if action == "void":
                voided = True
            values.update(_values(after))
        yield int(record_id), (int(entry_id), voided, values)  # type: ignore[call-overload]


def _compare(session: Session, table: _Table) -> Iterator[str]:
    records = plain_rows(session, table.sql)
    replayed = _replayed(session, table)
    pending = next(replayed, None)
    for record in records:
        record_id = int(record[table.id])  # type: ignore[call-overload]
        while pending is not None and pending[0] < record_id:
            yield _only_in_log(table.spec, *pending)
            pending = next(replayed, None)
        if pending is None or pending[0] != record_id:
            yield (
                f"{_name(table, record)} has no audit entry: it was added without Quiet "
                f"Ledger; {_ADVICE}"
            )
            continue
        differences = _differences(table, record, pending[1])
        if differences:
            yield from differences
        pending = next(replayed, None)
    while pending is not None:
        yield _only_in_log(table.spec, *pending)
        pending = next(replayed, None)


def _only_in_log(spec: Audited, record_id: int, state: _Replayed) -> str:
    return (
        f"{spec.entity.capitalize()} {record_id} is in the audit log (entry "
        f"{state[0]}) but not in the books; {_ADVICE}"
    )


def _differences(table: _Table, record: tuple[object, ...], state: _Replayed) -> list[str]:
    """How a record differs from its replayed state (a list, as it is usually empty: a
    generator made for each of a hundred thousand records costs more than the check)."""
    last_entry, voided, values = state
    compared = table.compared
    found_differences: list[str] = []
    for field, audited in values.items():
        how = compared.get(field)
        if how is None:  # not a column of the record (a claim's document label)
            continue
        position, as_stored, convert = how
        stored = record[position]
        if as_stored and stored == audited:
            continue
        found = stored if convert is None else convert(stored)
        if found != audited:
            found_differences.append(
                f"{_name(table, record)} has {_label(field)} {_shown(found)} in the books, but "
                f"its audit entry {last_entry} says {_shown(audited)}: it was changed "
                f"without Quiet Ledger; {_ADVICE}"
            )
    if table.voided is not None and (record[table.voided] is not None) != voided:
        said = "voided" if voided else "not voided"
        found_differences.append(
            f"{_name(table, record)} is {'not ' if record[table.voided] is None else ''}voided "
            f"in the books, but its audit entries say {said}; {_ADVICE}"
        )
    return found_differences


def _name(table: _Table, record: tuple[object, ...]) -> str:
    """``Session 12 (03/02/2026)``: the record as a person would look it up."""
    name = f"{table.spec.entity.capitalize()} {record[table.id]}"
    for field in ("service_date", "received_date"):
        if field in table.position and record[table.position[field]]:
            return f"{name} ({_shown(table.found(record, field))})"
    if "number" in table.position and record[table.position["number"]]:
        return f"{name} ({record[table.position['number']]})"
    return name


def _label(field: str) -> str:
    return field.replace("_", " ")


def _shown(value: object) -> str:
    """A value in a sentence: dates as on paper (MM/DD/YYYY)."""
    if value in (None, ""):
        return "nothing"
    text = str(value)
    try:
        return f"{date.fromisoformat(text):%m/%d/%Y}" if len(text) == 10 else text
    except ValueError:
        return text


# Each issued document's stored PDF beside the fingerprint recorded when it was issued.
_STORED_COPIES = "SELECT id, number, version, pdf, sha256 FROM documents ORDER BY id"


def stored_copy_problems(session: Session) -> Iterator[str]:
    """Each issued document whose stored PDF is not the one its fingerprint (SHA-256, in
    the row and in the audit log) was taken of, in a sentence.

    The agreement above proves the fingerprint is the one the log recorded; this proves
    the bytes a reprint hands out are the ones issued. PDFs are read a few at a time.
    """
    for _id, number, version, pdf, fingerprint in plain_rows(session, _STORED_COPIES, batch=8):
        if hashlib.sha256(pdf or b"").hexdigest() != fingerprint:
            yield (
                f"The stored PDF of {number} version {version} is not the one issued (its "
                f"SHA-256 differs from the fingerprint recorded when it was issued): it was "
                f"replaced without Quiet Ledger; {_ADVICE}"
            )
