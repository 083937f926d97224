"""A month's superbills drafted together: the same drafts as one at a time, read at once.

``superbill_draft.drafts`` reads the books for every client of the batch with one
query per kind of data; each draft must be exactly what ``draft`` gives for that
client alone, and the statements sent must not grow with the number of clients.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from db.models import AuditEntry, Client, Document
from desktop.services.audit.log import verify_chain
from desktop.services.books import payments, sessions
from desktop.services.books.payments import PaymentInput
from desktop.services.clients.diagnoses import add_diagnosis
from desktop.services.documents import superbill_draft as sb
from desktop.services.documents import superbills
from desktop.services.workspace import Workspace
from tests.books_helpers import method_id
from tests.services.documents.test_superbill_service import (
    FEB_1,
    FEB_28,
    ISSUED,
    month_of_clients,
    superbill_client,
    visit,
)


def more_clients(session: Session, first: int, count: int) -> None:
    """Clients with two sessions, a payment, a second diagnosis and, for some, a gap."""
    cash = method_id(session, "Cash")
    for n in range(first, first + count):
        unit = superbill_client(session, f"M{n}", f"Mia Number{n}")
        sessions.record_session(session, visit(unit, date(2026, 2, 4 + n % 5)))
        sessions.record_session(session, visit(unit, date(2026, 2, 18), "90837", minutes=55))
        payments.record_payment(
            session, PaymentInput(unit, date(2026, 2, 5), Decimal("150.00"), cash)
        )
        client = session.execute(select(Client).where(Client.client_ref == f"M{n}")).scalar_one()
        add_diagnosis(session, client.id, "F41.1", date(2026, 2, 10), 2)
        if n % 2:
            client.member_id = ""  # a warning
        if n % 3 == 0:
            client.date_of_birth = None  # an error


def _picture(draft: sb.Draft) -> tuple[object, ...]:
    """What a draft prints and finds, comparable between the two ways of drafting."""
    doc = None if draft.errors else sb.superbill_doc(draft, "SB-TEST", 1)
    lines = [(line.charge.id, line.paid, [d.id for d in line.diagnoses]) for line in draft.lines]
    return draft.unit.id, draft.issued_on, lines, draft.findings, doc


@contextmanager
def counted(session: Session) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _drafted_both_ways(session: Session) -> tuple[list[tuple[object, ...]], int]:
    units = superbills.units_with_lines(session, FEB_1, FEB_28)
    one_by_one = [
        _picture(sb.draft(session, sb.unit(session, unit), FEB_1, FEB_28, ISSUED)) for unit in units
    ]
    session.expunge_all()  # nothing found in the session: every read is counted
    with counted(session) as statements:
        together = sb.drafts(session, units, FEB_1, FEB_28, ISSUED)
    assert [_picture(d) for d in together] == one_by_one
    return one_by_one, len(statements)


def test_drafts_together_are_the_drafts_one_at_a_time(workspace: Workspace) -> None:
    workspace.run(month_of_clients)
    workspace.run(more_clients, 1, 6)
    # A client already on a superbill: the batch finds it as one at a time does.
    workspace.run(superbills.issue_superbill, 1, FEB_1, FEB_28, issued_on=ISSUED)
    pictures, _ = workspace.read(_drafted_both_ways)
    findings = [finding for picture in pictures for finding in picture[3]]
    assert any(f.blocks and "already on SB-2026-0001" in f.text for f in findings)
    assert any(not f.blocks for f in findings)
    assert any(picture[4] is not None for picture in pictures)


def test_drafting_a_month_reads_the_same_however_many_clients(workspace: Workspace) -> None:
    workspace.run(more_clients, 1, 3)
    small, few = workspace.read(_drafted_both_ways)
    workspace.run(more_clients, 4, 9)
    large, many = workspace.read(_drafted_both_ways)
    assert (len(small), len(large)) == (3, 12)
    assert few == many


def _audited_documents(session: Session) -> list[tuple[object, ...]]:
    rows = session.execute(
        select(AuditEntry.entity_id, AuditEntry.after_json)
        .where(AuditEntry.entity == "document", AuditEntry.action == "issue")
        .order_by(AuditEntry.id)
    )
    return [(entity_id, json.loads(after)) for entity_id, after in rows]


def test_a_stored_month_is_audited_document_by_document(workspace: Workspace) -> None:
    workspace.run(more_clients, 1, 6)
    batch = workspace.run(superbills.issue_month, 2026, 2, acknowledge=True, issued_on=ISSUED)
    assert len(batch.issued) == 4  # two of the six have errors
    audited = workspace.read(_audited_documents)
    assert [entity_id for entity_id, _ in audited] == [d.id for d in batch.issued]
    for (_, after), issued in zip(audited, batch.issued, strict=True):
        assert after["number"] == issued.number
        assert after["sha256"] == issued.sha256
        assert after["lines"] == 2
    stored = workspace.read(
        lambda s: [
            (hashlib.sha256(d.pdf).hexdigest(), len(d.lines))
            for d in s.scalars(select(Document).order_by(Document.id))
        ]
    )
    assert stored == [(d.sha256, 2) for d in batch.issued]
    assert workspace.read(verify_chain).intact
