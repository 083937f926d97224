"""Superbills from the books: the right lines and amounts, the checks, numbering, versions."""

from __future__ import annotations

import hashlib
import io
from datetime import date
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEntry, Client, Diagnosis, Document, DocumentLine, Payer, Practice
from desktop.domain.kinds import DocumentKind, SessionStatus
from desktop.services.audit import log as audit
from desktop.services.books import payments, sessions, voids
from desktop.services.books.payments import PaymentInput
from desktop.services.books.sessions import SessionInput
from desktop.services.clients.diagnoses import add_diagnosis, diagnoses_in_effect, end_diagnosis
from desktop.services.documents import store as documents_store
from desktop.services.documents import superbills
from desktop.services.documents.blocks import CheckFailed
from desktop.services.errors import NotAllowed, ServiceError
from desktop.services.workspace import Workspace
from tests.books_helpers import add_unit, method_id

FEB_1, FEB_28 = date(2026, 2, 1), date(2026, 2, 28)
ISSUED = date(2026, 3, 10)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def superbill_client(
    session: Session, ref: str = "K1", name: str = "Katherine Doyle", **fields: object
) -> int:
    """A superbill client with insurance and a diagnosis in force all year; returns the unit."""
    unit = add_unit(session, ref, name)
    payer = session.execute(select(Payer).where(Payer.name == "Aetna")).scalar_one_or_none()
    if payer is None:
        payer = Payer(name="Aetna", external_id="60054", timely_filing_days=365)
        session.add(payer)
        session.flush()
    client = session.execute(select(Client).where(Client.client_ref == ref)).scalar_one()
    client.preferred_name = "Kit"
    client.billing = "superbill"
    client.payer_id = payer.id
    client.member_id = "W123456789"
    client.group_number = "GRP-42"
    client.address, client.city, client.state, client.zip = "42 Elm St", "Troy", "NY", "12180"
    for name_, value in fields.items():
        setattr(client, name_, value)
    session.flush()
    add_diagnosis(session, client.id, "F43.23", date(2026, 1, 1), 1)
    return unit


def visit(
    unit: int,
    day: date,
    code: str = "90834",
    *,
    minutes: int = 50,
    status: SessionStatus = SessionStatus.ATTENDED,
    fee: str | None = None,
    **changes: object,
) -> SessionInput:
    return SessionInput(
        unit_id=unit,
        service_date=day,
        service_code=code,
        status=status,
        minutes=minutes,
        fee=D(fee) if fee else None,
        **changes,  # type: ignore[arg-type]
    )


def february(session: Session) -> int:
    """Two billable sessions, and what never goes on a superbill; a payment before and after."""
    unit = superbill_client(session)
    sessions.record_session(session, visit(unit, date(2026, 2, 2)))
    sessions.record_session(
        session,
        visit(unit, date(2026, 2, 9), "90837", minutes=55, place_of_service="10", modifiers="95"),
    )
    late = SessionStatus.LATE_CANCEL
    sessions.record_session(session, visit(unit, date(2026, 2, 16), "LATE", status=late))
    no_show = SessionStatus.NO_SHOW
    sessions.record_session(session, visit(unit, date(2026, 2, 23), "NOSHOW", status=no_show))
    sessions.record_session(session, visit(unit, date(2026, 2, 20), "REPORT", minutes=30))
    voided = sessions.record_session(session, visit(unit, date(2026, 2, 25)))
    sessions.void_session(session, voided.id, "Entered twice")
    cash = method_id(session, "Cash")
    payments.record_payment(session, PaymentInput(unit, date(2026, 2, 3), D("150.00"), cash))
    # After the issue date: not yet paid as far as the superbill knows.
    payments.record_payment(session, PaymentInput(unit, date(2026, 3, 20), D("50.00"), cash))
    return unit


def issue(ws: Workspace, unit: int, **kwargs: object) -> documents_store.IssuedDocument:
    kwargs.setdefault("issued_on", ISSUED)
    return ws.run(superbills.issue_superbill, unit, FEB_1, FEB_28, **kwargs)  # type: ignore[arg-type]


def test_a_voided_payment_is_not_paid_on_the_superbill(workspace: Workspace) -> None:
    unit = workspace.run(superbill_client)
    workspace.run(sessions.record_session, visit(unit, date(2026, 2, 2)))
    cash = workspace.run(method_id, "Cash")
    kept = workspace.run(
        payments.record_payment, PaymentInput(unit, date(2026, 2, 3), D("40.00"), cash)
    )
    wrong = workspace.run(
        payments.record_payment, PaymentInput(unit, date(2026, 2, 4), D("60.00"), cash)
    )
    workspace.run(voids.void_entry, "payment", wrong.id, "Bounced", date(2026, 2, 5))
    issued = issue(workspace, unit)
    assert kept.id != wrong.id
    assert (issued.total_charged, issued.total_paid) == (D("150.00"), D("40.00"))


