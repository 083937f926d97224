"""Page geometry, the deterministic document builder and the "Page x of y" footer.

Every document is built the same way: a story of flowables on a Letter page,
reportlab's invariant mode (no random document id) and a creation date taken
from the issue date, so the same rows always give the same bytes.
"""

from __future__ import annotations

import io
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from functools import partial
from typing import Any

from reportlab import rl_config
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from .fonts import REGULAR, ensure_fonts
from .style import MUTED, RULE

PAGE_WIDTH, PAGE_HEIGHT = LETTER
INCH = 72
MARGIN_X = 48
MARGIN_TOP = 40
MARGIN_BOTTOM = 60  # room for the footer
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
FOOTER_Y = 30
CREATOR = "Quiet Ledger"

PageCallback = Callable[[Canvas, Any], None]


class DocumentCanvas(Canvas):
    """A canvas that holds pages back until the end to print "Page x of y".

    Pages are numbered per document: a batch of superbills in one PDF numbers
    each superbill from 1, because each is mailed on its own. A ``DocumentStart``
    flowable at the top of each document starts a new count.
    """

    def __init__(self, *args: Any, created: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stamp = f"D:{created:%Y%m%d}000000+00'00'"
        self.setDateFormatter(lambda *_parts: stamp)
        self._held_pages: list[dict[str, Any]] = []
        self.ql_document = 0
        self.ql_footer = ""

    def start_document(self, footer: str) -> None:
        self.ql_document += 1
        self.ql_footer = footer

    def showPage(self) -> None:
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        pages = self._held_pages
        totals = Counter(page["ql_document"] for page in pages)
        seen: Counter[int] = Counter()
        for page in pages:
            self.__dict__.update(page)
            seen[self.ql_document] += 1
            self._draw_footer(seen[self.ql_document], totals[self.ql_document])
            super().showPage()
        super().save()

    def _draw_footer(self, page: int, of: int) -> None:
        self.saveState()
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN_X, FOOTER_Y + 12, PAGE_WIDTH - MARGIN_X, FOOTER_Y + 12)
        self.setFillColor(MUTED)
        self.setFont(REGULAR, 7)
        self.drawString(MARGIN_X, FOOTER_Y, self.ql_footer)
        self.drawRightString(PAGE_WIDTH - MARGIN_X, FOOTER_Y, f"Page {page} of {of}")
        self.restoreState()


class DocumentStart(Flowable):
    """Zero-size marker: a new document (and page count) starts here.

    ``on_draw`` runs when layout reaches the marker; a batch uses it to report
    progress and to stop.
    """

    def __init__(self, footer: str, on_draw: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.footer = footer
        self.on_draw = on_draw

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return (0, 0)

    def draw(self) -> None:
        if self.on_draw is not None:
            self.on_draw()
        canv = self.canv
        if isinstance(canv, DocumentCanvas):
            canv.start_document(self.footer)


def build_pdf(
    story: Sequence[Flowable],
    *,
    title: str,
    author: str,
    created: date,
    first_page: PageCallback | None = None,
) -> bytes:
    """Lay out ``story`` on Letter pages and return the PDF bytes.

    ``first_page`` draws fixed-position content (a statement's address blocks)
    on the first page only.
    """
    ensure_fonts()
    buffer = io.BytesIO()
    template = BaseDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=author,
        subject=title,
        creator=CREATOR,
        invariant=1,
        lang="en-US",
        initialFontName=REGULAR,
    )
    template.addPageTemplates(
        [
            PageTemplate(
                "first", [_frame()], onPage=first_page or _no_op, autoNextPageTemplate="later"
            ),
            PageTemplate("later", [_frame()]),
        ]
    )
    with _build_lock, _binary_streams():
        template.build(list(story), canvasmaker=partial(DocumentCanvas, created=created))
    return buffer.getvalue()


# reportlab's TrueType fonts keep per-document state and its settings are
# process-wide, so one document is built at a time.
_build_lock = threading.Lock()


@contextmanager
def _binary_streams() -> Iterator[None]:
    """Compressed streams without the ASCII85 layer: smaller files, and ASCII85
    encoding in pure Python costs a few milliseconds a page."""
    previous = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = previous


def _frame() -> Frame:
    # No inner padding, so a table CONTENT_WIDTH wide lines up with the margins.
    return Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        CONTENT_WIDTH,
        PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )


def _no_op(canvas: Canvas, doc: Any) -> None:
    return None
