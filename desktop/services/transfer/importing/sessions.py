"""Importing sessions: one row per appointment of a client already in the books.

A service code the books do not know becomes a practice service; it goes on
superbills only if it looks like a procedure code (five digits). What reaches
a superbill is decided by the session's status elsewhere, so late cancels and
no-shows never do whatever their code; here the status is imported as given.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Charge, Service
from db.models import Session as SessionRecord
from desktop.domain.claim_codes import modifiers_problem, place_of_service_problem
from desktop.domain.kinds import AdjustmentReason, SessionStatus, values
from desktop.services.books import open_amounts
from desktop.services.books import sessions as session_service
from desktop.services.books.batch import BatchWriter
from desktop.services.books.fees import record_fee
from desktop.services.books.write_offs import write_off
from desktop.services.errors import ServiceError
from desktop.services.practice.catalog import ServiceInput, create_service, normalize_modifiers
from desktop.services.transfer.format import (
    DATE_FORMS,
    FEE_STATUS,
    LAYOUTS,
    NO_MODIFIERS,
    FieldError,
    ImportKind,
    parse_amount,
    parse_choice,
    parse_date,
    parse_time,
    parse_whole,
)
from desktop.services.transfer.importing.common import (
    Findings,
    ImportResult,
    LedgerRows,
    import_ledger_rows,
)
from desktop.services.transfer.importing.layouts import Matched
from desktop.services.transfer.importing.readers import RawTable

SOURCE = "sessions"
_CODE = re.compile(r"[A-Z0-9+-]{1,12}")
_PROCEDURE = re.compile(r"\+?[0-9]{5}")
_FIELD_COLUMNS = {
    "service_code": "service_code",
    "fee": "fee",
    "minutes": "minutes",
    "place_of_service": "place_of_service",
    "service_date": "date",
    "addon_code": "addon_code",
    "addon_fee": "addon_fee",
    "write_off": "write_off",
    "date": "write_off_date",  # a write-off dated before its session
}


# A row as read: the session's fields, and what to write off (amount, date, reason).
_Parsed = tuple[dict[str, object], Decimal | None, date | None, AdjustmentReason]


def service_for(session: Session, code: str) -> Service:
    """The service with this code, created (no fee of its own) when the books have none."""
    existing = session.scalars(select(Service).where(Service.code == code)).first()
    if existing is not None:
        return existing
    created = create_service(
        session,
        ServiceInput(
            code=code,
            label=f"{code} (imported)",
            superbill=_PROCEDURE.fullmatch(code) is not None,
        ),
    )
    service = session.get(Service, created.id)
    assert service is not None
    return service


def code_problem(code: str) -> str | None:
    if not code:
        return "Enter a service code, such as 90834 or LATE."
    if not _CODE.fullmatch(code):
        return f"'{code}' is not a service code; use up to 12 letters or digits, such as 90834."
    return None


def import_sessions(
    session: Session, table: RawTable, matched: Matched, found: Findings
) -> ImportResult:
    return import_ledger_rows(session, table, matched, found, _ROWS)


def _record(session: Session, unit_id: int, parsed: _Parsed, text: dict[str, str]) -> int:
    data, write_off_amount, write_off_on, reason = parsed
    service_for(session, str(data["service_code"]))
    if data.get("status") == FEE_STATUS:
        return _record_fee(session, unit_id, parsed)
    if data.get("addon_code"):
        service_for(session, str(data["addon_code"]))
    row = session_service.record_session(
        session,
        session_service.SessionInput(unit_id=unit_id, **data),  # type: ignore[arg-type]
    )
    if write_off_amount:
        _write_off(session, row.id, write_off_amount, write_off_on or row.service_date, reason)
    return row.id


def _record_fee(session: Session, unit_id: int, parsed: _Parsed) -> int:
    """A charge that is not a session, with what was written off it."""
    data, write_off_amount, write_off_on, reason = parsed
    on = data["service_date"]
    assert isinstance(on, date)
    charge_id = record_fee(
        session,
        unit_id,
        str(data["service_code"]),
        on,
        data["fee"],  # type: ignore[arg-type]
    )
    if write_off_amount:
        if write_off_amount > open_amounts.charge_open_amount(session, charge_id):
            raise _WriteOffTooBig()
        write_off(
            session, charge_id, write_off_amount, reason, on=write_off_on or on, note="Imported"
        )
    return charge_id


def _plain(parsed: _Parsed) -> bool:
    """A session the batch writes as the services would: everything the services would
    otherwise look up is given (fee, place of service, modifiers), and no add-on or fee
    row. A start time too, so that no charge without a session can be its twin."""
    data = parsed[0]
    given = ("fee", "start_time", "place_of_service", "modifiers")
    return (
        all(data.get(name) is not None for name in given)
        and data.get("status") != FEE_STATUS
        and not data.get("addon_code")
    )


def _batched(writer: BatchWriter, unit_id: int, parsed: _Parsed, text: dict[str, str]) -> int:
    data, write_off_amount, write_off_on, reason = parsed
    known = writer.memo.setdefault("service codes", {})
    code = str(data["service_code"])
    if code not in known:
        writer.finish()  # a new service's audit entry goes in its place in the chain
        known[code] = service_for(writer.session, code).id
    session_id, _ = writer.write_session(
        session_service.SessionInput(unit_id=unit_id, **data)  # type: ignore[arg-type]
    )
    if write_off_amount:
        on = write_off_on or data["service_date"]
        writer.through_services(unit_id, _write_off, session_id, write_off_amount, on, reason)
    return session_id


def _holding(session: Session) -> set[int]:
    """The units with sessions before the import."""
    found = select(SessionRecord.unit_id).where(SessionRecord.voided_at.is_(None)).distinct()
    return set(session.scalars(found))


def _twin_key(unit_id: int, parsed: _Parsed, text: dict[str, str]) -> tuple[object, ...]:
    data = parsed[0]
    status = data.get("status", SessionStatus.ATTENDED)
    return (unit_id, data["service_date"], data["service_code"], data.get("start_time"),
            str(status), data.get("fee"))  # fmt: skip


def _in_books(session: Session, twin: tuple[object, ...]) -> int:
    """How many sessions just like this one the books hold already (entered by hand, or
    imported from another file such as a full export of this same practice)."""
    unit_id, on, code, start, status, fee = twin
    query = (
        select(func.count())
        .select_from(SessionRecord)
        .join(Service, Service.id == SessionRecord.service_id)
        .where(
            SessionRecord.unit_id == unit_id,
            SessionRecord.service_date == on,
            Service.code == code,
            SessionRecord.status == status,
            SessionRecord.voided_at.is_(None),
        )
    )
    query = query.where(
        SessionRecord.start_time.is_(None) if start is None else SessionRecord.start_time == start
    )
    if fee is not None:
        query = query.where(SessionRecord.fee == fee)
    if status == FEE_STATUS:
        return _fees_in_books(session, unit_id, on, code, fee)
    found = session.scalar(query) or 0
    if start is None and fee is not None and status == SessionStatus.ATTENDED.value:
        # An export written before fees had a status of their own wrote them as attended.
        found += _fees_in_books(session, unit_id, on, code, fee)
    return found


def _fees_in_books(session: Session, unit_id: object, on: object, code: object, fee: object) -> int:
    """How many charges that are not sessions, just like this one, the books hold."""
    if fee is None:
        return 0
    return (
        session.scalar(
            select(func.count())
            .select_from(Charge)
            .join(Service, Service.id == Charge.service_id)
            .where(
                Charge.unit_id == unit_id,
                Charge.session_id.is_(None),
                Charge.service_date == on,
                Service.code == code,
                Charge.amount == fee,
                Charge.void_txn_id.is_(None),
            )
        )
        or 0
    )


def parse_row(text: dict[str, str], number: int, found: Findings) -> _Parsed | None:
    """One session row's cells read and checked; None (its problems in ``found``) if any
    is wrong. The history import reads the same columns through it."""
    data: dict[str, object] = {}
    before = len(found.problems)

    def take(column: str, parse: Callable[[str], object], name: str | None = None) -> None:
        if not text[column]:
            return
        try:
            data[name or column] = parse(text[column])
        except FieldError as exc:
            found.add(number, column, str(exc))

    if not text["date"]:
        found.add(number, "date", f"Every session needs its date, as {DATE_FORMS}.")
    take("date", parse_date, "service_date")
    code = text["service_code"].upper()
    if (problem := code_problem(code)) is not None:
        found.add(number, "service_code", problem)
    data["service_code"] = code
    take("start_time", parse_time)
    take("minutes", lambda t: parse_whole(t, low=0, high=600, what="minutes"))
    take("fee", parse_amount)
    take("status", _status)
    if data.get("status") == FEE_STATUS and "fee" not in data and not text["fee"]:
        found.add(number, "fee", "A fee row needs its fee (status fee: a charge, not a session).")
    take("place_of_service", parse_place_of_service)
    take("modifiers", parse_modifiers)
    if text["memo"]:
        data["memo"] = text["memo"]
    if text["addon_code"]:
        addon = text["addon_code"].upper()
        if (problem := code_problem(addon)) is not None:
            found.add(number, "addon_code", problem)
        data["addon_code"] = addon
        take("addon_fee", parse_amount)
    amount: Decimal | None = None
    on: date | None = None
    if text["write_off"]:
        try:
            amount = parse_amount(text["write_off"])
        except FieldError as exc:
            found.add(number, "write_off", str(exc))
    if text["write_off_date"]:
        try:
            on = parse_date(text["write_off_date"])
        except FieldError as exc:
            found.add(number, "write_off_date", str(exc))
    reason = AdjustmentReason.OTHER
    if text["write_off_reason"]:
        try:
            reason = AdjustmentReason(
                parse_choice(text["write_off_reason"], values(AdjustmentReason))
            )
        except FieldError as exc:
            found.add(number, "write_off_reason", str(exc))
    if len(found.problems) != before:
        return None
    return data, amount, on, reason


def _status(text: str) -> SessionStatus | str:
    """A session's status, or ``fee``: a charge that is not a session (a report)."""
    choice = parse_choice(text, (*values(SessionStatus), FEE_STATUS))
    return FEE_STATUS if choice == FEE_STATUS else SessionStatus(choice)