def test_only_attended_superbill_services_print_with_ledger_amounts(workspace: Workspace) -> None:
    unit = workspace.run(february)
    issued = issue(workspace, unit)
    assert (issued.number, issued.version, issued.kind) == ("SB-2026-0001", 1, "superbill")
    assert (issued.total_charged, issued.total_paid, issued.balance) == (
        D("340.00"),
        D("150.00"),
        D("190.00"),
    )
    text = text_of(workspace.read(documents_store.reprint, issued.id))
    for printed in ("Katherine Doyle", "01/01/1985", "Aetna", "W123456789", "GRP-42", "F43.23"):
        assert printed in text
    assert "02/02/2026" in text
    assert "02/09/2026" in text
    for absent in ("02/16/2026", "02/20/2026", "02/23/2026", "02/25/2026", "Kit ", "LATE"):
        assert absent not in text
    stored = workspace.read(
        lambda s: [
            (line.code, line.place_of_service, line.modifiers, line.pointers, line.fee, line.paid)
            for line in s.scalars(select(DocumentLine).order_by(DocumentLine.line_no))
        ]
    )
    assert stored == [
        ("90834", "11", "", "A", D("150.00"), D("150.00")),
        ("90837", "10", "95", "A", D("190.00"), D("0.00")),
    ]


def test_preview_is_not_kept(workspace: Workspace) -> None:
    unit = workspace.run(february)
    pdf = workspace.run(superbills.preview_superbill, unit, FEB_1, FEB_28, issued_on=ISSUED)
    assert "No. Preview" in text_of(pdf)
    assert workspace.read(documents_store.list_documents) == []
    assert issue(workspace, unit).number == "SB-2026-0001"


def test_dependent_prints_the_subscriber_and_descriptions_print(workspace: Workspace) -> None:
    unit = workspace.run(
        superbill_client,
        subscriber_relationship="spouse",
        subscriber_name="Nikolai Doyle",
        subscriber_date_of_birth=date(1984, 6, 30),
    )
    workspace.run(sessions.record_session, visit(unit, date(2026, 2, 2)))
    text = text_of(workspace.read(documents_store.reprint, issue(workspace, unit).id))
    assert "Nikolai Doyle" in text
    assert "Patient is the" in text
    assert "subscriber's spouse" in text
    assert "06/30/1984" in text
    assert "Adjustment disorder with mixed anxiety and depressed mood" in text


def test_self_insured_prints_no_subscriber(workspace: Workspace) -> None:
    unit = workspace.run(superbill_client, subscriber_name="Someone Else")
    workspace.run(sessions.record_session, visit(unit, date(2026, 2, 2)))
    text = text_of(workspace.read(documents_store.reprint, issue(workspace, unit).id))
    assert "Subscriber" not in text
    assert "Someone Else" not in text


def test_books_facts_reach_the_checker(workspace: Workspace) -> None:
    """The payer's filing limit, a non-billable diagnosis and a missing licence block issuing."""
    unit = workspace.run(superbill_client)
    workspace.run(sessions.record_session, visit(unit, date(2026, 2, 2)))

    def spoil(session: Session) -> None:
        session.add(Diagnosis(client_id=1, code="F43.2", rank=2, effective_from=date(2026, 1, 1)))
        session.execute(select(Payer)).scalar_one().timely_filing_days = 90
        session.get(Practice, 1).license_number = ""  # type: ignore[union-attr]

    workspace.run(spoil)
    later = date(2026, 6, 1)
    errors = [
        f.text
        for f in workspace.read(superbills.check, unit, FEB_1, FEB_28, issued_on=later)
        if f.blocks
    ]
    assert errors == [
        "Enter the provider's license number in the practice profile.",
        "Line 1: F43.2 is a category, not a billable code (ICD-10-CM April 1, 2026 release); "
        "choose a more specific code.",
        "Line 1: 02/02/2026 is past the payer's 90-day filing limit (it ended 05/03/2026).",
    ]


def test_private_client_gets_no_superbill(workspace: Workspace) -> None:
    unit = workspace.run(superbill_client, billing="private")
    with pytest.raises(NotAllowed, match="pays privately"):
        issue(workspace, unit)


