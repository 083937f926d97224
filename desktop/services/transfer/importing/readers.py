"""Reading a CSV or XLSX file into a header and rows of text, never crashing.

Rows are numbered as a spreadsheet shows them (the header is row 1). A file
that cannot be read at all becomes a ``Problem`` for row 0. XLSX is read by
openpyxl in read-only mode; with defusedxml installed (a dependency) openpyxl
parses every part of the workbook through it, so entity expansion and external
entities are refused rather than followed.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from desktop.services.transfer.importing.fields import as_text
from desktop.services.transfer.importing.problems import FILE_ROW, Problem

MAX_BYTES = 64 * 1024 * 1024  # read whole into memory, so refuse what could not be ours
MAX_ROWS = 200_000  # a practice's whole history is far smaller; bigger is not ours
MAX_CELL = 10_000  # characters: longer than any field the books keep


@dataclass(frozen=True)
class RawTable:
    """A file's first sheet as text: its header and its non-blank rows."""

    file: str  # the name problems are reported under
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (row number, cells)
    # Cells of a workbook that hold a formula, (row number, position): already reported, and
    # read as blank, so an importer's own complaint about them is noise.
    formulas: frozenset[tuple[int, int]] = frozenset()


@dataclass(frozen=True)
class ReadResult:
    table: RawTable | None
    problems: tuple[Problem, ...]


def read_table(path: Path, *, name: str | None = None, header_only: bool = False) -> ReadResult:
    """The file as text rows: XLSX by its extension, anything else as CSV.

    ``header_only`` stops at the header (the first non-blank row): enough to match
    columns without parsing every row of a large workbook.
    """
    label = name or path.name
    try:
        if path.stat().st_size > MAX_BYTES:
            return _fail(label, f"The file is larger than {MAX_BYTES // 2**20} MB.")
        data = path.read_bytes()
    except OSError as exc:
        return _fail(label, f"The file could not be opened ({exc.strerror or exc}).")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx_bytes(data, label, header_only=header_only)
    return read_csv_bytes(data, label, header_only=header_only)


def _fail(label: str, message: str, row: int = FILE_ROW) -> ReadResult:
    return ReadResult(None, (Problem(label, row, "(file)", message),))


def _has_text(cells: list[str]) -> bool:
    return bool("".join(cells).strip())


def read_csv_bytes(data: bytes, label: str, *, header_only: bool = False) -> ReadResult:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return _fail(
            label,
            "This row holds characters that are not UTF-8 text; save the file as "
            "'CSV UTF-8' and try again.",
            row=line,
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator(text), strict=True)
    records: list[tuple[int, list[str]]] = []
    try:
        for number, cells in enumerate(reader, start=1):
            # The record's number, as a spreadsheet numbers rows: a quoted line break
            # inside a cell does not start a new row.
            records.append((number, cells))
            if header_only and _has_text(cells):
                break
            if len(records) > MAX_ROWS + 1:
                return _fail(label, f"The file has more than {MAX_ROWS:,} rows.")
    except csv.Error as exc:
        return _fail(
            label, f"This row is not valid CSV ({exc}); check its quotes.", len(records) + 1
        )
    if "\x00" in text:  # rare: only then is the row that holds it looked for
        for number, cells in records:
            if any("\x00" in cell for cell in cells):
                return _fail(
                    label, "This row holds a NUL character; the file is not plain text.", number
                )
    return _shape(label, records)


SEPARATORS = (",", ";", "\t")


