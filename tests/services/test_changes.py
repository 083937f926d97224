"""The typed change notice: which kinds of records an action wrote."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from db.models import Base
from db.writes import note_statement, recording_writes
from desktop.services.books.payments import PaymentInput, record_payment
from desktop.services.changes import EVERYTHING, TABLE_TOPICS, Topic, topics_of
from desktop.services.jobs import Job
from desktop.services.practice.catalog import list_payment_methods
from desktop.services.workspace import Workspace
from tests.books_helpers import add_unit


def test_every_table_of_the_books_names_the_kind_of_record_it_holds() -> None:
    assert set(Base.metadata.tables) <= set(TABLE_TOPICS)


def test_an_unknown_table_counts_as_everything() -> None:
    assert topics_of(["sessions", "a_table_added_later"]) == EVERYTHING
    assert topics_of([]) == frozenset()


def test_writes_are_noted_only_inside_a_recording() -> None:
    note_statement("INSERT INTO clients (id) VALUES (1)")  # nobody is recording: ignored
    with recording_writes() as tables:
        note_statement('INSERT INTO "payments" (id) VALUES (?)')
        note_statement("UPDATE unit_balances SET owed = 1")
        note_statement("DELETE FROM imported_rows WHERE id = 3")
        note_statement("INSERT OR REPLACE INTO settings (k) VALUES (1)")
        note_statement("SELECT * FROM sessions")
    assert tables == {"payments", "unit_balances", "imported_rows", "settings"}


def test_an_action_reports_the_kinds_of_records_it_wrote(workspace: Workspace) -> None:
    unit_id = workspace.run(add_unit, "AB")
    method = workspace.read(list_payment_methods)[0].id
    performed = workspace.perform(
        record_payment, PaymentInput(unit_id, date(2026, 3, 2), Decimal("50.00"), method)
    )
    assert Topic.MONEY in performed.changes
    assert Topic.AUDIT in performed.changes
    assert Topic.SESSIONS not in performed.changes
    assert Topic.CLIENTS not in performed.changes


def test_a_job_reports_what_all_its_transactions_wrote(workspace: Workspace) -> None:
    def work(ws: Workspace, _progress: object) -> int:
        ws.run(add_unit, "CD")
        return ws.run(add_unit, "EF")

    done = Job("Adding clients…", work).run(workspace)
    assert isinstance(done.value, int)
    assert done.changes == frozenset({Topic.CLIENTS})
    reading = Job("Reading…", lambda ws, _p: ws.read(list_payment_methods)).run(workspace)
    assert reading.changes == frozenset()
