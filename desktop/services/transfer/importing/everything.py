"""Importing a whole export folder: settings, catalogs, clients, couples, diagnoses,
sessions and payments, in one transaction (``quietledger import all DIR``).

What someone moving to a new laptop expects: the new practice looks like the
old one. The order is the one the books need: the practice profile and
settings, the services (their own labels, minutes, fees and superbill flag),
payment methods (fee rules) and payers (filing days, defaults); then clients
with their couples and families, each unit's name and fee, diagnoses with the
dates they were in force, sessions and payments (into books that are empty,
from the ledger's history as it was: ``history``); the issued documents with
their exact PDFs, the Good Faith Estimates on them, and the claims with their
history; last, what would have refused the entries before it: inactive
services, methods, payers, clients and units are made inactive, and the books
are closed through the old closed-through date.

A file missing from the folder is passed over (only ``clients.csv`` is needed);
an entry the books already hold as exported is left alone, so importing a
folder twice, or into the practice it came from, adds nothing. Each step's
problems are listed; a step with problems stops the steps that need it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import BillingUnit, Client, Diagnosis
from desktop.domain.kinds import UnitKind
from desktop.services.audit import log as audit
from desktop.services.clients.diagnoses import add_diagnosis
from desktop.services.clients.lookups import find_unit_by_ref
from desktop.services.clients.people import set_active
from desktop.services.clients.units import get_unit_detail, set_unit_active, update_unit
from desktop.services.errors import ServiceError
from desktop.services.transfer.format import ImportKind, parse_date
from desktop.services.transfer.importing import folder_settings, history, unit_settings
from desktop.services.transfer.importing.common import ImportResult, Progress, records_by_name
from desktop.services.transfer.importing.estimates import import_estimates
from desktop.services.transfer.importing.folder_run import (
    SETTINGS_FILES,
    STEPS,
    FolderRun,
    amount_or_zero,
    deactivating,
    flag,
    parsed,
    refusal,
    whole,
)
from desktop.services.transfer.importing.paperwork import (
    StepOutcome,
    import_claims,
    import_documents,
)
from desktop.services.transfer.importing.problems import FILE_ROW, ImportRejected, Problem
from desktop.services.transfer.importing.service import attempt_file

HISTORY = "history"  # the result of the history files, replayed together


@dataclass(frozen=True)
class FolderPreview:
    """What importing the folder would do, file by file, and every problem that stops it."""

    results: tuple[ImportResult, ...]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def preview_folder(
    session: Session, folder: Path, *, progress: Progress | None = None
) -> FolderPreview:
    """Try the whole folder and undo it: its problems, or what it would add. Changes nothing."""
    savepoint = session.begin_nested()
    try:
        return _attempt(session, Path(folder), progress)
    finally:
        savepoint.rollback()
        audit.forget_cached(session)


def import_folder(
    session: Session, folder: Path, *, progress: Progress | None = None
) -> tuple[ImportResult, ...]:
    """Import the whole folder; raises ``ImportRejected`` listing every problem found."""
    preview = _attempt(session, Path(folder), progress)
    if preview.problems:
        raise ImportRejected(list(preview.problems))
    return preview.results


def is_export_folder(folder: Path) -> bool:
    """Whether the folder looks like a full export (or at least holds a clients file)."""
    return (Path(folder) / "clients.csv").is_file()


def summary_line(result: ImportResult, *, dry_run: bool) -> str:
    """One file's outcome in a sentence, for the command line and the wizard."""
    rows = f"{result.rows} row{'s' if result.rows != 1 else ''}"
    if result.kind in (*SETTINGS_FILES, "billing_units"):
        verb = "would change" if dry_run else "changed"
        return f"{result.file}: {rows}; {verb} {result.added}; {result.skipped} as they were."
    verb = "would add" if dry_run else "added"
    if result.kind == HISTORY:
        return (
            "The ledger's history (voids, charges, allocations, write-offs, refunds): "
            f"{rows}; {verb} {result.added} as they were."
        )
    units = ""
    if n := result.units_added:
        units = f" and {n} {'couple or family' if n == 1 else 'couples or families'}"
    return (
        f"{result.file}: {rows}; {verb} {result.added}{units}; {result.skipped} already imported."
    )


# --- the steps in order ------------------------------------------------------------------


def _attempt(session: Session, folder: Path, progress: Progress | None) -> FolderPreview:
    if not folder.is_dir():
        problem = Problem(folder.name, FILE_ROW, "(folder)", "There is no folder here.")
        return FolderPreview((), (problem,))
    if not is_export_folder(folder):
        problem = Problem(
            "clients.csv",
            FILE_ROW,
            "(file)",
            "The folder has no clients.csv; choose the folder an export wrote.",
        )
        return FolderPreview((), (problem,))
    run = FolderRun(session, progress)
    for step in STEPS:
        path = folder / f"{step}.csv"
        before = len(run.problems)
        if path.is_file():
            _STEPS.get(step, _layout_file)(run, path)
        run.step += 1
        run.report(0, 1)
        # The settings files do not need each other; every later step needs those before it.
        if len(run.problems) != before and step not in SETTINGS_FILES[:-1]:
            break
    else:
        for file, row, column, finish in run.later:
            try:
                finish()
            except ServiceError as exc:
                run.problems.append(Problem(file, row, column, str(exc)))
    return FolderPreview(tuple(run.results), tuple(sorted(run.problems)))


def _layout_file(run: FolderRun, path: Path) -> None:
    """A file in an import layout (clients, sessions, payments), as the one-file import reads it."""
    kind = ImportKind(path.stem)
    # Exact dates come from diagnoses.csv, when the folder has it.
    skip = {"diagnoses": ""} if (path.parent / "diagnoses.csv").is_file() else None
    mapping = skip if kind is ImportKind.CLIENTS else None
    preview = attempt_file(run.session, kind, path, mapping, None, run.report)
    run.problems += preview.problems
    if preview.result is not None:
        run.results.append(replace(preview.result, ignored_columns=()))


