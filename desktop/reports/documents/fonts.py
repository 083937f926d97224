"""The embedded typeface: DejaVu Sans, so Latin, Greek and Cyrillic names print.

reportlab's built-in Helvetica has no Greek or Cyrillic glyphs and is never
embedded; DejaVu Sans is embedded as a subset of the glyphs each PDF uses.
Parsing a TrueType file takes tens of milliseconds, so it happens once, on
first use, not at import.
"""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from desktop.resources import resource_path

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}

_lock = threading.Lock()
_registered = False


def font_dir() -> Path:
    """Where the TTFs are: ``resources/fonts`` in a checkout, ``desktop/_resources`` installed."""
    try:
        return resource_path("fonts", _FILES[REGULAR]).parent
    except FileNotFoundError:
        raise FileNotFoundError("The document fonts are missing from resources/fonts.") from None


def ensure_fonts() -> None:
    """Register the fonts with reportlab once per process; safe from any thread."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        folder = font_dir()
        for name, filename in _FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
        # So that <b> inside a Paragraph picks the bold face.
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, REGULAR)
        addMapping(REGULAR, 1, 1, BOLD)
        _registered = True