def separator(text: str) -> str:
    """The file's separator: whichever of comma, semicolon and tab the header row (its first
    non-blank line) holds most of, outside quotes; a comma when it holds none.

    Spreadsheets set to a European locale save "CSV" with semicolons, and some programs
    save tab-separated text under a .csv name; each reads as the columns it has."""
    header = next((line for line in text[:65536].splitlines() if line.strip()), "")
    outside = re.sub(r'"[^"]*"', "", header)
    counts = {sep: outside.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def read_xlsx_bytes(data: bytes, label: str, *, header_only: bool = False) -> ReadResult:
    from openpyxl import load_workbook  # heavy; only when a workbook is imported

    records: list[tuple[int, list[str]]] = []
    formulas: dict[tuple[int, int], str] = {}
    try:
        # Not data_only: a formula cell must be told from a value, and a workbook written by
        # a program rather than saved by a spreadsheet holds no value for it at all.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            sheet = workbook.worksheets[0]
            for number, cells in enumerate(sheet.iter_rows(), start=1):
                texts = []
                for position, cell in enumerate(cells):
                    if getattr(cell, "data_type", None) == "f":
                        formulas[(number, position)] = str(cell.value)
                        texts.append("")
                    else:
                        texts.append(as_text(cell.value))
                records.append((number, texts))
                if header_only and _has_text(records[-1][1]):
                    break
                if len(records) > MAX_ROWS + 1:
                    return _fail(label, f"The workbook has more than {MAX_ROWS:,} rows.")
        finally:
            workbook.close()
    except Exception as exc:  # zip, XML and openpyxl errors alike: the file is not usable
        return _fail(
            label,
            f"The file could not be read as an XLSX workbook ({type(exc).__name__}); "
            "open it in a spreadsheet and save it again, or save it as CSV.",
        )
    return _shape(label, records, formulas)


def _shape(
    label: str,
    records: list[tuple[int, list[str]]],
    formulas: dict[tuple[int, int], str] | None = None,
) -> ReadResult:
    """The first non-blank row is the header; blank rows are skipped; each formula cell of a
    data row is a problem of its own."""
    problems: list[Problem] = []
    by_row: dict[int, list[tuple[int, str]]] = {}
    for (row, position), formula in sorted((formulas or {}).items()):
        by_row.setdefault(row, []).append((position, formula))
    kept = [(n, cells) for n, cells in records if _has_text(cells) or n in by_row]
    if not kept:
        return _fail(label, "The file is empty; it needs a header row and at least one row.")
    header = kept[0][1]
    while header and not header[-1].strip():
        header = header[:-1]
    rows: list[tuple[int, tuple[str, ...]]] = []
    width = len(header)
    for number, cells in kept[1:]:
        if len(cells) == width and max(map(len, cells), default=0) <= MAX_CELL:
            rows.append((number, tuple(cells)))  # the common case, kept quick
            if number in by_row:
                problems += _formula_problems(label, number, header, by_row[number])
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            problems.append(
                Problem(
                    label, number, "(row)", "This row has more cells than the header has names."
                )
            )
            continue
        long = next((i for i, c in enumerate(cells[: len(header)]) if len(c) > MAX_CELL), None)
        if long is not None:
            problems.append(
                Problem(label, number, header[long] or "(row)", "This cell is far too long.")
            )
            continue
        padded = list(cells[: len(header)]) + [""] * (len(header) - len(cells))
        rows.append((number, tuple(padded)))
        problems += _formula_problems(label, number, header, by_row.get(number, ()))
    kept_rows = {n for n, _ in rows}
    cells = frozenset((n, p) for n, found in by_row.items() if n in kept_rows for p, _ in found)
    table = RawTable(label, tuple(header), tuple(rows), cells)
    return ReadResult(table, tuple(problems))


def _formula_problems(
    label: str, number: int, header: list[str], formulas: list[tuple[int, str]] | tuple[()]
) -> list[Problem]:
    return [
        Problem(label, number, header[position] or "(row)", _formula(formula))
        for position, formula in formulas
        if position < len(header)
    ]


def _formula(formula: str) -> str:
    shown = formula if len(formula) <= 40 else formula[:37] + "..."
    return (
        f"This cell holds a formula ({shown}), not a value; the import reads values only. "
        "Replace the formulas with their values (copy the cells, then Paste Special > "
        "Values), save, and import again."
    )
