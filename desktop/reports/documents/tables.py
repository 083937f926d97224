"""The documents' building blocks, made of Grids: headings, text, boxes, itemized tables."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.colors import Color

from .boxes import SideBySide
from .fonts import BOLD, REGULAR
from .grid import BOTTOM, RIGHT, Column, Grid, Row
from .layout import CONTENT_WIDTH
from .style import ACCENT, INK, MUTED, RULE, SHADE

CELL_SIZE = 8
LABEL_WIDTH = 78
HAIRLINE = (0.25, RULE)
RULE_STRONG = (0.8, INK)


def caption_row(text: str, columns: int) -> Row:
    """A section heading as the first row of a grid, so it never ends a page alone."""
    return Row(
        [text, *[""] * (columns - 1)],
        font=BOLD,
        size=9,
        color=ACCENT,
        span=True,
        pad_x=0,
        pad_top=0,
        pad_bottom=4,
    )


def heading(text: str) -> Grid:
    """A section heading on its own."""
    return Grid([Column(CONTENT_WIDTH)], [caption_row(text, 1)])


def text_block(
    text: str,
    *,
    width: float = CONTENT_WIDTH,
    size: float = 8.5,
    color: Color = INK,
    font: str = REGULAR,
) -> Grid:
    """Wrapped plain text (newlines kept), with no padding."""
    column = Column(width, font=font, size=size, color=color)
    return Grid([column], [Row([text])], pad_x=0, pad_y=0, leading=1.3)


def key_value_box(title: str, rows: Sequence[tuple[str, str]], width: float) -> Grid:
    """A bordered box: a shaded title, then label/value rows (long values wrap)."""
    columns = [
        Column(LABEL_WIDTH, size=CELL_SIZE, color=MUTED),
        Column(width - LABEL_WIDTH, size=CELL_SIZE),
    ]
    grid_rows = [Row([title, ""], font=BOLD, size=7.5, color=INK, fill=SHADE, span=True)]
    grid_rows += [Row([label, value], pad_top=2, pad_bottom=2) for label, value in rows]
    return Grid(columns, grid_rows, box=(0.6, RULE), pad_x=6, pad_y=4)


def two_boxes(
    left: tuple[str, Sequence[tuple[str, str]]],
    right: tuple[str, Sequence[tuple[str, str]]],
    gap: float = 12,
) -> SideBySide:
    """Two key/value boxes side by side, stretched to end level."""
    half = (CONTENT_WIDTH - gap) / 2
    return SideBySide(key_value_box(*left, half), key_value_box(*right, half), half, gap)


def flexible_columns(spec: Sequence[tuple[str, float, str]]) -> list[Column]:
    """Columns from (header, width, align); a width of 0 takes what the others leave."""
    fixed = sum(width for _, width, _ in spec)
    return [Column(width or CONTENT_WIDTH - fixed, align=align) for _, width, align in spec]


def itemised(
    columns: Sequence[Column],
    header: Sequence[str],
    body: Sequence[Sequence[str]],
    total: Sequence[str] | None = None,
    *,
    caption: str = "",
) -> Grid:
    """An itemized table: shaded header that repeats on each page, hairlines, a totals row."""
    rows = [caption_row(caption, len(columns))] if caption else []
    rows.append(Row(header, font=BOLD, size=7.5, fill=SHADE, rule_below=RULE_STRONG, valign=BOTTOM))
    rows += [Row(cells, rule_below=HAIRLINE) for cells in body]
    if total is not None:
        rows.append(Row(total, font=BOLD, rule_above=RULE_STRONG))
    return Grid(
        columns,
        rows,
        caption_rows=1 if caption else 0,
        header_rows=1,
        tail_rows=1 if total is not None else 0,
    )


def summary(
    rows: Sequence[tuple[str, str]], width: float, *, emphasise_last: bool, caption: str = ""
) -> Grid:
    """Totals: label and amount per row; the last one larger and ruled when it matters."""
    columns = [Column(width - 86, size=8.5), Column(86, align=RIGHT, size=8.5)]
    grid_rows = [Row([label, amount], pad_top=2, pad_bottom=2) for label, amount in rows]
    if emphasise_last and grid_rows:
        label, amount = rows[-1]
        grid_rows[-1] = Row(
            [label, amount], font=BOLD, size=10, rule_above=RULE_STRONG, pad_top=4, pad_bottom=2
        )
    if caption:
        grid_rows.insert(0, caption_row(caption, 2))
    return Grid(columns, grid_rows, caption_rows=1 if caption else 0)
