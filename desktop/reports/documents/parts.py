"""Pieces more than one document prints: the letterhead and the code legend."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import zip_longest

from .fonts import BOLD
from .grid import BOTTOM, RIGHT, Cell, Column, Grid, Row
from .layout import CONTENT_WIDTH
from .style import ACCENT, MUTED, RULE

RIGHT_COLUMN = 220

# Codes a client may not know, explained under the service table.
PLACE_OF_SERVICE = {
    "02": "telehealth outside the patient's home",
    "10": "telehealth in the patient's home",
    "11": "office",
    "12": "patient's home",
}
MODIFIERS = {
    "95": "audio-video telehealth",
    "93": "audio-only telehealth",
    "GT": "audio-video telehealth",
}


def letterhead(
    name: str, lines: Sequence[str], title: str, subtitle: str, meta: Sequence[str]
) -> Grid:
    """Practice name and address on the left; title and reference lines on the right."""
    columns = [Column(CONTENT_WIDTH - RIGHT_COLUMN, size=8.5), Column(RIGHT_COLUMN, align=RIGHT)]
    rows = [
        Row(
            [Cell(name, font=BOLD, size=12), Cell(title, font=BOLD, size=20, color=ACCENT)],
            valign=BOTTOM,
            pad_bottom=2,
        )
    ]
    right: list[str | Cell] = [Cell(subtitle, color=MUTED)] if subtitle else []
    right += list(meta)
    left = [line for line in lines if line]
    for left_text, right_text in zip_longest(left, right, fillvalue=""):
        rows.append(Row([left_text, right_text], size=8.5))
    last = rows[-1]
    rows[-1] = Row(last.cells, size=8.5, rule_below=(0.8, RULE), pad_bottom=8)
    return Grid(columns, rows, pad_x=0, pad_y=0, leading=1.3)


def code_legend(places: Sequence[str], modifiers: Sequence[str]) -> str:
    """A sentence explaining the place-of-service codes and modifiers that were printed."""
    parts = [
        f"POS {code}: {PLACE_OF_SERVICE[code]}"
        for code in sorted(set(places))
        if code in PLACE_OF_SERVICE
    ]
    parts += [
        f"modifier {code}: {MODIFIERS[code]}"
        for code in sorted(set(modifiers))
        if code in MODIFIERS
    ]
    return "; ".join(parts) + "." if parts else ""
