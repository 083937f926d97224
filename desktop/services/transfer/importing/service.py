"""The import use cases the command line and the import wizard call.

``preview_import`` does the whole import inside a savepoint and rolls it back,
so it finds every problem the books themselves would find and changes
nothing. ``run_import`` does the same for real; any problem raises
``ImportRejected`` and, run through ``Workspace.run``, nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy.orm import Session

from desktop.services.audit import log as audit
from desktop.services.transfer.format import LAYOUTS, ImportKind
from desktop.services.transfer.importing.clients import import_clients
from desktop.services.transfer.importing.common import Findings, ImportResult, Progress
from desktop.services.transfer.importing.layouts import Matched, key, match_header
from desktop.services.transfer.importing.payments import import_payments
from desktop.services.transfer.importing.problems import ImportRejected, Problem
from desktop.services.transfer.importing.readers import RawTable, read_table
from desktop.services.transfer.importing.sessions import import_sessions
from desktop.services.transfer.importing.simplepractice import import_simplepractice

Importer = Callable[[Session, RawTable, Matched, Findings], ImportResult]
_IMPORTERS: dict[ImportKind, Importer] = {
    ImportKind.CLIENTS: import_clients,
    ImportKind.SESSIONS: import_sessions,
    ImportKind.PAYMENTS: import_payments,
}


@dataclass(frozen=True)
class ImportPreview:
    """What importing the file would do, and every problem that stops it."""

    result: ImportResult | None  # None when the file could not be read or matched at all
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def preview_import(
    session: Session,
    kind: ImportKind,
    path: Path,
    mapping: dict[str, str] | None = None,
    *,
    name: str | None = None,
    progress: Progress | None = None,
    assume_attended: bool = False,
) -> ImportPreview:
    """Try the import and undo it: the problems, or what it would add. Changes nothing."""
    savepoint = session.begin_nested()
    try:
        return attempt_file(
            session, kind, path, mapping, name, progress, assume_attended=assume_attended
        )
    finally:
        savepoint.rollback()
        # The audit log's tip is cached per session; the entries it names are gone now.
        audit.forget_cached(session)


def run_import(
    session: Session,
    kind: ImportKind,
    path: Path,
    mapping: dict[str, str] | None = None,
    *,
    name: str | None = None,
    progress: Progress | None = None,
    assume_attended: bool = False,
) -> ImportResult:
    """Import the file, all of it; raises ``ImportRejected`` listing every problem.

    ``assume_attended``: a SimplePractice report without its Status column is read as
    every appointment attended (otherwise it is refused)."""
    preview = attempt_file(
        session, kind, path, mapping, name, progress, assume_attended=assume_attended
    )
    if preview.problems or preview.result is None:
        raise ImportRejected(list(preview.problems))
    return preview.result


def attempt_file(
    session: Session,
    kind: ImportKind,
    path: Path,
    mapping: dict[str, str] | None,
    name: str | None,
    progress: Progress | None,
    *,
    assume_attended: bool = False,
) -> ImportPreview:
    """Import one file in the current transaction, collecting its problems (the caller
    rolls back or raises): what ``preview_import`` and ``run_import`` share."""
    read = read_table(Path(path), name=name)
    if read.table is None:
        return ImportPreview(None, read.problems)
    table = read.table
    found = Findings(table.file, list(read.problems), progress)
    if kind is ImportKind.SIMPLEPRACTICE:
        result = import_simplepractice(session, table, found, assume_attended=assume_attended)
        return ImportPreview(result, _without_formula_noise(table, {}, read.problems, found))
    matched, header_problems = match_header(table, LAYOUTS[kind], mapping)
    if header_problems:
        return ImportPreview(None, tuple(sorted([*found.problems, *header_problems])))
    result = _IMPORTERS[kind](session, table, matched, found)
    result = replace(result, ignored_columns=matched.ignored)
    return ImportPreview(result, _without_formula_noise(table, matched.index, read.problems, found))


def _without_formula_noise(
    table: RawTable, index: dict[str, int], read: tuple[Problem, ...], found: Findings
) -> tuple[Problem, ...]:
    """Every problem, less an importer's complaint about a formula cell (it read the cell as
    blank, and "enter the last name" would mislead): the reader named the formula already."""
    if not table.formulas:
        return tuple(sorted(found.problems))
    names: dict[int, set[str]] = {}
    for position, name in enumerate(table.header):
        names.setdefault(position, set()).add(key(name))
    for column, position in index.items():
        names.setdefault(position, set()).add(key(column))
    noisy = {(row, name) for row, position in table.formulas for name in names.get(position, ())}
    kept = [p for p in found.problems if p in read or (p.row, key(p.column)) not in noisy]
    return tuple(sorted(kept))


@dataclass(frozen=True)
class HeaderCheck:
    """A file's columns against a layout, for the wizard's column-mapping step."""

    file_columns: tuple[str, ...]  # as the file names them, in order
    layout_columns: tuple[str, ...]  # what they can be mapped to
    missing: tuple[str, ...]  # required layout columns nothing maps to yet
    ignored: tuple[str, ...]  # file columns nothing takes
    problems: tuple[Problem, ...]  # the file cannot be read, or a name is taken twice


def check_header(
    kind: ImportKind, path: Path, mapping: dict[str, str] | None = None
) -> HeaderCheck:
    """Read only as far as the header needs (no database): what maps, what is missing."""
    if kind is ImportKind.SIMPLEPRACTICE:
        raise ValueError("the SimplePractice report has a fixed layout; nothing to map")
    layout = LAYOUTS[kind]
    read = read_table(Path(path), header_only=True)
    if read.table is None:
        return HeaderCheck((), layout.columns, layout.required, (), read.problems)
    matched, problems = match_header(read.table, layout, mapping)
    missing = tuple(c for c in layout.required if c not in matched.index)
    duplicates = tuple(p for p in problems if p.column not in missing)
    return HeaderCheck(
        tuple(h.strip() for h in read.table.header),
        layout.columns,
        missing,
        matched.ignored,
        duplicates,
    )
