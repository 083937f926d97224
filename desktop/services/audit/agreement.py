"""Do the books agree with the audit log? The log replayed against the rows it describes.

Every change the app makes to a session, payment, document or claim writes an
audit entry whose ``after`` holds the fields it set. Replaying the log (each
entry's fields over the last ones, in order) gives the state the app left each
record in; a row whose columns differ from it was changed without the app (for
instance ``UPDATE sessions SET fee_cents = 1``), and a row with no entry at all
was added without it. The ledger's own rows cannot change (triggers, checked by
``db.guards``), so a payment's amount here and the session's fee cover it.

The replay is fed row by row while the chain is verified (``verify_chain``'s
``visit``), so the log is read once, as plain SQL rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
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


class Replay:
    """The state the audit log gives each audited record, built as the log streams past."""

    def __init__(self) -> None:
        self._specs = {spec.entity: spec for spec in AUDITED}
        self._fields = {spec.entity: frozenset(_columns(spec.model)) for spec in AUDITED}
        self.state: dict[tuple[str, int], dict[str, object]] = {}

    def visit(self, row: tuple[object, ...]) -> None:
        """One audit log row (``log.chain_rows``' columns)."""
        entry_id, _at, _user, action, entity, entity_id, _unit, _before, after = row[:9]
        fields = self._fields.get(entity)  # type: ignore[call-overload]
        if fields is None or entity_id is None:
            return
        state = self.state.setdefault((entity, entity_id), {})  # type: ignore[arg-type]
        state[_ENTRY] = entry_id
        if action == "void":
            state[_VOIDED] = True
        if after:
            values = json.loads(after)  # type: ignore[arg-type]
            if isinstance(values, dict):
                state.update((k, v) for k, v in values.items() if k in fields and k != "id")

    def problems(self, session: Session) -> Iterator[str]:
        """Each record that differs from its replayed state, in a sentence naming it."""
        for spec in AUDITED:
            yield from self._compare(session, spec)

    def _compare(self, session: Session, spec: Audited) -> Iterator[str]:
        columns = _columns(spec.model)
        names = list(columns)
        seen: set[int] = set()
        for row in session.execute(select(*columns.values())):
            record = dict(zip(names, row, strict=True))
            record_id = int(record["id"])
            seen.add(record_id)
            state = self.state.get((spec.entity, record_id))
            if state is None:
                yield (
                    f"{_name(spec, record)} has no audit entry: it was added without Quiet "
                    f"Ledger; {_ADVICE}"
                )
                continue
            yield from _differences(spec, record, state)
        for (entity, record_id), state in self.state.items():
            if entity == spec.entity and record_id not in seen:
                yield (
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
