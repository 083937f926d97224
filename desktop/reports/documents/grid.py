"""A lean table flowable: plain text cells, rules, fills, a repeating header.

reportlab's Table and Paragraph are general and slow: each cell is drawn as
its own text object and each Paragraph parses markup. Documents here need
only plain text in fixed columns, so a Grid measures each cell once, wraps
long text with ``simpleSplit``, and draws all its text in one text object.
That keeps a batch of superbills within a few milliseconds a page. User text
is never parsed as markup, so a name with ``&`` or ``<`` prints as typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, NamedTuple

from reportlab.lib.colors import Color
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from .fonts import REGULAR
from .pdftext import PlacedText, draw_text
from .style import INK

LEFT, RIGHT, CENTER = "left", "right", "center"
TOP, BOTTOM = "top", "bottom"


@lru_cache(maxsize=8192)
def text_width(text: str, font: str, size: float) -> float:
    """String width in points, cached: amounts, dates and codes repeat a lot in a batch."""
    return stringWidth(text, font, size)


@dataclass(frozen=True)
class Column:
    width: float
    align: str = LEFT
    font: str = REGULAR
    size: float = 8
    color: Color = INK


@dataclass(frozen=True)
class Cell:
    """A cell that needs its own font, size or color (a title beside a name)."""

    text: str
    font: str | None = None
    size: float | None = None
    color: Color | None = None


@dataclass(frozen=True)
class Row:
    """One row; font, size and color, when given, override the columns' for every cell.

    ``span`` makes the first cell run across all columns (a box title).
    """

    cells: Sequence[str | Cell]
    font: str | None = None
    size: float | None = None
    color: Color | None = None
    fill: Color | None = None
    rule_above: tuple[float, Color] | None = None
    rule_below: tuple[float, Color] | None = None
    valign: str = TOP
    pad_top: float | None = None
    pad_bottom: float | None = None
    pad_x: float | None = None
    span: bool = False


class _Line(NamedTuple):
    text: str
    x: float  # from the grid's left edge
    baseline: float  # down from the row's top
    font: str
    size: float
    color: Color


class _Laid(NamedTuple):
    height: float
    lines: tuple[_Line, ...]


class Grid(Flowable):
    """Rows of plain-text cells in fixed-width columns.

    The first ``caption_rows`` (a section heading) print once and never end a
    page on their own; the ``header_rows`` after them repeat at the top of each
    page when the grid splits; the last ``tail_rows`` (a totals row) never start
    a page on their own. ``box`` draws a border round the whole grid.
    """

    def __init__(
        self,
        columns: Sequence[Column],
        rows: Sequence[Row],
        *,
        caption_rows: int = 0,
        header_rows: int = 0,
        tail_rows: int = 0,
        box: tuple[float, Color] | None = None,
        pad_x: float = 3,
        pad_y: float = 3,
        leading: float = 1.25,
    ) -> None:
        super().__init__()
        self.columns = tuple(columns)
        self.rows = tuple(rows)
        self.caption_rows = caption_rows
        self.header_rows = header_rows
        self.tail_rows = tail_rows
        self.box = box
        self.pad_x = pad_x
        self.pad_y = pad_y
        self.leading = leading
        self.stretch_to = 0.0  # a taller height to fill, so boxes side by side end level
        self._laid: tuple[_Laid, ...] | None = None

    # -- layout ---------------------------------------------------------------

    def _lay_out(self) -> tuple[_Laid, ...]:
        if self._laid is None:
            self._laid = tuple(self._lay_out_row(row) for row in self.rows)
        return self._laid

    def _lay_out_row(self, row: Row) -> _Laid:
        columns = self.columns
        cells = row.cells
        if len(cells) != len(columns):
            raise ValueError(f"A row has {len(cells)} cells for {len(columns)} columns.")
        if row.span:
            columns = (replace(columns[0], width=sum(c.width for c in columns)),)
            cells = cells[:1]
        pad_top = self.pad_y if row.pad_top is None else row.pad_top
        pad_bottom = self.pad_y if row.pad_bottom is None else row.pad_bottom
        pad_x = self.pad_x if row.pad_x is None else row.pad_x
        leading = self.leading
        # First pass: each cell's wrapped lines and style.
        placed: list[tuple[float, Column, list[str], str, float, Color]] = []
        left = 0.0
        for column, content in zip(columns, cells, strict=True):
            if isinstance(content, Cell):
                text = content.text
                font = content.font or row.font or column.font
                size = content.size or row.size or column.size
                color = content.color or row.color or column.color
            else:
                text = content
                font = row.font or column.font
                size = row.size or column.size
                color = row.color or column.color
            placed.append(
                (
                    left,
                    column,
                    _wrap(text, font, size, column.width - 2 * pad_x),
                    font,
                    size,
                    color,
                )
            )
            left += column.width
        content_height = max(
            (len(parts) * size * leading for *_, parts, _, size, _ in placed), default=0.0
        )
        # Bottom-aligned cells share their last baseline, whatever their font sizes.
        last_baseline = content_height - max(p[4] for p in placed) * (leading - 1)
        lines: list[_Line] = []
        for left, column, parts, font, size, color in placed:
            step = size * leading
            if row.valign == BOTTOM:
                baseline = pad_top + last_baseline - (len(parts) - 1) * step
            else:
                baseline = pad_top + size  # one font size below the top, like reportlab's Table
            for part in parts:
                if column.align == LEFT:
                    x = left + pad_x
                elif column.align == RIGHT:
                    x = left + column.width - pad_x - text_width(part, font, size)
                else:
                    x = left + (column.width - text_width(part, font, size)) / 2
                lines.append(_Line(part, x, baseline, font, size, color))
                baseline += step
        return _Laid(content_height + pad_top + pad_bottom, tuple(lines))

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = sum(column.width for column in self.columns)
        self.height = max(sum(laid.height for laid in self._lay_out()), self.stretch_to)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        laid = self._lay_out()
        caption, header = self.caption_rows, self.caption_rows + self.header_rows
        used = sum(row.height for row in laid[:header])
        end = header
        while end < len(laid) and used + laid[end].height <= available_height:
            used += laid[end].height
            end += 1
        if end >= len(laid):
            return [self]
        if self.tail_rows:
            # A totals row never starts a page alone: a line above goes with it.
            end = min(end, len(laid) - self.tail_rows - 1)
        if end <= header:
            return []  # not even one line fits: the whole grid moves to the next page
        rest = [*range(caption, header), *range(end, len(laid))]
        return [self._part(range(end), caption), self._part(rest, 0)]

    def _part(self, indexes: Sequence[int], caption_rows: int) -> Grid:
        part = Grid(
            self.columns,
            [self.rows[i] for i in indexes],
            caption_rows=caption_rows,
            header_rows=self.header_rows,
            tail_rows=self.tail_rows,
            box=self.box,
            pad_x=self.pad_x,
            pad_y=self.pad_y,
            leading=self.leading,
        )
        laid = self._lay_out()
        part._laid = tuple(laid[i] for i in indexes)
        return part

    # -- drawing --------------------------------------------------------------

    def draw(self) -> None:
        canv = self.canv
        laid = self._lay_out()
        width, top = self.width, self.height
        canv.saveState()
        # Fills first, then rules, then all text in one text object.
        y = top
        for row, geometry in zip(self.rows, laid, strict=True):
            if row.fill is not None:
                canv.setFillColor(row.fill)
                canv.rect(0, y - geometry.height, width, geometry.height, stroke=0, fill=1)
            if row.rule_above is not None:
                _rule(canv, y, width, row.rule_above)
            if row.rule_below is not None:
                _rule(canv, y - geometry.height, width, row.rule_below)
            y -= geometry.height
        if self.box is not None:
            canv.setLineWidth(self.box[0])
            canv.setStrokeColor(self.box[1])
            canv.rect(0, 0, width, top, stroke=1, fill=0)
        # Text in reading order: copying from the PDF and screen readers follow it.
        placed: list[PlacedText] = []
        y = top
        for geometry in laid:
            for line in geometry.lines:
                placed.append(
                    PlacedText(
                        line.x, y - line.baseline, line.font, line.size, line.color, line.text
                    )
                )
            y -= geometry.height
        draw_text(canv, placed)
        canv.restoreState()


def _rule(canv: Any, y: float, width: float, rule: tuple[float, Color]) -> None:
    canv.setLineWidth(rule[0])
    canv.setStrokeColor(rule[1])
    canv.line(0, y, width, y)


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of ``text`` no wider than ``width``; a newline always breaks."""
    if not text:
        return []
    lines: list[str] = []
    for paragraph in text.split("\n"):
        # Most cells are short: skip measuring when even the widest glyphs would fit.
        if len(paragraph) * size <= width or text_width(paragraph, font, size) <= width:
            lines.append(paragraph)
        else:
            lines.extend(simpleSplit(paragraph, font, size, width) or [""])
    return lines
