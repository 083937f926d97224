"""What every importer shares: row keys for re-imports, look-ups, the problem list."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import BillingUnit, ImportedRow
from desktop.services.transfer.importing.fields import clean
from desktop.services.transfer.importing.layouts import key
from desktop.services.transfer.importing.problems import HEADER_ROW, Problem
from desktop.services.transfer.importing.readers import read_table


@dataclass(frozen=True)
class ImportResult:
    """What an import did (or, in a preview, would do)."""

    kind: str
    file: str
    rows: int  # data rows read
    added: int  # rows that became new records
    skipped: int  # rows already there: same client_ref, same row key, or the same entry
    ignored_columns: tuple[str, ...]
    units_added: int = 0  # couples and families created (clients only)


Progress = Callable[[int, int], None]  # (rows done, rows in all), for a progress bar


@dataclass
class Findings:
    """Problems found so far in one file, and where the import has got to."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    progress: Progress | None = None

    def step(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)

    def add(self, row: int, column: str, message: str) -> None:
        self.problems.append(Problem(self.file, row, column, message))


class RowKeys:
    """Stable keys for a file's rows: a hash of the row's normalised content.

    Identical rows in one file (two sessions alike in every column) are told
    apart by their order of appearance, so the n-th copy always gets the same
    key and a second import of the file matches every row again.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self._seen: Counter[str] = Counter()

    def key(self, values: tuple[str, ...]) -> str:
        content = "\x1f".join(" ".join(v.split()).casefold() for v in values)
        self._seen[content] += 1
        text = f"{self.source}\x1e{content}\x1e{self._seen[content]}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def already_imported(session: Session, source: str, row_key: str) -> bool:
    return (
        session.scalar(
            select(ImportedRow.id).where(
                ImportedRow.source == source, ImportedRow.row_key == row_key
            )
        )
        is not None
    )


def remember(session: Session, source: str, row_key: str, entity: str, entity_id: int) -> None:
    session.add(ImportedRow(source=source, row_key=row_key, entity=entity, entity_id=entity_id))
    session.flush()


def unit_by_ref(session: Session, ref: str) -> BillingUnit | None:
    """The billing unit with this reference (an individual's is the client's reference)."""
    return session.scalars(
        select(BillingUnit).where(func.lower(BillingUnit.ref) == ref.strip().lower())
    ).first()


Row = dict[str, str]


def records_by_name(
    path: Path, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> tuple[list[tuple[int, Row]], Findings]:
    """The file's rows by column name (names matched as the import layouts match them);
    an optional column the file lacks reads as empty.

    Problems reading the file are already in the findings; the caller adds its own and
    hands them all on."""
    read = read_table(path)
    found = Findings(path.name, list(read.problems), None)
    if read.table is None:
        return [], found
    names = [key(h) for h in read.table.header]
    missing = [c for c in required if key(c) not in names]
    for column in missing:
        found.add(HEADER_ROW, column, f"The file has no {column} column.")
    if missing:
        return [], found
    rows = []
    for number, cells in read.table.rows:
        text = {n: clean(c) for n, c in zip(names, cells, strict=False)}
        rows.append((number, {c: text.get(key(c), "") for c in (*required, *optional)}))
    return rows, found
