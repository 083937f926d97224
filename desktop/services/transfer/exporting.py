"""Everything in the practice, out to a folder: CSV files, one XLSX, the issued PDFs.

``clients.csv``, ``sessions.csv`` and ``payments.csv`` are in the import
layouts (docs/IMPORT.md), so importing them into a new practice gives the same
balances, aging and reports. Voided sessions and payments are left out of
those three (``voided_sessions.csv`` and ``voided_payments.csv`` hold them);
write-offs ride on their session's row, refunds on their payment's row, and a
charge that is not a session (a report fee) is a session row of its own. The
ledger's history (charges, allocations, write-offs, refunds, voids, each
naming sessions and payments by the ids written after the layouts' columns),
diagnoses with their dates, billing units, documents and their lines, Good
Faith Estimates and their expected services, claims and their history, each
client's balance and credit, the practice profile and catalogs are there too,
in ``export.xlsx`` as well as in CSV; the provider's signature image is
``signature.png``. ``import all`` brings all of it back, the history as it was.

The folder is built beside its final place and renamed into it only when every
file is on disk, so an export is complete or absent; every file is 0600. The
tables are read by ``export_books`` and ``export_practice``; how their values
are spelled, which the import reads back, is in ``format``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Client, Payer, PaymentMethod, Practice, Service
from desktop.reports.atomic import atomic_output
from desktop.reports.tabular import Table, write_csv, write_xlsx
from desktop.services.clients.names import unit_names
from desktop.services.errors import ExportCancelled, ServiceError
from desktop.services.practice import signature
from desktop.services.transfer import export_books, export_practice
from desktop.services.transfer.export_practice import DOCUMENTS

WORKBOOK = "export.xlsx"


@dataclass(frozen=True)
class ExportBundle:
    """What an export holds, gathered in one read: tables by file stem, and PDFs."""

    tables: tuple[tuple[str, Table], ...]
    pdfs: tuple[tuple[str, bytes], ...]  # (file name under documents/, content)
    signature_png: bytes | None = None  # the provider's signature image, as kept


@dataclass(frozen=True)
class ExportResult:
    folder: Path
    files: tuple[str, ...]  # relative to the folder
    rows: tuple[tuple[str, int], ...]  # (table, rows)


class ExportFailed(ServiceError):
    pass


# (files done, files in all); returning False asks the export to stop.
Progress = Callable[[int, int], "bool | None"]


def _step(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and progress(done, total) is False:
        raise ExportCancelled("The export was canceled; nothing was written.")


# --- gathering ------------------------------------------------------------------------


def gather(session: Session, today: date | None = None) -> ExportBundle:
    """Every table and PDF of the practice (a read; nothing changes)."""
    today = today or date.today()
    refs = {unit_id: unit.ref for unit_id, unit in unit_names(session).items()}
    client_refs = dict(session.execute(select(Client.id, Client.client_ref)).all())
    codes = dict(session.execute(select(Service.id, Service.code)).all())
    methods = dict(session.execute(select(PaymentMethod.id, PaymentMethod.name)).all())
    payers = dict(session.execute(select(Payer.id, Payer.name)).all())
    tables = [
        export_books.clients_table(session, payers, today),
        export_books.sessions_table(session, refs, codes),
        export_books.payments_table(session, refs, methods),
        export_books.sessions_table(session, refs, codes, voided=True),
        export_books.payments_table(session, refs, methods, voided=True),
        export_books.allocations_table(session),
        export_books.charges_table(session, refs, codes),
        export_books.write_offs_table(session, refs),
        export_books.refunds_table(session, refs, methods),
        export_books.voids_table(session, refs),
        export_practice.diagnoses_table(session, client_refs),
        export_practice.units_table(session, client_refs, codes),
        *export_practice.settings_tables(session),
    ]
    documents, pdfs = export_practice.documents_table(session, refs, client_refs, methods)
    tables += [
        documents,
        export_practice.document_lines_table(session),
        export_practice.estimates_table(session, refs, client_refs),
        export_practice.estimate_lines_table(session),
        export_practice.estimates_owed_table(session, refs, client_refs),
        export_practice.claims_table(session, payers),
        export_practice.claim_events_table(session),
        export_books.balances_table(session, refs),
    ]
    practice = session.get(Practice, 1)
    image = practice.signature_png if practice is not None else None
    return ExportBundle(tuple(tables), tuple(pdfs), image)


# --- writing --------------------------------------------------------------------------


def write_export(bundle: ExportBundle, out: Path, progress: Progress | None = None) -> ExportResult:
    """Write the bundle as a new folder ``out`` (which may exist only if empty).

    ``progress(done, total)`` hears of each file; when it returns False the export
    stops with ``ExportCancelled`` and the folder is not created."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ExportFailed(f"{out} already exists and is not an empty folder; choose a new one.")
    if not out.parent.is_dir():
        raise ExportFailed(f"The folder {out.parent} does not exist; create it first.")
    staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}."))  # 0700
    total = len(bundle.tables) + 1 + len(bundle.pdfs) + (bundle.signature_png is not None)
    try:
        files: list[str] = []
        for stem, table in bundle.tables:
            _step(progress, len(files), total)
            write_csv(table, staging / f"{stem}.csv")
            files.append(f"{stem}.csv")
        _step(progress, len(files), total)
        write_xlsx([table for _, table in bundle.tables], staging / WORKBOOK)
        files.append(WORKBOOK)
        if bundle.pdfs:
            (staging / DOCUMENTS).mkdir(mode=0o700)
            for name, content in bundle.pdfs:
                _step(progress, len(files), total)
                with atomic_output(staging / DOCUMENTS / name) as handle:
                    handle.write(content)
                files.append(f"{DOCUMENTS}/{name}")
        if bundle.signature_png is not None:
            _step(progress, len(files), total)
            with atomic_output(staging / signature.EXPORT_FILE) as handle:
                handle.write(bundle.signature_png)
            files.append(signature.EXPORT_FILE)
        _step(progress, total, total)
        if out.exists():
            out.rmdir()
        os.rename(staging, out)
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)
        raise
    rows = tuple((stem, len(table.rows)) for stem, table in bundle.tables)
    return ExportResult(out, tuple(files), rows)


def export_all(session: Session, out: Path, today: date | None = None) -> ExportResult:
    """Gather and write everything (use ``gather`` and ``write_export`` to split the work)."""
    return write_export(gather(session, today), out)


__all__ = [
    "ExportBundle",
    "ExportCancelled",
    "ExportFailed",
    "ExportResult",
    "export_all",
    "gather",
    "write_export",
]
