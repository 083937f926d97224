"""Many superbills in one PDF, for printing a month's superbills at once.

Each superbill starts on a new page and numbers its own pages ("Page 1 of 2"),
since each is mailed to a different insurer. Progress is reported while the
pages are laid out; the callback answers False to stop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reportlab.platypus import Flowable, PageBreak

from .layout import build_pdf
from .rows import SuperbillDoc
from .superbill import superbill_story

Progress = Callable[[int, int], bool]


class Cancelled(Exception):
    """The progress callback asked to stop; no PDF was produced."""


def batch_title(count: int) -> str:
    """The document title of a PDF of ``count`` superbills."""
    return f"Superbills ({count})"


def render_batch(docs: Sequence[SuperbillDoc], progress: Progress | None = None) -> bytes:
    """All ``docs`` as one PDF, in order.

    ``progress(done, total)`` is called before the first superbill, as each one
    is laid out, and once at the end; when it returns False, ``Cancelled`` is raised.
    """
    if not docs:
        raise ValueError("There are no superbills to print.")
    total = len(docs)

    def report(done: int) -> None:
        if progress is not None and progress(done, total) is False:
            raise Cancelled(f"Stopped after {done} of {total} superbills.")

    report(0)
    story: list[Flowable] = []
    for index, doc in enumerate(docs):
        if index:
            story.append(PageBreak())
        # The marker of superbill n runs when n superbills are done.
        story += superbill_story(doc, on_start=(lambda done=index: report(done)) if index else None)
    pdf = build_pdf(
        story,
        title=batch_title(total),
        author=docs[0].provider.practice_name,
        created=max(doc.issued_on for doc in docs),
    )
    report(total)
    return pdf
