"""The import wizard's two jobs: check a file (or an export folder), then import it.

``check_job`` does the whole import and undoes it: what it would do, or every
problem. ``import_job`` does it for real in one transaction, then reads what
the clients owe. Cancel stops either at the next row with ``ImportCancelled``;
the transaction is rolled back and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from desktop.services.books import queries as books
from desktop.services.jobs import Job, Progress
from desktop.services.transfer.importing import (
    ImportCancelled,
    ImportKind,
    ImportResult,
    Problem,
    preview_import,
    run_import,
)
from desktop.services.transfer.importing.everything import import_folder, preview_folder
from desktop.services.workspace import Workspace


@dataclass(frozen=True)
class ImportSource:
    """What to bring in: a file of one layout with its columns matched, or a whole
    export folder (``kind`` None), which names its own files."""

    kind: ImportKind | None
    path: Path
    mapping: dict[str, str] = field(default_factory=dict)  # the file's column -> the layout's
    assume_attended: bool = False  # a SimplePractice report without its Status column

    @property
    def is_folder(self) -> bool:
        return self.kind is None


@dataclass(frozen=True)
class Checked:
    """What the dry run found: every problem, or what importing would do."""

    results: tuple[ImportResult, ...]
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class Imported:
    """What the import did, and what the clients owe once it is in."""

    results: tuple[ImportResult, ...]
    owed: Decimal
    credit: Decimal


def _cancellable(progress: Progress) -> Callable[[int, int], None]:
    """The importers' progress call, stopping the work (rolled back) once Cancel is pressed."""

    def report(done: int, total: int) -> None:
        if not progress(done, total):
            raise ImportCancelled()

    return report


def check(workspace: Workspace, source: ImportSource, progress: Progress) -> Checked:
    """The whole import, undone: what it would do, or every problem. Changes nothing."""
    report = _cancellable(progress)
    if source.kind is None:
        folder = workspace.read(preview_folder, source.path, progress=report)
        return Checked(folder.results, folder.problems)
    mapping = dict(source.mapping) or None
    one = workspace.read(
        preview_import,
        source.kind,
        source.path,
        mapping,
        progress=report,
        assume_attended=source.assume_attended,
    )
    return Checked((one.result,) if one.result is not None else (), one.problems)


def bring_in(workspace: Workspace, source: ImportSource, progress: Progress) -> Imported:
    """Import for real, in one transaction (``ImportRejected`` if a problem appeared since
    the check); then what the clients owe."""
    report = _cancellable(progress)
    if source.kind is None:
        results = workspace.run(import_folder, source.path, progress=report)
    else:
        mapping = dict(source.mapping) or None
        one = workspace.run(
            run_import,
            source.kind,
            source.path,
            mapping,
            progress=report,
            assume_attended=source.assume_attended,
        )
        results = (one,)
    balances = workspace.read(books.balances).values()
    owed = sum((b.owed for b in balances), Decimal("0"))
    credit = sum((b.credit for b in balances), Decimal("0"))
    return Imported(tuple(results), owed, credit)


def check_job(source: ImportSource) -> Job[Checked]:
    """``check`` as a job for the window."""
    return Job("Checking the file…", lambda workspace, progress: check(workspace, source, progress))


def import_job(source: ImportSource) -> Job[Imported]:
    """``bring_in`` as a job for the window."""
    return Job("Importing…", lambda workspace, progress: bring_in(workspace, source, progress))