def parse_place_of_service(text: str) -> str:
    if (problem := place_of_service_problem(text)) is not None:
        raise FieldError(f"'{text}': {problem}")
    return text.strip()


def parse_modifiers(text: str) -> str:
    """Modifiers as the books keep them (``none``: no modifiers at all)."""
    if text.strip().casefold() == NO_MODIFIERS:
        return ""
    if (problem := modifiers_problem(text)) is not None:
        raise FieldError(f"'{text}': {problem}")
    return normalize_modifiers(text)


def _write_off(
    session: Session, session_id: int, amount: Decimal, on: date, reason: AdjustmentReason
) -> None:
    """Write off part of what the session charged (its main line first)."""
    left = amount
    for charge in session_service.active_charges(session, session_id):
        part = min(left, open_amounts.charge_open_amount(session, charge.id))
        if part > 0:
            write_off(session, charge.id, part, reason, on=on, note="Imported")
            left -= part
    if left > 0:
        raise _WriteOffTooBig()


class _WriteOffTooBig(ServiceError):
    def __init__(self) -> None:
        super().__init__("The write_off is more than the session still owes after payments.")
        self.field = "write_off"


_ROWS = LedgerRows(
    source=SOURCE,
    entity="session",
    columns=LAYOUTS[ImportKind.SESSIONS].columns,
    no_client="Every session needs the client_ref of its client.",
    field_columns=_FIELD_COLUMNS,
    parse=parse_row,
    twin=_twin_key,
    in_books=_in_books,
    record=_record,
    holding=_holding,
    plain=_plain,
    batched=_batched,
)
