"""Reading the audit log: filtered, newest first, a page at a time, and is the chain whole?

Each entry comes with its sentence (``sentences.py``): the record's name, not its row.

Dates in a filter are the user's calendar days (local time); the log's times
are UTC, so each day is turned into its UTC span before querying.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from db.models import Adjustment, AuditEntry, BillingUnit, Charge, Payment, Refund
from db.models import Session as TherapySession
from desktop.services.audit.log import ChainReport, verify_chain
from desktop.services.audit.sentences import Entry, Subjects, kind_label, sentence
from desktop.services.errors import InvalidInput

MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class AuditFilter:
    """Every field optional; ``start`` and ``end`` are inclusive calendar days."""

    start: date | None = None
    end: date | None = None
    unit_id: int | None = None  # a client, couple or family
    entity: str | None = None  # what changed: client, session, payment, ...
    action: str | None = None  # how: create, update, void, ...


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime  # UTC
    user: str
    action: str
    entity: str
    entity_id: int | None
    unit_id: int | None
    unit_ref: str
    unit_name: str
    before: str  # JSON, as recorded ("" if none)
    after: str
    sentence: str = ""  # "Payment of $150.00 from Ben Ivanova recorded"

    @property
    def kind(self) -> str:
        """The kind of change in words: "Payment recorded"."""
        return kind_label(self.entity, self.action)


@dataclass(frozen=True)
class AuditPage:
    rows: tuple[AuditRow, ...]
    total: int  # entries matching the filter, on every page
    page: int  # from 0
    page_size: int

    @property
    def has_more(self) -> bool:
        return (self.page + 1) * self.page_size < self.total


def _local_midnight_utc(day: date, zone: tzinfo | None) -> datetime:
    local = datetime.combine(day, time.min)
    local = local.replace(tzinfo=zone) if zone is not None else local.astimezone()
    return local.astimezone(UTC)


def _filtered(stmt: Select, wanted: AuditFilter, zone: tzinfo | None) -> Select:
    if wanted.start and wanted.end and wanted.start > wanted.end:
        raise InvalidInput("The first day comes after the last day.", field="start")
    if wanted.start is not None:
        stmt = stmt.where(AuditEntry.at >= _local_midnight_utc(wanted.start, zone))
    if wanted.end is not None:
        next_day = wanted.end + timedelta(days=1)
        stmt = stmt.where(AuditEntry.at < _local_midnight_utc(next_day, zone))
    if wanted.unit_id is not None:
        stmt = stmt.where(AuditEntry.unit_id == wanted.unit_id)
    if wanted.entity:
        stmt = stmt.where(AuditEntry.entity == wanted.entity)
    if wanted.action:
        stmt = stmt.where(AuditEntry.action == wanted.action)
    return stmt


def list_audit(
    session: Session,
    wanted: AuditFilter | None = None,
    *,
    page: int = 0,
    page_size: int = 100,
    zone: tzinfo | None = None,
) -> AuditPage:
    """One page of the entries matching ``wanted``, newest first.

    ``zone`` is the time zone of the filter's days (None: this computer's).
    """
    wanted = wanted or AuditFilter()
    if page < 0 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidInput(f"A page holds 1 to {MAX_PAGE_SIZE} entries, from page 0.")
    total = session.execute(
        _filtered(select(func.count()).select_from(AuditEntry), wanted, zone)
    ).scalar_one()
    stmt = _filtered(
        select(AuditEntry, BillingUnit.ref, BillingUnit.name).outerjoin(
            BillingUnit, BillingUnit.id == AuditEntry.unit_id
        ),
        wanted,
        zone,
    )
    stmt = stmt.order_by(AuditEntry.id.desc()).offset(page * page_size).limit(page_size)
    found = list(session.execute(stmt))
    subjects = _subjects(session, [entry for entry, _ref, _name in found])
    rows = tuple(
        AuditRow(
            id=entry.id,
            at=entry.at,
            user=entry.user_name,
            action=entry.action,
            entity=entry.entity,
            entity_id=entry.entity_id,
            unit_id=entry.unit_id,
            unit_ref=ref or "",
            unit_name=name or "",
            before=entry.before_json,
            after=entry.after_json,
            sentence=sentence(
                Entry.of(
                    entry.action,
                    entry.entity,
                    entry.entity_id,
                    name or "",
                    entry.before_json,
                    entry.after_json,
                ),
                subjects,
            ),
        )
        for entry, ref, name in found
    )
    return AuditPage(rows, int(total), page, page_size)


_AMOUNTS = {"payment": Payment, "refund": Refund, "adjustment": Adjustment, "charge": Charge}


def _subjects(session: Session, entries: list[AuditEntry]) -> Subjects:
    """What the page's entries do not hold themselves (a voided session's date, a voided
    payment's amount): one statement per kind of record, whatever the page holds."""
    wanted: dict[str, set[int]] = {"session": set(), **{kind: set() for kind in _AMOUNTS}}
    for entry in entries:
        if entry.entity in wanted and entry.entity_id is not None:
            wanted[entry.entity].add(entry.entity_id)
    sessions = select(TherapySession.id, TherapySession.service_date).where(
        TherapySession.id.in_(wanted["session"])
    )
    days = dict(session.execute(sessions).all())
    amounts = {
        (kind, record_id): amount
        for kind, model in _AMOUNTS.items()
        for record_id, amount in session.execute(
            select(model.id, model.amount).where(model.id.in_(wanted[kind]))
        )
    }
    return Subjects(days, amounts)


def change_kinds(session: Session) -> list[tuple[str, str]]:
    """Every (entity, action) pair in the log, for the "kind of change" filter's choices,
    in the order of their words ("Client added", "Payment recorded")."""
    stmt = select(AuditEntry.entity, AuditEntry.action).distinct()
    pairs = [(entity, action) for entity, action in session.execute(stmt)]
    return sorted(pairs, key=lambda pair: (kind_label(*pair), pair))


def chain_status(session: Session) -> ChainReport:
    """Whether the hash chain is intact (``.intact``), and each break in words."""
    return verify_chain(session)
