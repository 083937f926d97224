"""What every importer shares: row keys for re-imports, the problem list, the row loop of
the ledger imports (sessions, payments), reading a file's rows by column name."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from db.models import ImportedRow
from desktop.services.books.batch import BatchWriter
from desktop.services.clients.lookups import find_unit_by_ref
from desktop.services.errors import ServiceError
from desktop.services.transfer.format import clean
from desktop.services.transfer.importing.layouts import Matched, key
from desktop.services.transfer.importing.problems import HEADER_ROW, Problem
from desktop.services.transfer.importing.readers import RawTable, read_table

Parsed = TypeVar("Parsed")
Row = dict[str, str]


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
    notes: tuple[str, ...] = ()  # what the import assumed, in sentences the person should read


Progress = Callable[[int, int], None]  # (rows done, rows in all), for a progress bar
# Up to this many rows, a file with problems is still recorded (and rolled back) so that
# the books' own refusals are listed with them; a longer one is refused on what it reads.
FULL_CHECK_ROWS = 1_000


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
    """Stable keys for a file's rows: a hash of the row's normalized content.

    Identical rows in one file (two sessions alike in every column) are told
    apart by their order of appearance, so the n-th copy always gets the same
    key and a second import of the file matches every row again.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self._seen: Counter[str] = Counter()

    def key(self, values: tuple[str, ...]) -> str:
        content = "\x1f".join(_normal(v) for v in values)
        self._seen[content] += 1
        text = f"{self.source}\x1e{content}\x1e{self._seen[content]}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _normal(value: str) -> str:
    """Runs of whitespace made one space, ends trimmed, case folded: the key's view of a
    cell. Most cells need no more than the case folded, which is much quicker to see."""
    if value.isprintable() and "  " not in value and value[:1] != " " and value[-1:] != " ":
        return value.casefold()
    return " ".join(value.split()).casefold()


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


def imported_keys(session: Session, source: str) -> set[str]:
    """The keys of every row already imported from files of this kind."""
    return set(session.scalars(select(ImportedRow.row_key).where(ImportedRow.source == source)))


def remember_all(session: Session, source: str, entity: str, rows: list[tuple[str, int]]) -> None:
    """Note each (row key, new entry's id) so that importing the file again adds nothing."""
    if rows:
        session.execute(
            insert(ImportedRow),
            [{"source": source, "row_key": k, "entity": entity, "entity_id": i} for k, i in rows],
        )


@dataclass(frozen=True)
class LedgerRows(Generic[Parsed]):
    """How one kind of ledger row (a session, a payment) is read, matched and recorded."""

    source: str  # the import's kind, and where its row keys are kept
    entity: str  # what a row becomes, as the row keys name it
    columns: tuple[str, ...]
    no_client: str  # the sentence for a row without a client_ref
    field_columns: dict[str, str]  # a refusal's field -> the column it is shown against
    parse: Callable[[Row, int, Findings], Parsed | None]  # None after reporting a problem
    # What makes two rows the same entry (unit id, parsed row, the row's text), and how
    # many entries just like it the books hold already.
    twin: Callable[[int, Parsed, Row], tuple[object, ...]]
    in_books: Callable[[Session, tuple[object, ...]], int]
    record: Callable[[Session, int, Parsed, Row], int]  # the new entry's id
    # The units that hold entries of this kind already (their rows are matched against
    # the books one by one); a row ``batched`` can write, and writing it in the batch.
    holding: Callable[[Session], set[int]]
    plain: Callable[[Parsed], bool]
    batched: Callable[[BatchWriter, int, Parsed, Row], int]


def import_ledger_rows(
    session: Session, table: RawTable, matched: Matched, found: Findings, rows: LedgerRows[Parsed]
) -> ImportResult:
    """Record each row of a client already in the books, unless the books hold it already.

    Two passes. The first reads every row and finds its client, touching nothing. The
    second records the rows, and the books' own refusals (a charge a payment names that
    is not there) join the list. A file longer than ``FULL_CHECK_ROWS`` with problems
    in the first pass is rejected there, every such problem listed: a 100,000-row file
    in seconds, where recording each row first took many minutes.

    A row is there already when a file of the same kind was imported with it, or when
    the books hold as many entries just like it as the file has so far (entered by
    hand, or imported from another file such as a full export of this same practice).

    Rows are written in batches (``BatchWriter``: the services' rules, a few INSERTs
    per thousand rows). A unit that held entries of this kind before the import cannot
    hold this row's twin unless the row's own file made it; so its rows, and rows the
    batch does not write (money applied by hand, a fee with no session), are matched
    against the books and recorded through the services, and the unit's later rows too.
    """
    keys = RowKeys(rows.source)
    units: dict[str, int | None] = {}
    ready: list[tuple[int, Row, Parsed, int]] = []
    before = len(found.problems)
    total = len(table.rows)
    positions = [(c, matched.index.get(c)) for c in rows.columns]
    for done, (number, cells) in enumerate(table.rows):
        found.step(done, total * 2)
        text = {c: clean(cells[i]) if i is not None else "" for c, i in positions}
        parsed = rows.parse(text, number, found)
        ref = text["client_ref"]
        if ref and ref.lower() not in units:
            unit = find_unit_by_ref(session, ref)
            units[ref.lower()] = unit.id if unit is not None else None
        unit_id = units.get(ref.lower()) if ref else None
        if unit_id is None:
            found.add(
                number,
                "client_ref",
                f"There is no client '{ref}'; import the clients file first."
                if ref
                else rows.no_client,
            )
            continue
        if parsed is not None:
            ready.append((number, text, parsed, unit_id))
    if len(found.problems) != before and total > FULL_CHECK_ROWS:
        return ImportResult(rows.source, table.file, total, 0, 0, ())
    writer = BatchWriter(session)
    known = imported_keys(session, rows.source)
    holding = rows.holding(session)
    twins: Counter[tuple[object, ...]] = Counter()
    added: list[tuple[str, int]] = []
    skipped = 0
    for done, (number, text, parsed, unit_id) in enumerate(ready):
        found.step(total + done, total * 2)
        # Keyed here, not while reading: a refused file never needs its keys. When every
        # row reads cleanly (the only case that is kept) these are the rows in order.
        row_key = keys.key(tuple(text[c] for c in rows.columns))
        twin = rows.twin(unit_id, parsed, text)
        twins[twin] += 1
        if row_key in known:
            skipped += 1
            continue
        try:
            if unit_id in holding or not rows.plain(parsed):
                holding.add(unit_id)
                writer.finish()
                if rows.in_books(session, twin) >= twins[twin]:
                    skipped += 1
                    continue
                entry_id = writer.through_services(unit_id, rows.record, unit_id, parsed, text)
            else:
                entry_id = rows.batched(writer, unit_id, parsed, text)
        except ServiceError as exc:
            column = rows.field_columns.get(getattr(exc, "field", None) or "", "(row)")
            found.add(number, column, str(exc))
            continue
        known.add(row_key)
        added.append((row_key, entry_id))
    writer.finish()
    remember_all(session, rows.source, rows.entity, added)
    return ImportResult(rows.source, table.file, total, len(added), skipped, ())


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
    # Where each wanted column is (the last of that name, as a dict of the row would have
    # it), found once: only those cells are cleaned, and no name is keyed row by row.
    where = {name: position for position, name in enumerate(names)}
    picks = [(c, where.get(key(c))) for c in (*required, *optional)]
    rows = []
    for number, cells in read.table.rows:
        width = len(cells)
        row = {c: clean(cells[i]) if i is not None and i < width else "" for c, i in picks}
        rows.append((number, row))
    return rows, found
