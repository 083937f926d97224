"""Estimates from an export folder: each version back on its re-created document.

A step of ``import all`` that runs after the documents (``paperwork.import_documents``
fills ``Paperwork.documents`` with the new ids) and before the claims. An estimate
whose document is already in the books is skipped, so importing twice adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Client, Document, Estimate, EstimateLine
from desktop.domain.kinds import DocumentKind
from desktop.services.audit import log as audit
from desktop.services.clients.lookups import find_unit_by_ref
from desktop.services.transfer.format import parse_amount, parse_date, parse_flag
from desktop.services.transfer.importing.common import Findings, Row, records_by_name
from desktop.services.transfer.importing.paperwork import (
    Cells,
    Paperwork,
    StepOutcome,
    rows_by_parent,
    whole_number,
)

ESTIMATE_COLUMNS = (
    "estimate_id", "document_id", "number", "version", "client_ref", "client", "scheduled_on",
    "requested", "first_service", "period_end", "frequency", "sessions", "due_by",
    "show_diagnoses", "total",
)  # fmt: skip
ESTIMATE_LINE_COLUMNS = ("estimate_id", "service_code", "label", "quantity", "unit_fee")


def import_estimates(
    session: Session, folder: Path, shared: Paperwork, report: Callable[[int, int], None]
) -> StepOutcome:
    """Every estimate in estimates.csv on its re-created document, with its expected services."""
    records, found = records_by_name(folder / "estimates.csv", ESTIMATE_COLUMNS)
    lines = rows_by_parent(
        folder, "estimate_lines.csv", ESTIMATE_LINE_COLUMNS, "estimate_id", found
    )
    added = 0
    for done, (number, row) in enumerate(records):
        report(done, len(records))
        cells = Cells(found, number, row)
        export_id = cells.required("estimate_id", whole_number)
        document = cells.required("document_id", whole_number)
        if document in shared.refused:
            continue  # that document's own problem says what to fix
        document_id = shared.documents.get(document) if document is not None else None
        if cells.ok and document_id is None:
            cells.problem("document_id", f"Document {document} is not in documents.csv.")
        if document_id is not None and session.scalar(
            select(Estimate.id).where(Estimate.document_id == document_id)
        ):
            continue
        values = _estimate_values(session, cells, document_id)
        new_lines = [
            _estimate_line(found, line_number, line)
            for line_number, line in lines.get(export_id, [])
        ]
        if not cells.ok or values is None or None in new_lines:
            continue
        estimate = Estimate(document_id=document_id, **values)
        session.add(estimate)
        session.flush()
        for line in new_lines:
            assert line is not None
            line.estimate_id = estimate.id
            session.add(line)
        session.flush()
        audit.record(
            session,
            "import",
            "estimate",
            estimate.id,
            after={"number": row["number"], "version": row["version"], "total": estimate.total},
            unit_id=estimate.unit_id,
        )
        added += 1
    return StepOutcome(len(records), added, found)


def _estimate_values(
    session: Session, cells: Cells, document_id: int | None
) -> dict[str, Any] | None:
    row = cells.row
    unit = find_unit_by_ref(session, row["client_ref"])
    if unit is None:
        cells.problem("client_ref", f"There is no client or couple '{row['client_ref']}'.")
    client_id = session.scalar(select(Client.id).where(Client.client_ref == row["client"]))
    if client_id is None:
        cells.problem("client", f"There is no client '{row['client']}'.")
    held = session.get(Document, document_id) if document_id is not None else None
    if held is not None and held.kind != DocumentKind.ESTIMATE.value:
        cells.problem("document_id", f"Document {row['document_id']} is not an estimate.")
    values: dict[str, Any] = {
        name: cells.required(name, parse_date)
        for name in ("scheduled_on", "first_service", "period_end")
    }
    values["due_by"] = cells.read("due_by", parse_date)
    values["requested"] = cells.required("requested", parse_flag)
    values["show_diagnoses"] = cells.required("show_diagnoses", parse_flag)
    values["sessions"] = cells.required("sessions", whole_number)
    values["total"] = cells.required("total", parse_amount)
    values["frequency"] = row["frequency"]
    if not cells.ok or unit is None or client_id is None:
        return None
    return values | {"unit_id": unit.id, "client_id": client_id}


def _estimate_line(found: Findings, number: int, row: Row) -> EstimateLine | None:
    cells = Cells(Findings("estimate_lines.csv", found.problems), number, row)
    quantity = cells.required("quantity", whole_number)
    unit_fee = cells.required("unit_fee", parse_amount)
    if not row["service_code"]:
        cells.problem("service_code", "Every row needs its service_code.")
    if not cells.ok:
        return None
    return EstimateLine(
        service_code=row["service_code"], label=row["label"], quantity=quantity, unit_fee=unit_fee
    )