def _sessions(run: FolderRun, path: Path) -> None:
    """Sessions, and payments with them, from the ledger's history when the folder has it
    and the books are empty (``history``); else sessions.csv as the one-file import reads it."""
    if not history.replayable(run.session, path.parent):
        _layout_file(run, path)
        return
    run.replayed = True
    problems, counts = history.replay(run.session, path.parent, run.report)
    run.problems += problems
    for stem in ("sessions", "payments"):
        rows, added = counts.pop(stem, (0, 0))
        run.tally(stem, rows, 0 if problems else added)
    # The rest in one line: what a person checks is that it all came, not file by file.
    rows = sum(r for r, _ in counts.values())
    run.results.append(ImportResult(HISTORY, HISTORY, rows, 0 if problems else rows, 0, ()))


def _payments(run: FolderRun, path: Path) -> None:
    if not run.replayed:
        _layout_file(run, path)


# --- billing units and diagnoses ----------------------------------------------------------------


def _deactivate_unit(session: Session, unit_id: int) -> None:
    unit = session.get(BillingUnit, unit_id)
    assert unit is not None
    if unit.kind == UnitKind.INDIVIDUAL.value:
        # What set_unit_active does for a client's own unit, less reading the unit back.
        set_active(session, unit.identified_patient_id, False)
    else:
        set_unit_active(session, unit_id, False)


def _units(run: FolderRun, path: Path) -> None:
    """Each unit's own name and fee (the clients file made the units), and which are inactive."""
    records, found = records_by_name(
        path, ("ref", "name", "default_fee", "active"), unit_settings.COLUMNS
    )
    changed = 0
    for done, (number, row) in enumerate(records):
        run.report(done, len(records))
        before = len(found.problems)
        fee = parsed(found, number, "default_fee", amount_or_zero, row["default_fee"])
        active = flag(found, number, "active", row["active"])
        wanted_settings = unit_settings.read(run.session, found, number, row)
        unit = find_unit_by_ref(run.session, row["ref"])
        if unit is None:
            found.add(number, "ref", f"There is no client or couple '{row['ref']}' in clients.csv.")
        if len(found.problems) != before or unit is None:
            continue
        if unit.kind != UnitKind.INDIVIDUAL.value:
            held = get_unit_detail(run.session, unit.id).to_input()
            wanted = replace(held, name=row["name"] or held.name, default_fee=fee or None)
            if wanted != held:
                try:
                    update_unit(run.session, unit.id, wanted)
                    changed += 1
                except ServiceError as exc:
                    refusal(found, number, exc)
                    continue
        if unit_settings.apply(run.session, unit, wanted_settings):
            changed += 1
        if not active and unit.active:
            deactivating(_deactivate_unit, run, found, number, unit.id)
    run.problems += found.problems
    run.tally("billing_units", len(records), changed)


def _diagnoses(run: FolderRun, path: Path) -> None:
    required = ("client_ref", "code", "rank", "effective_from", "effective_to")
    records, found = records_by_name(path, required)
    added = 0
    for done, (number, row) in enumerate(records):
        run.report(done, len(records))
        before = len(found.problems)
        rank = parsed(found, number, "rank", whole(1, 12, "ranks", ""), row["rank"])
        start = parsed(found, number, "effective_from", parse_date, row["effective_from"])
        end = None
        if row["effective_to"]:
            end = parsed(found, number, "effective_to", parse_date, row["effective_to"])
        client_id = run.session.scalar(
            select(Client.id).where(func.lower(Client.client_ref) == row["client_ref"].lower())
        )
        if client_id is None:
            found.add(
                number, "client_ref", f"There is no client '{row['client_ref']}' in clients.csv."
            )
        if len(found.problems) != before or client_id is None:
            continue
        same = run.session.scalar(
            select(Diagnosis.id).where(
                Diagnosis.client_id == client_id,
                Diagnosis.code == row["code"].upper(),
                Diagnosis.rank == rank,
                Diagnosis.effective_from == start,
                Diagnosis.effective_to.is_(None) if end is None else Diagnosis.effective_to == end,
            )
        )
        if same is not None:
            continue
        try:
            add_diagnosis(run.session, client_id, row["code"], start, rank, end)
        except ServiceError as exc:
            refusal(found, number, exc)
            continue
        added += 1
    run.problems += found.problems
    run.tally("diagnoses", len(records), added)


def _documents(run: FolderRun, path: Path) -> None:
    _tally_outcome(
        run, "documents", import_documents(run.session, path.parent, run.paperwork, run.report)
    )


def _estimates(run: FolderRun, path: Path) -> None:
    _tally_outcome(
        run, "estimates", import_estimates(run.session, path.parent, run.paperwork, run.report)
    )


def _claims(run: FolderRun, path: Path) -> None:
    _tally_outcome(
        run, "claims", import_claims(run.session, path.parent, run.paperwork, run.report)
    )


def _tally_outcome(run: FolderRun, name: str, outcome: StepOutcome) -> None:
    run.problems += outcome.found.problems
    run.tally(name, outcome.rows, outcome.added)


_STEPS: dict[str, Callable[[FolderRun, Path], None]] = {
    "practice": folder_settings.import_practice,
    "services": folder_settings.import_services,
    "payment_methods": folder_settings.import_payment_methods,
    "payers": folder_settings.import_payers,
    "billing_units": _units,
    "diagnoses": _diagnoses,
    "sessions": _sessions,
    "payments": _payments,
    "documents": _documents,
    "estimates": _estimates,
    "claims": _claims,
}
