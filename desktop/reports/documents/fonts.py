"""The embedded typeface: DejaVu Sans, so Latin, Greek and Cyrillic names print.

reportlab's built-in Helvetica has no Greek or Cyrillic glyphs and is never
embedded; DejaVu Sans is embedded as a subset of the glyphs each PDF uses.
Parsing a TrueType file takes tens of milliseconds, so it happens once, on
first use, not at import.

Cutting a subset out of the font and compressing it costs about 3 ms a PDF,
while a month's superbills use only a handful of distinct subsets (the same
letters, digits and punctuation). So each subset's font program and its
Unicode map are built and compressed once a process and copied into every
PDF that uses the same glyphs: the bytes written are the ones reportlab
would write (tests/reports/test_font_subsets.py compares them).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from desktop.resources import resource_path

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}
_KEPT_SUBSETS = 32  # a batch uses a handful; bounded so odd names cannot grow it

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
            pdfmetrics.registerFont(SubsetReusingFont(name, str(folder / filename)))
        # So that <b> inside a Paragraph picks the bold face.
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, REGULAR)
        addMapping(REGULAR, 1, 1, BOLD)
        _registered = True


class SubsetReusingFont(TTFont):
    """A TrueType font whose subsets are cut and compressed once, then reused by every PDF.

    reportlab builds the subsets when a document is saved (``addObjects``); the
    font program comes from ``face.makeSubset`` and is compressed when its stream
    is written. Both steps are kept here, keyed by the glyphs of the subset.
    """

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self._programs: OrderedDict[tuple[int, ...], bytes] = OrderedDict()
        self._written: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
        self._cut = self.face.makeSubset
        self.face.makeSubset = self._program  # what addSubsetObjects calls

    def _program(self, subset: list[int]) -> bytes:
        key = tuple(subset)
        program = self._programs.get(key)
        if program is None:
            program = _keep(self._programs, key, self._cut(subset))
        return program

    def addObjects(self, doc: Any) -> None:
        super().addObjects(doc)
        prefixes = (f"fontFile:{self.face.filename}(", "toUnicodeCMap:")
        for name, obj in doc.idToObject.items():
            if type(obj) is pdfdoc.PDFStream and name.startswith(prefixes):
                doc.idToObject[name] = _WrittenOnce(obj, self._written)
            elif type(obj) is pdfdoc.PDFTrueTypeFont and type(obj.Widths) is pdfdoc.PDFArray:
                obj.Widths = _WidthsOnce(obj.Widths, self._written)


class _WrittenOnce(pdfdoc.PDFObject):
    """A font stream written as the first PDF with the same stream wrote it.

    A stream's bytes depend only on its content, dictionary and filters (no object
    numbers), unless the PDF is encrypted; then it is written afresh.
    """

    __RefOnly__ = 1

    def __init__(self, stream: pdfdoc.PDFStream, cache: OrderedDict[tuple[Any, ...], bytes]):
        self.stream = stream
        self.cache = cache

    def format(self, document: Any) -> bytes:
        stream = self.stream
        if not isinstance(document.encrypt, pdfdoc.NoEncryption):
            return stream.format(document)
        key = (
            stream.content,
            tuple(sorted((k, repr(v)) for k, v in stream.dictionary.dict.items())),
            tuple(f.pdfname for f in stream.filters or ()),
        )
        written = self.cache.get(key)
        if written is None:
            written = _keep(self.cache, key, stream.format(document))
        return written


class _WidthsOnce(pdfdoc.PDFObject):
    """A subset's glyph widths, written as the first PDF with the same widths wrote them."""

    def __init__(self, widths: pdfdoc.PDFArray, cache: OrderedDict[tuple[Any, ...], bytes]):
        self.widths = widths
        self.cache = cache

    def format(self, document: Any) -> bytes:
        key = ("widths", *self.widths.sequence)
        written = self.cache.get(key)
        if written is None:
            written = _keep(self.cache, key, self.widths.format(document))
        return written


def _keep(cache: OrderedDict[Any, bytes], key: Any, value: bytes) -> bytes:
    cache[key] = value
    if len(cache) > _KEPT_SUBSETS:
        cache.popitem(last=False)
    return value
