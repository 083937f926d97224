"""Do the books agree with the audit log? The log replayed against the rows it describes.

Every change the app makes to a session, payment, document or claim writes an
audit entry whose ``after`` holds the fields it set. Replaying the log (each
entry's fields over the last ones, in order) gives the state the app left each
record in; a row whose columns differ from it was changed without the app (for
instance ``UPDATE sessions SET fee_cents = 1``), and a row with no entry at all
was added without it. The ledger's own rows cannot change (triggers, checked by
``db.guards``), so a payment's amount here and the session's fee cover it.

Each kind of record is replayed by walking its entries (through the log's
index on entity and record, as plain SQL rows) beside its rows, both in record
order, so memory stays that of one record whatever the size of the books.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from itertools import groupby
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from db.models import Claim, Document, Payment
from db.models import Session as SessionRecord


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
_VOIDED = "\x00voided"
_ENTRY = "\x00entry"


def _columns(model: type) -> dict[str, Any]:
    """The model's attribute names and their columns (``fee`` -> ``fee_cents``)."""
    return {attr.key: attr.columns[0] for attr in inspect(model).column_attrs}


def _plain(value: object) -> object:
    """A column's value as the audit log writes it (``audit.log.to_json``)."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


# Each record's entries in order, read through the (entity, entity_id) index.
_ENTRIES = (
    "SELECT entity_id, id, action, after_json FROM audit_log "
    "WHERE entity = ? AND entity_id IS NOT NULL ORDER BY entity_id, id"
)
_BATCH = 2000


def agreement_problems(session: Session) -> Iterator[str]:
    """Each audited record that differs from the state its entries give it, in a sentence.

    The log's entries for a kind of record (in record order) and the records (in id
    order) are walked side by side: one record's entries in memory at a time, so ten
    years of books take no more memory than one.
    """
    for spec in AUDITED:
        yield from _compare(session, spec)


def _replayed(session: Session, spec: Audited) -> Iterator[tuple[int, dict[str, object]]]:
    """(record id, the state its entries leave it in), in record order."""
    fields = frozenset(_columns(spec.model)) - {"id"}
    result = session.connection().exec_driver_sql(_ENTRIES, (spec.entity,))
    rows = (row for batch in iter(lambda: result.fetchmany(_BATCH), []) for row in batch)
    for record_id, entries in groupby(rows, key=lambda row: int(row[0])):
        state: dict[str, object] = {}
        for _id, entry_id, action, after in entries:
            state[_ENTRY] = entry_id
            if action == "void":
                state[_VOIDED] = True
            values = json.loads(after) if after else None
            if isinstance(values, dict):
                state.update((k, v) for k, v in values.items() if k in fields)
        yield record_id, state


def _compare(session: Session, spec: Audited) -> Iterator[str]:
    columns = _columns(spec.model)
    names = list(columns)
    query = select(*columns.values()).order_by(columns["id"])
    records = (
        dict(zip(names, row, strict=True))
        for row in session.execute(query.execution_options(yield_per=_BATCH))
    )
    replayed = _replayed(session, spec)
    pending = next(replayed, None)
    for record in records:
        record_id = int(record["id"])  # type: ignore[call-overload]
        while pending is not None and pending[0] < record_id:
            yield _only_in_log(spec, *pending)
            pending = next(replayed, None)
        if pending is None or pending[0] != record_id:
            yield (
                f"{_name(spec, record)} has no audit entry: it was added without Quiet "
                f"Ledger; {_ADVICE}"
            )
            continue
        yield from _differences(spec, record, pending[1])
        pending = next(replayed, None)
    while pending is not None:
        yield _only_in_log(spec, *pending)
        pending = next(replayed, None)


def _only_in_log(spec: Audited, record_id: int, state: dict[str, object]) -> str:
    return (
        f"{spec.entity.capitalize()} {record_id} is in the audit log (entry "
        f"{state[_ENTRY]}) but not in the books; {_ADVICE}"
    )


_ADVICE = "compare with a backup ('quietledger check --against BACKUP')."


def _differences(
    spec: Audited, record: dict[str, object], state: dict[str, object]
) -> Iterator[str]:
    entry = state[_ENTRY]
    for field, audited in state.items():
        if field.startswith("\x00"):
            continue
        found = _plain(record[field])
        if found != audited:
            yield (
                f"{_name(spec, record)} has {_label(field)} {_shown(found)} in the books, but "
                f"its audit entry {entry} says {_shown(audited)}: it was changed without Quiet "
                f"Ledger; {_ADVICE}"
            )
    if spec.voided is not None and (record[spec.voided] is not None) != bool(state.get(_VOIDED)):
        said = "voided" if state.get(_VOIDED) else "not voided"
        yield (
            f"{_name(spec, record)} is {'not ' if record[spec.voided] is None else ''}voided in "
            f"the books, but its audit entries say {said}; {_ADVICE}"
        )


def _name(spec: Audited, record: dict[str, object]) -> str:
    """``Session 12 (03/02/2026)``: the record as a person would look it up."""
    name = f"{spec.entity.capitalize()} {record['id']}"
    for field in ("service_date", "received_date", "number"):
        value = record.get(field)
        if isinstance(value, date):
            return f"{name} ({value:%m/%d/%Y})"
        if isinstance(value, str) and value:
            return f"{name} ({value})"
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
