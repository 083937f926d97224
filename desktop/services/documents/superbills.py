"""Superbills: built from the books, checked before issuing, issued once, corrected by version.

A superbill covers a billing unit's identified patient over a date range. Its
lines are the charges of attended, not voided sessions whose service may go on
a superbill; late-cancel and no-show fees and the practice's own non-billable
services never appear. The amount paid on a line is what was applied to that
charge on or before the issue date.

The monthly batch issues a superbill for every superbill client with lines in
the month. A client whose superbill has errors (or warnings, unless the batch
acknowledges them) is skipped and named with the reasons, rather than failing
everyone else's; a canceled batch stores nothing.

Issuing starts the superbill's out-of-network claim when the client has an
insurer, and a correction carries the claim over to the new version
(``claims_follow`` has the rules).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from db.models import BillingUnit, Charge, Client, Document
from desktop.domain.kinds import BillingPreference, DocumentKind
from desktop.reports import documents as renderers  # load on first use
from desktop.reports.documents.rows import SuperbillDoc
from desktop.services.claims import follow as claims_follow
from desktop.services.documents import superbill_draft as sb
from desktop.services.documents.blocks import CheckFailed, Finding
from desktop.services.documents.store import (
    IssuedDocument,
    NewDocument,
    current_version,
    next_number,
    next_numbers,
    store,
    store_many,
)
from desktop.services.errors import InvalidInput
from desktop.services.jobs import Job, Progress
from desktop.services.workspace import Workspace

PREVIEW = "Preview"
Acknowledge = bool | Iterable[str]


@dataclass(frozen=True)
class Skipped:
    """A client the batch left out, and why (one sentence per problem)."""

    unit_id: int
    unit_ref: str
    name: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class SuperbillBatch:
    """The outcome of a monthly batch: one PDF of every superbill issued, and who was skipped."""

    pdf: bytes | None  # None when nothing was issued or the batch was cancelled
    issued: tuple[IssuedDocument, ...]
    skipped: tuple[Skipped, ...]
    cancelled: bool = False


# --- checking -------------------------------------------------------------------------


def check(
    session: Session,
    unit_id: int,
    period_from: date,
    period_to: date,
    *,
    issued_on: date | None = None,
) -> tuple[Finding, ...]:
    """Every problem the superbill would have if issued now: errors block, warnings ask."""
    return sb.draft(session, sb.unit(session, unit_id), period_from, period_to, issued_on).findings


def check_correction(session: Session, document: IssuedDocument) -> tuple[Finding, ...]:
    """Every problem a corrected version of ``document`` would have; its own dates are not
    "already on a superbill"."""
    if document.period_from is None or document.period_to is None:
        raise InvalidInput("That document is not a superbill.")
    unit = sb.unit(session, document.unit_id)
    period = (document.period_from, document.period_to)
    return sb.draft(session, unit, *period, None, document.id).findings


def preview_superbill(
    session: Session,
    unit_id: int,
    period_from: date,
    period_to: date,
    *,
    issued_on: date | None = None,
) -> bytes:
    """The superbill as it would print, numbered "Preview" and not kept; errors still refuse."""
    draft = sb.draft(session, sb.unit(session, unit_id), period_from, period_to, issued_on)
    if draft.errors:
        raise CheckFailed(f"The superbill for {draft.unit.name}", [f.shown for f in draft.errors])
    return renderers.render_superbill(sb.superbill_doc(draft, PREVIEW, 1))


# --- issuing --------------------------------------------------------------------------


def issue_superbill(
    session: Session,
    unit_id: int,
    period_from: date,
    period_to: date,
    *,
    acknowledge: Acknowledge = False,
    issued_on: date | None = None,
) -> IssuedDocument:
    """Issue and keep a superbill; raises CheckFailed when errors or unacknowledged warnings.

    ``acknowledge`` is True for every warning, or the warning texts
    (``Finding.text``) the person has read and accepted.
    """
    draft = sb.draft(session, sb.unit(session, unit_id), period_from, period_to, issued_on)
    accepted = _accepted(draft, acknowledge)
    number = next_number(session, DocumentKind.SUPERBILL, draft.issued_on)
    return _store(session, draft, sb.superbill_doc(draft, number, 1), accepted)


def correct_superbill(
    session: Session,
    document_id: int,
    *,
    acknowledge: Acknowledge = False,
    issued_on: date | None = None,
) -> IssuedDocument:
    """Issue a new version of a superbill from the books as they are now; the old one stays."""
    old = current_version(session, document_id)
    if old.kind != DocumentKind.SUPERBILL.value or old.period_from is None:
        raise InvalidInput("That document is not a superbill.")
    assert old.period_to is not None
    draft = sb.draft(
        session, sb.unit(session, old.unit_id), old.period_from, old.period_to, issued_on, old.id
    )
    accepted = _accepted(draft, acknowledge)
    doc = sb.superbill_doc(draft, old.number, old.version + 1, replaces=old)
    return _store(session, draft, doc, accepted, supersedes_id=old.id)


def units_with_lines(session: Session, period_from: date, period_to: date) -> list[int]:
    """Superbill clients (units) with at least one line in the period, by patient name."""
    rows = session.execute(
        sb.lines_query()
        .join(BillingUnit, BillingUnit.id == Charge.unit_id)
        .join(Client, Client.id == BillingUnit.identified_patient_id)
        .where(
            Charge.service_date.between(period_from, period_to),
            Client.billing == BillingPreference.SUPERBILL.value,
        )
        .with_only_columns(BillingUnit.id, Client.legal_last_name, Client.legal_first_name)
        .distinct()
        .order_by(Client.legal_last_name, Client.legal_first_name, BillingUnit.id)
    )
    return [row[0] for row in rows]


def issue_month(
    session: Session,
    year: int,
    month: int,
    *,
    acknowledge: bool = False,
    issued_on: date | None = None,
    progress: Progress | None = None,
) -> SuperbillBatch:
    """A superbill for every superbill client with lines in the month, in one PDF.

    Clients whose superbill has errors, or warnings when ``acknowledge`` is
    False, are skipped and listed with the reasons. ``progress(done, total)``
    answering False cancels; then nothing is stored.
    """
    if not 1 <= month <= 12:
        raise InvalidInput("The month is a number from 1 to 12.", field="month")
    first = date(year, month, 1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    drafts: list[tuple[sb.Draft, tuple[str, ...]]] = []
    skipped: list[Skipped] = []
    for draft in sb.drafts(session, units_with_lines(session, first, last), first, last, issued_on):
        blocking = draft.errors if acknowledge else draft.findings
        if blocking:
            reasons = tuple(f.shown for f in blocking)
            skipped.append(Skipped(draft.unit.id, draft.unit.ref, draft.unit.name, reasons))
        else:
            drafts.append((draft, tuple(f.text for f in draft.warnings)))
    if not drafts:
        return SuperbillBatch(None, (), tuple(skipped))
    # Numbers are handed out in order; nothing is written until every PDF exists.
    numbers = next_numbers(session, DocumentKind.SUPERBILL, drafts[0][0].issued_on, len(drafts))
    docs = [sb.superbill_doc(d, n, 1) for (d, _), n in zip(drafts, numbers, strict=True)]
    try:
        singles, combined = renderers.render_for_issue(docs, progress)
    except renderers.Cancelled:
        return SuperbillBatch(None, (), tuple(skipped), cancelled=True)
    news = [
        _new_document(draft, doc, accepted, pdf)
        for (draft, accepted), doc, pdf in zip(drafts, docs, singles, strict=True)
    ]
    issued = tuple(store_many(session, news))
    for document in issued:
        _follow(session, document)
    return SuperbillBatch(combined, issued, tuple(skipped))


def issue_month_job(year: int, month: int) -> Job[SuperbillBatch]:
    """``issue_month`` as a job for the window: one transaction, Cancel stores nothing."""

    def work(workspace: Workspace, progress: Progress) -> SuperbillBatch:
        return workspace.run(issue_month, year, month, progress=progress)

    return Job("Issuing superbills…", work)


def _accepted(draft: sb.Draft, acknowledge: Acknowledge) -> tuple[str, ...]:
    return accepted_warnings(f"The superbill for {draft.unit.name}", draft.findings, acknowledge)


def accepted_warnings(
    what: str, findings: tuple[Finding, ...], acknowledge: Acknowledge
) -> tuple[str, ...]:
    """The warnings the person accepted; raises CheckFailed for errors or any left unread."""
    if any(f.blocks for f in findings):
        raise CheckFailed(what, [f.shown for f in findings])
    warnings = [f for f in findings if not f.blocks]
    texts = tuple(f.text for f in warnings)
    if acknowledge is True:
        return texts
    given = set() if acknowledge is False else set(acknowledge)
    unread = [f.shown for f in warnings if f.text not in given]
    if unread:
        raise CheckFailed(what, [*unread, "Acknowledge the warnings to issue it anyway."])
    return texts


def _store(
    session: Session,
    draft: sb.Draft,
    doc: SuperbillDoc,
    accepted: tuple[str, ...],
    *,
    supersedes_id: int | None = None,
) -> IssuedDocument:
    """Keep the superbill, and start its claim or carry the old version's claims over."""
    pdf = renderers.render_superbill(doc)
    issued = store(session, _new_document(draft, doc, accepted, pdf, supersedes_id))
    _follow(session, issued)
    return issued


def _new_document(
    draft: sb.Draft,
    doc: SuperbillDoc,
    accepted: tuple[str, ...],
    pdf: bytes,
    supersedes_id: int | None = None,
) -> NewDocument:
    return NewDocument(
        kind=DocumentKind.SUPERBILL,
        number=doc.number,
        version=doc.version,
        unit_id=draft.unit.id,
        client_id=draft.patient.id,
        issued_on=doc.issued_on,
        pdf=pdf,
        total_charged=doc.charged,
        total_paid=doc.paid,
        balance=doc.balance,
        period_from=doc.period_from,
        period_to=doc.period_to,
        supersedes_id=supersedes_id,
        acknowledged_warnings=accepted,
        lines=sb.document_lines(draft, doc),
    )


def _follow(session: Session, issued: IssuedDocument) -> None:
    """Start the superbill's claim, or carry the old version's claims over."""
    document = session.get(Document, issued.id)  # just stored: no read
    assert document is not None
    claims_follow.follow(session, document)