def test_checker_error_blocks_and_nothing_is_stored(workspace: Workspace) -> None:
    unit = workspace.run(february)
    workspace.run(lambda s: setattr(s.get(Client, 1), "date_of_birth", None))
    findings = workspace.read(superbills.check, unit, FEB_1, FEB_28, issued_on=ISSUED)
    assert [f.shown for f in findings if f.blocks] == ["Error: Enter the client's date of birth."]
    with pytest.raises(CheckFailed) as failed:
        issue(workspace, unit, acknowledge=True)
    assert failed.value.problems == ("Error: Enter the client's date of birth.",)
    assert workspace.read(documents_store.list_documents) == []


def test_warnings_are_acknowledged_and_kept(workspace: Workspace) -> None:
    unit = workspace.run(superbill_client, member_id="")
    workspace.run(sessions.record_session, visit(unit, date(2026, 2, 2), minutes=20))
    with pytest.raises(CheckFailed) as failed:
        issue(workspace, unit)
    assert failed.value.problems[-1] == "Acknowledge the warnings to issue it anyway."
    warnings = workspace.read(superbills.check, unit, FEB_1, FEB_28, issued_on=ISSUED)
    texts = [w.text for w in warnings]
    assert len(texts) == 2
    assert not any(w.blocks for w in warnings)
    with pytest.raises(CheckFailed):
        issue(workspace, unit, acknowledge=texts[:1])  # one of two read is not enough
    issued = issue(workspace, unit, acknowledge=texts)
    assert issued.acknowledged_warnings == tuple(texts)
    assert "Line 1: 90834 needs at least 38 minutes" in texts[1]


def test_pointers_follow_the_diagnoses_in_force_on_each_date(workspace: Workspace) -> None:
    unit = workspace.run(superbill_client, diagnosis_codes_only=True)

    def change_diagnoses(session: Session) -> None:
        first = diagnoses_in_effect(session, 1, date(2026, 2, 1))[0]
        end_diagnosis(session, first.id, date(2026, 2, 5))
        add_diagnosis(session, 1, "F41.1", date(2026, 2, 6), 1)
        add_diagnosis(session, 1, "Z63.0", date(2026, 2, 6), 2)

    workspace.run(change_diagnoses)
    workspace.run(sessions.record_session, visit(unit, date(2026, 2, 2)))
    workspace.run(sessions.record_session, visit(unit, date(2026, 2, 9)))
    issued = issue(workspace, unit)
    pointers = workspace.read(
        lambda s: list(s.scalars(select(DocumentLine.pointers).order_by(DocumentLine.line_no)))
    )
    # F43.23 and F41.1 are both primaries (rank 1): the one used first is A.
    assert pointers == ["A", "BC"]
    text = text_of(workspace.read(documents_store.reprint, issued.id))
    for code in ("F43.23", "F41.1", "Z63.0"):
        assert code in text
    for description in ("Generalized anxiety", "Adjustment disorder", "relationship"):
        assert description not in text


def test_reprint_is_identical_and_a_correction_keeps_both(workspace: Workspace) -> None:
    unit = workspace.run(february)
    first = issue(workspace, unit)
    pdf = workspace.read(documents_store.reprint, first.id)
    assert workspace.read(documents_store.reprint, first.id) == pdf
    assert hashlib.sha256(pdf).hexdigest() == first.sha256
    card = workspace.run(method_id, "Card")
    workspace.run(payments.record_payment, PaymentInput(unit, date(2026, 3, 1), D("190.00"), card))
    # Allocated after the 03/20 payment's allocation, so dated 03/20: issue after it.
    second = workspace.run(superbills.correct_superbill, first.id, issued_on=date(2026, 3, 25))
    assert (second.number, second.version, second.supersedes_id) == (first.number, 2, first.id)
    assert (second.total_paid, second.balance) == (D("340.00"), D("0.00"))
    listed = {(d.number, d.version): d.superseded for d in workspace.read(superbills_listed)}
    assert listed == {(first.number, 1): True, (first.number, 2): False}
    assert workspace.read(documents_store.reprint, first.id) == pdf
    text = text_of(workspace.read(documents_store.reprint, second.id))
    assert f"Replaces {first.number}, version 1" in text
    with pytest.raises(NotAllowed, match="already replaced"):
        workspace.run(superbills.correct_superbill, first.id, issued_on=ISSUED)


def test_an_issued_document_cannot_be_altered(workspace: Workspace) -> None:
    unit = workspace.run(february)
    issued = issue(workspace, unit)
    pdf = workspace.read(documents_store.reprint, issued.id)

    def alter(session: Session) -> None:
        document = session.get(Document, issued.id)
        assert document is not None
        document.pdf = pdf[:500] + bytes([pdf[500] ^ 1]) + pdf[501:]  # one bit flipped
        session.flush()

    with pytest.raises(ServiceError, match="never change"):
        workspace.run(alter)
    assert workspace.read(documents_store.reprint, issued.id) == pdf


