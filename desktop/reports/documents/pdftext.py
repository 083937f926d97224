"""Placed text written straight into a page's content stream.

reportlab's text objects format every number and escape every string in pure
Python (its C accelerator is an optional extra), which is most of the cost of
a page of short table cells. Grids place many short, repeated strings, so
they are written here as PDF operators: the embedded font's own subsetting
(``TTFont.splitString`` and ``getSubsetInternalName``, the dynamic-font
interface reportlab's ttfonts module documents), a translate table for
escaping, and a per-document cache of encoded strings (a character's subset
code never changes once assigned within a document).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import getFont

# PDF literal strings: backslash and parentheses escaped, other bytes outside
# printable ASCII written in octal. Applied to subset codes decoded as Latin-1.
_ESCAPES = str.maketrans(
    {
        chr(code): (f"\\{code:03o}" if code < 32 or code >= 127 else "\\" + chr(code))
        for code in range(256)
        if code < 32 or code >= 127 or chr(code) in "\\()"
    }
)

Encoded = tuple[tuple[int, str], ...]
_cache: WeakKeyDictionary[Any, dict[tuple[str, str], Encoded]] = WeakKeyDictionary()


class PlacedText(NamedTuple):
    x: float
    y: float  # baseline, in the drawing's coordinates
    font: str
    size: float
    color: Color
    text: str


def encode(doc: Any, font_name: str, text: str) -> Encoded:
    """``text`` as (font subset, escaped string) runs for ``doc``."""
    cache = _cache.get(doc)
    if cache is None:
        cache = _cache[doc] = {}
    key = (font_name, text)
    runs = cache.get(key)
    if runs is None:
        font = getFont(font_name)
        runs = tuple(
            (subset, chunk.decode("latin-1").translate(_ESCAPES))
            for subset, chunk in font.splitString(text, doc)
        )
        cache[key] = runs
    return runs


def draw_text(canv: Any, placed: Iterable[PlacedText]) -> None:
    """Draw each string at its place in one text block; font and color set on change."""
    doc = canv._doc  # the PDF document that owns the font subsets
    ops = ["BT"]
    current_font: tuple[str, int, float] | None = None
    current_color: tuple[float, float, float] | None = None
    for item in placed:
        rgb = (item.color.red, item.color.green, item.color.blue)
        if rgb != current_color:
            current_color = rgb
            ops.append(_fill_op(*rgb))
        ops.append(f"1 0 0 1 {num(item.x)} {num(item.y)} Tm")
        for subset, escaped in encode(doc, item.font, item.text):
            if (item.font, subset, item.size) != current_font:
                current_font = (item.font, subset, item.size)
                internal = getFont(item.font).getSubsetInternalName(subset, doc)
                ops.append(f"{internal} {num(item.size)} Tf")
            ops.append(f"({escaped}) Tj")
    ops.append("ET")
    canv.addLiteral("\n".join(ops))


@lru_cache(maxsize=64)
def _fill_op(red: float, green: float, blue: float) -> str:
    return " ".join(f"{part:.3f}".rstrip("0").rstrip(".") for part in (red, green, blue)) + " rg"


def num(value: float) -> str:
    """A coordinate for the content stream: at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
