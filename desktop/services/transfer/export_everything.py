"""Export everything from the window: a new folder named for the day, written as a job.

The practice is read in one session, then the folder is written (``exporting``);
Cancel stops at the next file and leaves nothing behind.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from desktop.services.jobs import Job, Progress
from desktop.services.transfer.exporting import ExportResult, gather, write_export
from desktop.services.workspace import Workspace


def export_folder_in(parent: Path, today: date | None = None) -> Path:
    """A new folder's path inside ``parent``: ``Quiet Ledger export 2026-03-31`` (then 2, 3...)."""
    stem = f"Quiet Ledger export {(today or date.today()).isoformat()}"
    candidate, n = parent / stem, 1
    while candidate.exists():
        n += 1
        candidate = parent / f"{stem} ({n})"
    return candidate


def export_everything_job(out: Path) -> Job[ExportResult]:
    """Read the practice, then write every table and PDF to the new folder ``out``."""

    def work(workspace: Workspace, progress: Progress) -> ExportResult:
        progress(0, 0)  # reading cannot report its share done; the files then count
        bundle = workspace.read(gather)
        return write_export(bundle, out, progress)

    return Job("Exporting everything…", work)
