"""Statements of account: every open charge, activity since the last statement, aging.

A statement lists every charge still owed on ``as_of`` (with its date, service and
what is left of it), whatever its age, and the account's activity (payments and
credits, new charges) from ``period_from`` to ``as_of``. Without a start date the
activity runs from the day after the last statement the unit was sent; a first
statement starts at the oldest open charge, so it covers every open item. The
opening balance carries everything before the start. Amounts come from the books
"as of" each date, so the closing balance always equals the unit's balance (owed
less credit) on ``as_of``, and the aging line is the aging report's for the unit.

Statements go to whoever pays, so they carry no diagnosis, and they are
addressed by legal name, since they travel by mail. A batch issues one for
every unit that owes; each is its own stored document, and the batch also
hands back all of them combined into one PDF, for printing or saving at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import BillingUnit, Client, Document, UnitMember
from desktop.domain.kinds import DocumentKind
from desktop.domain.service_words import service_in_words
from desktop.reports import documents as renderers  # load on first use
from desktop.reports import rasterize
from desktop.reports.documents.rows import (
    MailingAddress,
    StatementDoc,
    StatementLine,
    StatementOpenItem,
)
from desktop.services.books import dates
from desktop.services.books import queries as books
from desktop.services.documents.blocks import practice, practice_block
from desktop.services.documents.store import (
    IssuedDocument,
    NewDocument,
    current_version,
    next_number,
    next_numbers,
    store,
)
from desktop.services.errors import InvalidInput, NotFound
from desktop.services.jobs import Job, Progress
from desktop.services.workspace import Workspace

# Generic wording for a line whose own text must not print (it looks like a diagnosis).
_PLAIN = {
    "charge": "Charge",
    "payment": "Payment",
    "write_off": "Write-off",
    "discount": "Discount",
    "refund": "Refund",
    "void": "Correction",
}


@dataclass(frozen=True)
class StatementBatch:
    """The statements a batch issued, and the stored PDFs of all of them as one."""

    issued: tuple[IssuedDocument, ...]
    cancelled: bool = False
    pdf: bytes | None = None  # None when nobody owes or the batch was cancelled


def build_statement(
    session: Session,
    unit_id: int,
    as_of: date,
    *,
    period_from: date | None = None,
    issued_on: date | None = None,
    number: str = "",
) -> StatementDoc:
    """The statement as it would print (a preview when ``number`` is empty)."""
    unit = _unit(session, unit_id)
    last = _last_statement_end(session, unit.id, as_of)
    open_now = books.open_items(session, unit.id, as_of)
    start = period_from or _default_start(last, open_now, as_of)
    if start > as_of:
        raise InvalidInput("The statement starts after its as-of date.", field="period_from")
    p = practice(session)
    issued_on = issued_on or dates.today()
    lines = [
        _line(line) for line in books.ledger_lines(session, unit.id, as_of) if line.on >= start
    ]
    opening = books.balance(session, unit.id, start - timedelta(days=1)).net
    return StatementDoc(
        number=number or "Preview",
        issued_on=issued_on,
        as_of=as_of,
        practice=practice_block(p),
        client=mailing_address(session, unit),
        opening_balance=opening,
        lines=lines,
        period_from=start,
        due_on=issued_on + timedelta(days=p.due_days) if p.due_days else None,
        message=p.statement_message,
        open_items=[_open_item(item) for item in open_now],
        aging=books.unit_aging(session, unit.id, as_of),
        last_statement_on=last,
    )


def preview_statement(
    session: Session,
    unit_id: int,
    as_of: date,
    *,
    period_from: date | None = None,
    issued_on: date | None = None,
) -> bytes:
    """The statement as it would print, numbered "Preview" and not kept."""
    doc = build_statement(session, unit_id, as_of, period_from=period_from, issued_on=issued_on)
    return renderers.render_statement(doc)


def issue_statement(
    session: Session,
    unit_id: int,
    as_of: date,
    *,
    period_from: date | None = None,
    issued_on: date | None = None,
) -> IssuedDocument:
    """Issue and keep a statement for one unit."""
    issued_on = issued_on or dates.today()
    number = next_number(session, DocumentKind.STATEMENT, issued_on)
    doc = build_statement(
        session, unit_id, as_of, period_from=period_from, issued_on=issued_on, number=number
    )
    return _store(session, unit_id, doc, renderers.render_statement(doc))


def correct_statement(
    session: Session, document_id: int, *, issued_on: date | None = None
) -> IssuedDocument:
    """A new version of a statement, same number and period, from the books as they are now."""
    old = current_version(session, document_id)
    if old.kind != DocumentKind.STATEMENT.value or old.period_to is None:
        raise InvalidInput("That document is not a statement.")
    doc = build_statement(
        session,
        old.unit_id,
        old.period_to,
        period_from=old.period_from,
        issued_on=issued_on,
        number=old.number,
    )
    return _store(
        session, old.unit_id, doc, renderers.render_statement(doc), version=old.version + 1, old=old
    )


def units_owing(session: Session, as_of: date) -> list[int]:
    """Units that owe more than their credit on ``as_of``, by name."""
    owing = {uid for uid, bal in books.balances(session, as_of).items() if bal.net > 0}
    if not owing:
        return []
    return list(
        session.scalars(
            select(BillingUnit.id).where(BillingUnit.id.in_(owing)).order_by(BillingUnit.name)
        )
    )


def issue_statements(
    session: Session,
    as_of: date,
    *,
    issued_on: date | None = None,
    progress: Progress | None = None,
) -> StatementBatch:
    """A statement for everyone who owes on ``as_of``; canceling stores none of them."""
    issued_on = issued_on or dates.today()
    units = units_owing(session, as_of)
    numbers = next_numbers(session, DocumentKind.STATEMENT, issued_on, len(units))
    rendered = []
    for index, (unit_id, number) in enumerate(zip(units, numbers, strict=True)):
        if progress is not None and progress(index, len(units)) is False:
            return StatementBatch((), cancelled=True)
        doc = build_statement(session, unit_id, as_of, issued_on=issued_on, number=number)
        rendered.append((unit_id, doc, renderers.render_statement(doc)))
    if progress is not None and progress(len(units), len(units)) is False:
        return StatementBatch((), cancelled=True)
    issued = tuple(_store(session, *item) for item in rendered)
    # The stored bytes themselves, so the paper matches each statement's reprint.
    combined = rasterize.combine([pdf for _unit, _doc, pdf in rendered]) if rendered else None
    return StatementBatch(issued, pdf=combined)


def issue_statements_job(as_of: date) -> Job[StatementBatch]:
    """``issue_statements`` as a job for the window: one transaction, Cancel stores nothing."""

    def work(workspace: Workspace, progress: Progress) -> StatementBatch:
        return workspace.run(issue_statements, as_of, progress=progress)

    return Job("Issuing statements…", work)


def mailing_address(session: Session, unit: BillingUnit) -> MailingAddress:
    """Who the mail goes to: the members who pay, at the first such address on file."""
    payers = _paying_members(session, unit)
    to = addressee(session, unit)
    names = [c.legal_name for c in payers] or [to.legal_name]
    return MailingAddress(
        name=" & ".join(names)[:200], address=to.address, city=to.city, state=to.state, zip=to.zip
    )


def addressee(session: Session, unit: BillingUnit) -> Client:
    """The paying member with an address (largest share first), else the identified patient."""
    for member in _paying_members(session, unit):
        if member.address.strip():
            return member
    return unit.identified_patient


def _paying_members(session: Session, unit: BillingUnit) -> list[Client]:
    return list(
        session.scalars(
            select(Client)
            .join(UnitMember, UnitMember.client_id == Client.id)
            .where(UnitMember.unit_id == unit.id, UnitMember.pays_share_bp > 0)
            .order_by(UnitMember.pays_share_bp.desc(), Client.id)
        )
    )


def _unit(session: Session, unit_id: int) -> BillingUnit:
    unit = session.get(BillingUnit, unit_id)
    if unit is None:
        raise NotFound("That client is not in this practice file.")
    return unit


def _last_statement_end(session: Session, unit_id: int, as_of: date) -> date | None:
    """The end date of the unit's last statement before ``as_of``, if it had one."""
    return session.execute(
        select(Document.period_to)
        .where(
            Document.unit_id == unit_id,
            Document.kind == DocumentKind.STATEMENT.value,
            Document.period_to < as_of,
        )
        .order_by(Document.period_to.desc())
        .limit(1)
    ).scalar_one_or_none()


