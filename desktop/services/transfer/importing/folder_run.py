"""One run through an export folder: what the steps of ``import all`` share.

The steps, in the order the books need them; the run's progress, results and
problems; what waits until every entry is in (making things inactive, closing
the books); and reading a cell of a settings or catalog file, where a problem
is noted against its row and the step goes on to the next.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from desktop.services.errors import ServiceError
from desktop.services.transfer.format import FieldError, parse_amount, parse_flag, parse_whole
from desktop.services.transfer.importing.common import Findings, ImportResult, Progress
from desktop.services.transfer.importing.paperwork import Paperwork
from desktop.services.transfer.importing.problems import Problem

SETTINGS_FILES = ("practice", "services", "payment_methods", "payers")
STEPS = (
    *SETTINGS_FILES,
    "clients",
    "billing_units",
    "diagnoses",
    "sessions",
    "payments",
    "documents",
    "estimates",
    "claims",
)


@dataclass
class FolderRun:
    """Where the import of one folder has got to, and what it has found."""

    session: Session
    progress: Progress | None
    results: list[ImportResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # What waits until every entry is in: (file, row, column, action), so that a refusal
    # is a problem in its place like any other.
    later: list[tuple[str, int, str, Callable[[], object]]] = field(default_factory=list)
    step: int = 0
    replayed: bool = False  # the sessions step wrote the payments too, from the history
    paperwork: Paperwork = field(default_factory=Paperwork)

    def report(self, done: int, total: int) -> None:
        """One step's progress as a share of the whole folder's."""
        if self.progress is not None:
            share = done / total if total else 0
            self.progress(int((self.step + share) * 100), len(STEPS) * 100)

    def tally(self, name: str, rows: int, changed: int) -> None:
        self.results.append(ImportResult(name, f"{name}.csv", rows, changed, rows - changed, ()))


def parsed(
    found: Findings, number: int, column: str, parse: Callable[[str], Any], text: str
) -> Any:
    """A cell read by ``parse``; None after noting the problem against its row."""
    try:
        return parse(text)
    except FieldError as exc:
        found.add(number, column, str(exc))
        return None


def whole(low: int, high: int, what: str, blank: str) -> Callable[[str], int]:
    """A parser of whole numbers from ``low`` to ``high``, reading a blank cell as ``blank``."""
    return lambda text: parse_whole(text or blank, low=low, high=high, what=what)


def amount_or_zero(text: str) -> Any:
    """An amount, a blank cell read as zero."""
    return parse_amount(text or "0")


def flag(found: Findings, number: int, column: str, text: str) -> bool | None:
    """A yes/no cell (blank is yes); None after noting a problem."""
    value: bool | None = parsed(found, number, column, parse_flag, text or "yes")
    return value


def refusal(found: Findings, number: int, exc: ServiceError) -> None:
    """Note what a service refused, against the column it names (else the whole row)."""
    found.add(number, getattr(exc, "field", "") or "(row)", str(exc))


def deactivating(
    deactivate: Callable[[Session, int], object],
    run: FolderRun,
    found: Findings,
    row: int,
    row_id: int,
) -> None:
    """Make the entry inactive once every entry is in (entries that use it come later)."""
    run.later.append((found.file, row, "active", lambda: deactivate(run.session, row_id)))
