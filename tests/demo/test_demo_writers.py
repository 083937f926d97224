"""The demo's batch writer writes exactly the books the services write one record at a time."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import LargeBinary, select
from sqlalchemy.orm import Session

from db.models import Adjustment, AuditEntry, LedgerTxn, Refund
from db.models.base import Base, UtcDateTime
from desktop.demo.practice import DEMO_PASSPHRASE, start_demo, write_courses
from desktop.demo.writers import BatchWriter, ServiceWriter
from desktop.services.audit.checks import run_checks
from desktop.services.workspace import Workspace

END = date(2026, 10, 15)
# Two years of twelve clients with this seed hold every kind of event a course has:
# returned checks (voids), bad-debt write-offs, refunds of credit, packages paid ahead.
SEED, YEARS, CLIENTS = 5, 2, 12
WHEN_WRITTEN = ("prev_hash", "entry_hash")  # they cover the time of writing


def _rows(session: Session) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, without the times they were written at."""
    tables = {}
    for table in Base.metadata.sorted_tables:
        columns = [
            c
            for c in table.columns
            if not isinstance(c.type, UtcDateTime | LargeBinary) and c.name not in WHEN_WRITTEN
        ]
        query = select(*columns).order_by(*table.primary_key.columns)
        tables[table.name] = [tuple(row) for row in session.execute(query)]
    return tables


def _books(path: Path, writer: type[BatchWriter] | type[ServiceWriter]) -> Workspace:
    ws = Workspace.create(path, DEMO_PASSPHRASE, allow_weak=True)
    caseload = start_demo(ws, seed=SEED, years=YEARS, clients=CLIENTS, end=END)
    write_courses(ws, caseload, writer=writer)
    return ws


def test_batches_write_what_the_services_write(tmp_path: Path) -> None:
    with (
        _books(tmp_path / "services.qlb", ServiceWriter) as by_services,
        _books(tmp_path / "batches.qlb", BatchWriter) as in_batches,
    ):
        expected = by_services.read(_rows)
        written = in_batches.read(_rows)

        def count(model: type, *where: object) -> int:
            return len(in_batches.read(lambda s: s.execute(select(model.id).where(*where)).all()))

        # The services' own events were all met (so the hand-over to them is tested too).
        assert count(LedgerTxn, LedgerTxn.kind == "void") > 0
        assert count(Adjustment) > 0
        assert count(Refund) > 0
        assert count(AuditEntry, AuditEntry.entity == "session") > 500
        assert run_checks(in_batches) == []
    assert expected.keys() == written.keys()
    for table, rows in expected.items():
        assert written[table] == rows, table
