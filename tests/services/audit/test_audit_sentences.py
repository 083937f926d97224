"""The audit log in words: each entry names its record as the practice knows it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from desktop.services.audit.review import AuditFilter, change_kinds, list_audit
from desktop.services.audit.sentences import Entry, kind_label, sentence
from desktop.services.books.payments import PaymentInput, record_payment
from desktop.services.books.sessions import SessionInput, record_session, void_session
from desktop.services.books.voids import void_entry
from desktop.services.workspace import Workspace
from tests.books_helpers import add_unit, method_id

NOV_3 = date(2026, 11, 3)


def test_money_and_sessions_in_words_with_the_clients_name(workspace: Workspace) -> None:
    unit = workspace.run(add_unit, "B1", "Ben Ivanova")
    visit = workspace.run(record_session, SessionInput(unit, NOV_3, "90837", fee=Decimal("150")))
    check = workspace.read(method_id, "Check")
    paid = workspace.run(record_payment, PaymentInput(unit, NOV_3, Decimal("150"), check))
    workspace.run(void_entry, "payment", paid.id, "Check returned by the bank")
    workspace.run(void_session, visit.id, "entered twice")

    page = workspace.read(list_audit, AuditFilter(unit_id=unit))
    said = [row.sentence for row in page.rows]  # newest first
    assert said == [
        "Session on 11/03/2026 for Ben Ivanova voided: entered twice",
        "Payment of $150.00 from Ben Ivanova voided: Check returned by the bank",
        "Payment of $150.00 from Ben Ivanova recorded",
        "Session on 11/03/2026 for Ben Ivanova recorded",
    ]
    for text in said:
        assert "#" not in text
        assert "_" not in text
    assert {row.kind for row in page.rows} == {
        "Session recorded",
        "Session voided",
        "Payment recorded",
        "Payment voided",
    }
    # The filter's kinds, in words, each one the page can filter by.
    kinds = workspace.read(change_kinds)
    assert ("payment", "void") in kinds
    voids = workspace.read(list_audit, AuditFilter(entity="payment", action="void"))
    assert [row.sentence[:26] for row in voids.rows] == ["Payment of $150.00 from Be"]


def test_every_kind_reads_as_words_starting_with_a_capital() -> None:
    assert kind_label("billing_unit", "create") == "Couple or family added"
    assert kind_label("adjustment", "void") == "Write-off voided"
    assert kind_label("period", "close") == "Books closed"
    assert kind_label("something_new", "frobnicate") == "Something new frobnicate"
    couple = Entry.of(
        "update",
        "billing_unit",
        93,
        "Ana & Ben Lopez",
        '{"kind": "couple", "active": true}',
        '{"kind": "couple", "active": false}',
    )
    assert sentence(couple) == "Couple Ana & Ben Lopez made inactive"
    client = Entry.of(
        "update",
        "client",
        80,
        "Ana Lopez",
        '{"email": "a@x", "city": "Troy"}',
        '{"email": "b@x", "city": "Troy"}',
    )
    assert sentence(client) == "Client Ana Lopez changed (email)"
    closed = Entry.of("close", "period", 1, "", "", '{"closed_through": "2026-10-31"}')
    assert sentence(closed) == "Books closed through 10/31/2026"
