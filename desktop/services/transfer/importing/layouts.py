"""Matching a file's header to an import layout (columns by name, in any order).

Names are matched ignoring case, surrounding spaces, and underscores against
spaces (``Client Ref`` is ``client_ref``). A mapping, from the
file's own name to the layout's, covers files whose names differ. Columns the
layout does not know are reported as ignored (but for the entry's own id, which an
export writes for its history files); a missing required column, or
two columns for the same name, is a problem on row 1. The layouts themselves
are in ``desktop.services.transfer.format``, which the export writes by too.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.services.transfer.format import Layout
from desktop.services.transfer.importing.problems import HEADER_ROW, Problem
from desktop.services.transfer.importing.readers import RawTable


def key(name: str) -> str:
    """A name as matching sees it: case ignored, an underscore read as a space, runs of
    spaces as one (``Client  Ref`` and ``client_ref`` are the same column)."""
    return " ".join(name.replace("_", " ").split()).casefold()


def default_matches(layout: Layout, header: tuple[str, ...]) -> dict[str, str]:
    """Which of the file's columns each layout column takes by name alone (the first, when
    two would do): what the import wizard offers before anyone changes it."""
    by_key: dict[str, str] = {}
    for raw in header:
        by_key.setdefault(key(raw), raw.strip())
    return {c: by_key[key(c)] for c in layout.columns if key(c) in by_key}


@dataclass(frozen=True)
class Matched:
    """Where each layout column sits in the file, and what the file has besides."""

    index: dict[str, int]  # layout column -> position in the row
    ignored: tuple[str, ...]  # the file's columns that no layout column takes

    def get(self, cells: tuple[str, ...], column: str) -> str:
        position = self.index.get(column)
        return cells[position] if position is not None else ""


def match_header(
    table: RawTable, layout: Layout, mapping: dict[str, str] | None = None
) -> tuple[Matched, list[Problem]]:
    """Match the file's header to ``layout``; ``mapping`` renames file columns first."""
    renames = {key(source): key(target) for source, target in (mapping or {}).items()}
    known = {key(c): c for c in layout.columns}
    index: dict[str, int] = {}
    ignored: list[str] = []
    problems: list[Problem] = []
    for position, raw in enumerate(table.header):
        name = renames.get(key(raw), key(raw))
        column = known.get(name)
        if column is None:
            own_id = layout.export_id is not None and name == key(layout.export_id)
            if raw.strip() and not own_id:
                ignored.append(raw.strip())
            continue
        if column in index:
            problems.append(
                Problem(
                    table.file,
                    HEADER_ROW,
                    column,
                    f"Two columns are named {column}; keep one, or rename the other.",
                )
            )
            continue
        index[column] = position
    for column in layout.required:
        if column not in index:
            problems.append(
                Problem(
                    table.file,
                    HEADER_ROW,
                    column,
                    f"The file has no {column} column; add it, or map one of its columns to it.",
                )
            )
    return Matched(index, tuple(ignored)), problems
