"""Statements and receipts from the books: balances that tie out, no diagnosis, kept as issued."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Charge, Client, Document
from desktop.domain.kinds import AdjustmentReason
from desktop.services.books import payment_list, payments, sessions, write_offs
from desktop.services.books import queries as books
from desktop.services.books.payments import PaymentInput
from desktop.services.books.sessions import SessionInput
from desktop.services.clients.diagnoses import add_diagnosis
from desktop.services.documents import receipts as documents_receipts
from desktop.services.documents import statements
from desktop.services.documents import store as documents_store
from desktop.services.errors import NotAllowed
from desktop.services.workspace import Workspace
from tests.books_helpers import add_unit, client_id, method_id
from tests.conftest import VALID_EIN, VALID_NPI

AS_OF = date(2026, 2, 28)
ISSUED = date(2026, 3, 2)
DIAGNOSIS_TEXT = ("F43.23", "Adjustment disorder")


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def visit(unit: int, day: date, code: str = "90834") -> SessionInput:
    return SessionInput(unit_id=unit, service_date=day, service_code=code, minutes=50)


def books_of_ana(session: Session) -> int:
    """January leaves 50.00 owed; February adds 340.00, pays 200.00, writes off 20.00."""
    unit = add_unit(session, "A1", "Ana Lopez")
    ana = session.get(Client, client_id(session, "A1"))
    assert ana is not None
    ana.preferred_name = "Annie"
    ana.address, ana.city, ana.state, ana.zip = "9 Oak Lane", "Troy", "NY", "12180"
    add_diagnosis(session, ana.id, "F43.23", date(2026, 1, 1), 1)
    cash, card = method_id(session, "Cash"), method_id(session, "Card")
    sessions.record_session(session, visit(unit, date(2026, 1, 5)))
    payments.record_payment(session, PaymentInput(unit, date(2026, 1, 10), D("100.00"), cash))
    sessions.record_session(session, visit(unit, date(2026, 2, 2)))
    sessions.record_session(session, visit(unit, date(2026, 2, 9), "90837"))
    payments.record_payment(
        session, PaymentInput(unit, date(2026, 2, 15), D("200.00"), card, reference="4242")
    )
    last = session.scalars(select(Charge).order_by(Charge.id.desc())).first()
    assert last is not None
    write_offs.write_off(
        session, last.id, D("20.00"), AdjustmentReason.COURTESY, on=date(2026, 2, 20)
    )
    return unit


def test_statement_ties_out_to_the_books(workspace: Workspace) -> None:
    unit = workspace.run(books_of_ana)
    issued = workspace.run(statements.issue_statement, unit, AS_OF, issued_on=ISSUED)
    # A first statement starts at the oldest open charge (Feb 9), so it covers every open item.
    assert (issued.number, issued.period_from, issued.period_to) == (
        "ST-2026-0001",
        date(2026, 2, 9),
        AS_OF,
    )
    assert (issued.total_charged, issued.total_paid) == (D("190.00"), D("220.00"))
    closing = workspace.read(books.balance, unit, AS_OF).net
    assert issued.balance == closing == D("170.00")
    text = text_of(workspace.read(documents_store.reprint, issued.id))
    for printed in (
        "Ana Lopez",
        "9 Oak Lane",
        "Harbor Light Therapy",  # remit-to
        "02/09/2026 to 02/28/2026",
        "Balance before 02/09/2026 $200.00",
        "Balance on 02/28/2026 $170.00",
        "Open charges",
        "02/09/2026 Psychotherapy, 50 minutes (90837) $190.00 $20.00 $170.00",
        "$0.00 $170.00 $0.00 $0.00 $0.00 $170.00",  # 19 days past due: 1-30
        "Account activity from 02/09/2026",
        "Amount due: $170.00",
        "Payment, Card (4242)",
        "Write-off: courtesy",
    ):
        assert printed in text
    for absent in (*DIAGNOSIS_TEXT, "Annie", "01/05/2026"):
        assert absent not in text


def test_a_first_statement_with_no_recent_activity_still_lists_what_is_owed(
    workspace: Workspace,
) -> None:
    unit = workspace.run(books_of_ana)
    doc = workspace.read(statements.build_statement, unit, date(2026, 4, 30), issued_on=ISSUED)
    assert doc.period_from == date(2026, 2, 9)
    assert [(i.on, i.owed) for i in doc.open_items] == [(date(2026, 2, 9), D("170.00"))]
    # Due on Feb 9 (terms of 0 days): 80 days past due on Apr 30.
    assert doc.aging == (D("0"), D("0"), D("0"), D("170.00"), D("0"))
    assert doc.closing_balance == doc.open_total == D("170.00")


def test_previews_are_not_kept(workspace: Workspace) -> None:
    unit = workspace.run(books_of_ana)
    statement = workspace.run(statements.preview_statement, unit, AS_OF, issued_on=ISSUED)
    assert "Balance on 02/28/2026 $170.00" in text_of(statement)
    payment = workspace.read(payment_list.list_payments, unit_id=unit)[0]
    receipt = workspace.run(documents_receipts.preview_receipt, payment.id, issued_on=ISSUED)
    assert "Preview" in text_of(receipt)
    assert workspace.read(documents_store.list_documents) == []


def test_next_statement_continues_where_the_last_ended(workspace: Workspace) -> None:
    unit = workspace.run(books_of_ana)
    workspace.run(statements.issue_statement, unit, AS_OF, issued_on=ISSUED)
    workspace.run(sessions.record_session, visit(unit, date(2026, 3, 3)))
    march = workspace.run(statements.issue_statement, unit, date(2026, 3, 31), issued_on=ISSUED)
    assert (march.number, march.period_from) == ("ST-2026-0002", date(2026, 3, 1))
    assert march.balance == D("320.00")
    text = text_of(workspace.read(documents_store.reprint, march.id))
    assert "Activity since your last statement, of 02/28/2026" in text
    # Still every open charge, the one from before the last statement too.
    assert "02/09/2026 Psychotherapy, 50 minutes (90837)" in text
    assert "03/03/2026 Psychotherapy, 50 minutes (90834) $150.00 $150.00" in text


def test_credit_on_account_is_shown_and_nothing_is_due(workspace: Workspace) -> None:
    unit = workspace.run(add_unit, "B1", "Ben Okafor")
    cash = workspace.run(method_id, "Cash")
    workspace.run(sessions.record_session, visit(unit, date(2026, 2, 2)))
    workspace.run(payments.record_payment, PaymentInput(unit, date(2026, 2, 3), D("400.00"), cash))
    issued = workspace.run(statements.issue_statement, unit, AS_OF, issued_on=ISSUED)
    text = text_of(workspace.read(documents_store.reprint, issued.id))
    assert issued.balance == D("-250.00")
    assert "You have a credit of $250.00 on your account. Nothing is due." in text
    assert "No charges are open." in text


def test_statement_batch_goes_to_everyone_who_owes(workspace: Workspace) -> None:
    owing = workspace.run(books_of_ana)
    paid_up = workspace.run(add_unit, "B1", "Ben Okafor")
    workspace.run(sessions.record_session, visit(paid_up, date(2026, 2, 2)))
    cash = workspace.run(method_id, "Cash")
    workspace.run(
        payments.record_payment, PaymentInput(paid_up, date(2026, 2, 3), D("150.00"), cash)
    )
    cancelled = workspace.run(
        statements.issue_statements, AS_OF, issued_on=ISSUED, progress=lambda d, t: False
    )
    assert cancelled.cancelled
    assert workspace.read(lambda s: s.scalars(select(Document)).all()) == []
    batch = workspace.run(statements.issue_statements, AS_OF, issued_on=ISSUED)
    assert [(d.unit_id, d.number) for d in batch.issued] == [(owing, "ST-2026-0001")]


def test_statement_correction_keeps_both_versions(workspace: Workspace) -> None:
    unit = workspace.run(books_of_ana)
    first = workspace.run(statements.issue_statement, unit, AS_OF, issued_on=ISSUED)
    pdf = workspace.read(documents_store.reprint, first.id)
    cash = workspace.run(method_id, "Cash")
    workspace.run(payments.record_payment, PaymentInput(unit, date(2026, 2, 27), D("170.00"), cash))
    second = workspace.run(statements.correct_statement, first.id, issued_on=ISSUED)
    assert (second.number, second.version, second.balance) == (first.number, 2, D("0.00"))
    assert workspace.read(documents_store.reprint, first.id) == pdf
    listed = workspace.read(documents_store.list_documents, unit_id=unit)
    assert [(d.version, d.superseded) for d in listed] == [(2, False), (1, True)]


def test_receipt_shows_where_the_payment_went(workspace: Workspace) -> None:
    unit = workspace.run(books_of_ana)
    listed = workspace.read(payment_list.list_payments, unit_id=unit)
    payment = max(listed, key=lambda p: p.received_date)
    issued = workspace.run(documents_receipts.issue_receipt, payment.id, issued_on=ISSUED)
    assert (issued.number, issued.total_paid, issued.total_charged) == (
        "RC-2026-0001",
        D("200.00"),
        D("200.00"),
    )
    text = text_of(workspace.read(documents_store.reprint, issued.id))
    # What a benefits administrator asks for: provider NPI and EIN, the client's name and
    # address, and each service's date, code and what it was, in plain words.
    for printed in (
        "Ana Lopez",
        "9 Oak Lane",
        "Troy, NY 12180",
        f"NPI {VALID_NPI}",
        f"EIN {VALID_EIN}",
        "$200.00",
        "Card",
        "4242",
        "01/05/2026 Psychotherapy, 50 minutes (90834) $50.00",
        "02/02/2026 Psychotherapy, 50 minutes (90834) $150.00",
    ):
        assert printed in text
    for absent in (*DIAGNOSIS_TEXT, "Annie", "Therapy session, 45 minutes"):
        assert absent not in text
    with pytest.raises(NotAllowed, match="already the receipt"):
        workspace.run(documents_receipts.issue_receipt, payment.id, issued_on=ISSUED)
    again = workspace.run(documents_receipts.correct_receipt, issued.id, issued_on=ISSUED)
    assert (again.number, again.version, again.supersedes_id) == (issued.number, 2, issued.id)


def test_partner_gets_a_receipt_in_their_own_name_with_credit_left(
    workspace: Workspace,
) -> None:
    unit = workspace.run(add_unit, "C1", "Cy Park", "Dee Park")
    workspace.run(sessions.record_session, visit(unit, date(2026, 2, 2)))
    card = workspace.run(method_id, "Card")
    dee = workspace.run(client_id, "C1-1")
    paid = workspace.run(
        payments.record_payment,
        PaymentInput(unit, date(2026, 2, 3), D("200.00"), card, payer_client_id=dee),
    )
    issued = workspace.run(documents_receipts.issue_receipt, paid.id, issued_on=ISSUED)
    text = text_of(workspace.read(documents_store.reprint, issued.id))
    assert "Dee Park" in text
    assert "Cy Park" not in text
    assert "$50.00" in text  # left as credit
    assert issued.balance == D("-50.00")
