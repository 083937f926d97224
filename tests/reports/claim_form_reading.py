"""Reading a CMS-1500 PDF back: each string with the grid cell (line, column) it starts in."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader

from desktop.reports.documents.claim_form_grid import cell_at

Cell = tuple[int, int]


def placed_text(pdf: bytes, page: int = 0) -> dict[Cell, str]:
    """Every string drawn in Courier (the data) on ``page``, by the cell where it starts."""
    found: dict[Cell, str] = {}

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if not text.strip() or font is None or "Courier" not in str(font.get("/BaseFont")):
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        found[cell_at(x, y)] = found.get(cell_at(x, y), "") + text

    PdfReader(io.BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return found


def captions(pdf: bytes, page: int = 0) -> str:
    """The form's own printed words (everything not in Courier), in reading order."""
    parts: list[str] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if text.strip() and font is not None and "Courier" not in str(font.get("/BaseFont")):
            parts.append(text)

    PdfReader(io.BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return " ".join(parts)
