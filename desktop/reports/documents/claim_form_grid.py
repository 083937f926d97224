"""The CMS-1500 (02/12) print grid: 10 characters an inch, 6 lines an inch, on letter paper.

The red form is designed for data typed on this grid (the NUCC manual's print
specifications: 10-pitch Courier, 6 lines per inch). Every data item has a line
(1-66 from the top) and a column (1-85 from the left); the plain-paper form is
drawn on the same grid, so both variants put each item in the same place, and
a printer's own drift is corrected by an offset on the data-only print alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.pagesizes import LETTER

PAGE_WIDTH, PAGE_HEIGHT = LETTER
CHAR = 72 / 10  # one column: 10 characters an inch
LINE = 72 / 6  # one line: 6 lines an inch
LEFT = 24.0  # where column 1 starts on the red form, in points from the left edge
TOP = 20.0  # where line 1 starts, in points from the top edge
DATA_FONT = "Courier"
DATA_SIZE = 10.0  # Courier's advance is 0.6 em; character spacing makes up one column


@dataclass(frozen=True)
class Offset:
    """The data-only print's shift for one printer, in points: right and down are positive."""

    right: float = 0.0
    down: float = 0.0


def x_of(col: float, offset: Offset | None = None) -> float:
    """The left edge of column ``col`` (1-based), in points from the page's left."""
    return LEFT + (col - 1) * CHAR + (offset.right if offset else 0.0)


def baseline_of(line: float, offset: Offset | None = None) -> float:
    """The baseline of line ``line`` (1-based), in reportlab's bottom-up points."""
    from_top = TOP + line * LINE - 3 + (offset.down if offset else 0.0)
    return PAGE_HEIGHT - from_top


def top_of(line: float) -> float:
    """The top edge of line ``line``'s cell, in bottom-up points."""
    return PAGE_HEIGHT - (TOP + (line - 1) * LINE)


def edge_of(col: float) -> float:
    """A vertical rule just left of column ``col`` (half a column before it)."""
    return LEFT + (col - 1.5) * CHAR


def cell_at(x: float, y: float) -> tuple[int, int]:
    """The (line, column) whose data cell holds a text origin at (x, y), bottom-up points.

    Tests read printed text back with its position and ask this where it landed.
    """
    col = round((x - LEFT) / CHAR) + 1
    line = round((PAGE_HEIGHT - y - TOP + 3) / LINE)
    return line, col