def _default_start(last: date | None, open_now: list[books.OpenItem], as_of: date) -> date:
    """The day after the last statement; a first one starts at the oldest open charge (or,
    with nothing open, on the first of the month)."""
    if last is not None:
        return last + timedelta(days=1)
    if open_now:
        return min(open_now[0].service_date, as_of)
    return as_of.replace(day=1)


def _open_item(item: books.OpenItem) -> StatementOpenItem:
    words = service_in_words(item.code, item.description, item.minutes)
    try:
        return StatementOpenItem(item.service_date, words, item.charged, item.owed)
    except ValueError:
        # A label typed with a diagnosis code in it: print the code alone.
        return StatementOpenItem(item.service_date, item.code, item.charged, item.owed)


def _line(line: books.LedgerLine) -> StatementLine:
    try:
        return StatementLine(line.on, line.description, line.charges, line.credits)
    except ValueError:
        # A memo typed with a diagnosis code in it: print the kind of entry instead.
        plain = _PLAIN.get(line.kind, "Entry")
        return StatementLine(line.on, plain, line.charges, line.credits)


def _store(
    session: Session,
    unit_id: int,
    doc: StatementDoc,
    pdf: bytes,
    *,
    version: int = 1,
    old: Document | None = None,
) -> IssuedDocument:
    unit = _unit(session, unit_id)
    return store(
        session,
        NewDocument(
            kind=DocumentKind.STATEMENT,
            number=doc.number,
            version=version,
            unit_id=unit.id,
            client_id=addressee(session, unit).id,
            issued_on=doc.issued_on,
            pdf=pdf,
            total_charged=doc.total_charges,
            total_paid=doc.total_credits,
            balance=doc.closing_balance,
            period_from=doc.period_from,
            period_to=doc.as_of,
            supersedes_id=old.id if old else None,
        ),
    )