def test_add_on_prints_as_its_own_line_with_the_visit_modifiers(workspace: Workspace) -> None:
    unit = workspace.run(superbill_client)
    day = date(2026, 2, 2)
    with_addon = visit(unit, day, place_of_service="10", modifiers="95", addon_code="90785")
    workspace.run(sessions.record_session, with_addon)
    issued = issue(workspace, unit)
    stored = workspace.read(
        lambda s: [
            (line.code, line.modifiers, line.pointers, line.fee)
            for line in s.scalars(select(DocumentLine).order_by(DocumentLine.line_no))
        ]
    )
    assert stored == [("90834", "95", "A", D("150.00")), ("90785", "95", "A", D("25.00"))]
    assert issued.total_charged == D("175.00")


def superbills_listed(session: Session) -> list[documents_store.IssuedDocument]:
    return documents_store.list_documents(session, kind=DocumentKind.SUPERBILL)


def test_a_date_of_service_is_never_on_two_current_superbills(workspace: Workspace) -> None:
    unit = workspace.run(february)
    first = issue(workspace, unit)
    with pytest.raises(CheckFailed, match=f"already on {first.number} version 1"):
        issue(workspace, unit)
    workspace.run(sessions.record_session, visit(unit, date(2026, 3, 2)))
    later = workspace.run(
        superbills.issue_superbill, unit, date(2026, 3, 1), date(2026, 3, 31), issued_on=ISSUED
    )
    assert later.number == "SB-2026-0002"


def test_issuing_is_audited(workspace: Workspace) -> None:
    unit = workspace.run(february)
    issued = issue(workspace, unit)
    entries = workspace.read(
        lambda s: s.execute(
            select(AuditEntry.action, AuditEntry.after_json).where(AuditEntry.entity == "document")
        ).all()
    )
    assert [action for action, _ in entries] == ["issue"]
    assert issued.sha256 in entries[0][1]
    assert workspace.read(audit.verify_chain).intact


def month_of_clients(session: Session) -> None:
    for ref, name in (("A1", "Ana Lopez"), ("B1", "Ben Okafor"), ("C1", "Cy Park")):
        unit = superbill_client(session, ref, name)
        sessions.record_session(session, visit(unit, date(2026, 2, 3)))
    private = add_unit(session, "P1", "Pat Private")
    sessions.record_session(session, visit(private, date(2026, 2, 3)))
    session.execute(select(Client).where(Client.client_ref == "B1")).scalar_one().member_id = ""
    session.execute(select(Client).where(Client.client_ref == "C1")).scalar_one().zip = "12180"
    cy = session.execute(select(Client).where(Client.client_ref == "C1")).scalar_one()
    cy.date_of_birth = None


def test_month_batch_issues_the_clean_ones_and_names_the_rest(workspace: Workspace) -> None:
    workspace.run(month_of_clients)
    calls: list[tuple[int, int]] = []
    batch = workspace.run(
        superbills.issue_month,
        2026,
        2,
        issued_on=ISSUED,
        progress=lambda d, t: not calls.append((d, t)),
    )
    assert [d.unit_ref for d in batch.issued] == ["A1"]
    assert {s.unit_ref: s.reasons for s in batch.skipped} == {
        "B1": ("Warning: The member ID is missing; insurers often return claims without it.",),
        "C1": ("Error: Enter the client's date of birth.",),
    }
    assert batch.pdf is not None
    assert "Ana Lopez" in text_of(batch.pdf)
    assert (calls[0], calls[-1]) == ((0, 2), (2, 2))
    # With warnings acknowledged, B1 is issued too; A1 is already on a superbill.
    again = workspace.run(superbills.issue_month, 2026, 2, acknowledge=True, issued_on=ISSUED)
    assert [d.unit_ref for d in again.issued] == ["B1"]
    assert {s.unit_ref for s in again.skipped} == {"A1", "C1"}
    assert again.issued[0].acknowledged_warnings


def test_cancelled_batch_stores_nothing(workspace: Workspace) -> None:
    workspace.run(month_of_clients)
    batch = workspace.run(
        superbills.issue_month,
        2026,
        2,
        acknowledge=True,
        issued_on=ISSUED,
        progress=lambda d, t: d < 1,
    )
    assert batch.cancelled
    assert (batch.pdf, batch.issued) == (None, ())
    assert workspace.read(lambda s: s.scalars(select(Document)).all()) == []
