"""CMS-1500 (02/12) claim forms: from the superbill's checked data, issued and kept like it.

A claim form covers a client's identified patient over a period, with the
lines, diagnoses and pre-issue checks of the superbill for the same period
(``superbill_draft``), plus the form's own: item 3's sex (a warning when not
recorded; the form is then left blank there, as the NUCC manual says), and a
date already on a current claim form (a warning: the payer may deny it as a
duplicate). Six lines go on a form; more continue on further pages, each
totaled. At most twelve diagnoses fit item 21; the superbill checker already
refuses more.

Issuing numbers the form (CF-2026-0001), keeps the exact PDF handed out (the
plain-paper form, or the data-only print for the red form at the printer
offset of the day) and audits it, so a reprint gives what the client received.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from desktop.domain.kinds import DocumentKind
from desktop.reports import documents as renderers  # load on first use
from desktop.reports.documents.claim_form_grid import Offset
from desktop.reports.documents.claim_form_rows import ClaimFormDoc
from desktop.services.documents import superbill_draft as sb
from desktop.services.documents.blocks import CheckFailed, Finding
from desktop.services.documents.print_offset import get_print_offset
from desktop.services.documents.store import IssuedDocument, NewDocument, next_number, store
from desktop.services.documents.superbills import Acknowledge, accepted_warnings

PREVIEW = "Preview"


@dataclass(frozen=True)
class ClaimDraft:
    """The superbill draft under the form, with the form's own findings added."""

    base: sb.Draft
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.blocks)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.blocks)


def draft(
    session: Session,
    unit_id: int,
    period_from: date,
    period_to: date,
    issued_on: date | None = None,
) -> ClaimDraft:
    """Gather and check a claim form for a client's identified patient over a period."""
    base = sb.draft(
        session,
        sb.unit(session, unit_id),
        period_from,
        period_to,
        issued_on,
        kind=DocumentKind.CLAIM_FORM,
    )
    own: list[Finding] = []
    patient = base.patient
    if not patient.sex:
        own.append(
            Finding(
                False,
                f"{patient.legal_name}'s sex is not recorded, so item 3 is left blank; many "
                "insurers return claims without it. Add it on the client's record.",
            )
        )
    if not patient.payer_id:
        own.append(
            Finding(
                False,
                "No insurer is chosen for the client; the carrier block and item 11c stay "
                "blank for the client to fill in.",
            )
        )
    return ClaimDraft(base, base.findings + tuple(own))


def check(
    session: Session,
    unit_id: int,
    period_from: date,
    period_to: date,
    *,
    issued_on: date | None = None,
) -> tuple[Finding, ...]:
    """Every problem the claim form would have if issued now: errors block, warnings ask."""
    return draft(session, unit_id, period_from, period_to, issued_on).findings


def claim_form_doc(session: Session, found: ClaimDraft, number: str) -> ClaimFormDoc:
    """The form's rows: the superbill's, and what only the form asks for."""
    base, patient = found.base, found.base.patient
    bill = sb.superbill_doc(base, number, 1)
    return ClaimFormDoc(
        number=number,
        issued_on=base.issued_on,
        bill=bill,
        patient_sex=patient.sex,
        insured_sex="" if bill.client.is_dependent else patient.sex,
        account_number=base.unit.ref,
        patient_phone=patient.phone,
    )


def issue_claim_form(
    session: Session,
    unit_id: int,
    period_from: date,
    period_to: date,
    *,
    data_only: bool = False,
    acknowledge: Acknowledge = False,
    issued_on: date | None = None,
) -> IssuedDocument:
    """Issue, keep and audit a CMS-1500; raises CheckFailed for errors or unread warnings.

    ``data_only`` prints only the data, for the red pre-printed form, shifted by the
    practice's printer offset; otherwise the whole form is drawn on plain paper.
    """
    found = draft(session, unit_id, period_from, period_to, issued_on)
    what = f"The CMS-1500 for {found.base.unit.name}"
    accepted = accepted_warnings(what, found.findings, acknowledge)
    number = next_number(session, DocumentKind.CLAIM_FORM, found.base.issued_on)
    doc = claim_form_doc(session, found, number)
    pdf = render(session, doc, data_only=data_only)
    bill = doc.bill
    return store(
        session,
        NewDocument(
            kind=DocumentKind.CLAIM_FORM,
            number=number,
            version=1,
            unit_id=found.base.unit.id,
            client_id=found.base.patient.id,
            issued_on=doc.issued_on,
            pdf=pdf,
            total_charged=bill.charged,
            total_paid=bill.paid,
            balance=bill.balance,
            period_from=bill.period_from,
            period_to=bill.period_to,
            acknowledged_warnings=accepted,
            lines=sb.document_lines(found.base, bill),
        ),
    )


def preview_claim_form(
    session: Session,
    unit_id: int,
    period_from: date,
    period_to: date,
    *,
    data_only: bool = False,
    issued_on: date | None = None,
) -> bytes:
    """The form as it would print, numbered "Preview" and not kept; errors still refuse."""
    found = draft(session, unit_id, period_from, period_to, issued_on)
    if found.errors:
        what = f"The CMS-1500 for {found.base.unit.name}"
        raise CheckFailed(what, [f.shown for f in found.errors])
    return render(session, claim_form_doc(session, found, PREVIEW), data_only=data_only)


def render(session: Session, doc: ClaimFormDoc, *, data_only: bool) -> bytes:
    """The plain-paper form, or the data alone at the practice's printer offset."""
    if not data_only:
        return renderers.render_claim_form(doc)
    offset = get_print_offset(session)
    return renderers.render_claim_form(
        doc, data_only=True, offset=Offset(float(offset.right), float(offset.down))
    )
