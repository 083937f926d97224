"""Estimates from an export folder: each version back on its re-created document.

A step of ``import all`` that runs after the documents (``paperwork.import_documents``
fills ``Paperwork.documents`` with the new ids) and before the claims. An estimate
whose document is already in the books is skipped, so importing twice adds nothing.
The estimates noted as owed (estimates_owed.csv, when the folder has it) follow,
each pointing at the estimate that met it; one already in the books is skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import BillingUnit, Client, Document, Estimate, EstimateLine, EstimateOwed
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
OWED_COLUMNS = (
    "client_ref", "client", "scheduled_on", "requested", "first_service", "due_by",
    "noted_on", "closed_on", "estimate_id", "closed_reason",
)  # fmt: skip
OWED_FILE = "estimates_owed.csv"


def import_estimates(
    session: Session, folder: Path, shared: Paperwork, report: Callable[[int, int], None]
) -> StepOutcome:
    """Every estimate in estimates.csv on its re-created document, with its expected services."""
    records, found = records_by_name(folder / "estimates.csv", ESTIMATE_COLUMNS)
    lines = rows_by_parent(
        folder, "estimate_lines.csv", ESTIMATE_LINE_COLUMNS, "estimate_id", found
    )
    added = 0
    new_ids: dict[int, int] = {}  # estimate_id in the folder -> the estimate in the books
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
        held = (
            session.scalar(select(Estimate.id).where(Estimate.document_id == document_id))
            if document_id is not None
            else None
        )
        if held is not None:
            if export_id is not None:
                new_ids[export_id] = held
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
        if export_id is not None:
            new_ids[export_id] = estimate.id
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
    owed_rows, owed_added = _import_owed(session, folder, found, new_ids)
    return StepOutcome(len(records) + owed_rows, added + owed_added, found)


def _import_owed(
    session: Session, folder: Path, found: Findings, estimates: dict[int, int]
) -> tuple[int, int]:
    """The estimates noted as owed; (rows read, rows added). A folder without the file
    (an export made before owed estimates were kept) has none."""
    if not (folder / OWED_FILE).exists():
        return 0, 0
    records, owed_found = records_by_name(folder / OWED_FILE, OWED_COLUMNS)
    added = 0
    for number, row in records:
        cells = Cells(owed_found, number, row)
        unit, client_id = _client_of(session, cells)
        values = _dates_of(cells, "noted_on")
        values["closed_on"] = cells.read("closed_on", parse_date)
        met = cells.read("estimate_id", whole_number)
        if met is not None and met not in estimates:
            cells.problem("estimate_id", f"Estimate {met} is not in estimates.csv.")
        if not cells.ok or unit is None or client_id is None:
            continue
        if session.scalar(
            select(EstimateOwed.id).where(
                EstimateOwed.unit_id == unit.id,
                EstimateOwed.scheduled_on == values["scheduled_on"],
                EstimateOwed.noted_on == values["noted_on"],
            )
        ):
            continue
        owed = EstimateOwed(
            unit_id=unit.id,
            client_id=client_id,
            estimate_id=estimates.get(met) if met is not None else None,
            closed_reason=row["closed_reason"],
            **values,
        )
        session.add(owed)
        session.flush()
        audit.record(
            session,
            "import",
            "estimate owed",
            owed.id,
            after={"scheduled_on": owed.scheduled_on, "closed_on": owed.closed_on},
            unit_id=unit.id,
        )
        added += 1
    found.problems += owed_found.problems
    return len(records), added


def _estimate_values(
    session: Session, cells: Cells, document_id: int | None
) -> dict[str, Any] | None:
    row = cells.row
    unit, client_id = _client_of(session, cells)
    held = session.get(Document, document_id) if document_id is not None else None
    if held is not None and held.kind != DocumentKind.ESTIMATE.value:
        cells.problem("document_id", f"Document {row['document_id']} is not an estimate.")
    values = _dates_of(cells, "period_end")
    values["show_diagnoses"] = cells.required("show_diagnoses", parse_flag)
    values["sessions"] = cells.required("sessions", whole_number)
    values["total"] = cells.required("total", parse_amount)
    values["frequency"] = row["frequency"]
    if not cells.ok or unit is None or client_id is None:
        return None
    return values | {"unit_id": unit.id, "client_id": client_id}


def _client_of(session: Session, cells: Cells) -> tuple[BillingUnit | None, int | None]:
    """The billing unit and the client a row names, each a problem when not in the books."""
    row = cells.row
    unit = find_unit_by_ref(session, row["client_ref"])
    if unit is None:
        cells.problem("client_ref", f"There is no client or couple '{row['client_ref']}'.")
    client_id = session.scalar(select(Client.id).where(Client.client_ref == row["client"]))
    if client_id is None:
        cells.problem("client", f"There is no client '{row['client']}'.")
    return unit, client_id


def _dates_of(cells: Cells, third: str) -> dict[str, Any]:
    """The dates an estimate and an estimate owed both keep, and the deadline."""
    values: dict[str, Any] = {
        name: cells.required(name, parse_date) for name in ("scheduled_on", "first_service", third)
    }
    values["due_by"] = cells.read("due_by", parse_date)
    values["requested"] = cells.required("requested", parse_flag)
    return values


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
