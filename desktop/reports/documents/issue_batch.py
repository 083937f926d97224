"""A month's superbills rendered for issuing: each as its own PDF (the bytes stored and
reprinted) and all of them in one PDF to print.

The PDF to print is the single PDFs joined (``joined.py``), not the month laid out
a second time: the same pages, in a tenth of the time. Should a single PDF ever
be one the joiner does not take apart, the month is laid out again instead.

Each superbill is rendered here, one after another. Rendering them in forked
worker processes was tried: on two cores it saved no wall time (the
workers took turns with this process) and cost CPU, and forking a process that
runs the window's threads is not safe, so it was left out.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from .batch import Cancelled, Progress, batch_title, render_batch
from .joined import NotJoinable, join_pdfs
from .rows import SuperbillDoc
from .superbill import render_superbill


def render_for_issue(
    docs: Sequence[SuperbillDoc], progress: Progress | None = None
) -> tuple[list[bytes], bytes]:
    """Each of ``docs`` as its own PDF, in order, and all of them as one PDF.

    ``progress(done, total)`` counts each single PDF made and each joined into the one
    to print (``total`` is twice the superbills); when it returns False, ``Cancelled``
    is raised.
    """
    if not docs:
        raise ValueError("There are no superbills to print.")
    count, total = len(docs), 2 * len(docs)

    def report(done: int) -> None:
        if progress is not None and progress(done, total) is False:
            raise Cancelled(f"Stopped after {min(done, count)} of {count} superbills.")

    with _frozen_heap():
        report(0)
        singles: list[bytes] = []
        for doc in docs:
            singles.append(render_superbill(doc))
            report(len(singles))
        return singles, _to_print(docs, singles, lambda joined: report(count + joined))


def _to_print(
    docs: Sequence[SuperbillDoc], singles: list[bytes], report: Callable[[int], None]
) -> bytes:
    """The single PDFs joined, dated as the last issued (as ``render_batch`` dates it)."""
    latest = max(range(len(docs)), key=lambda index: docs[index].issued_on)
    try:
        return join_pdfs(singles, batch_title(len(docs)), report, facts_from=latest)
    except NotJoinable:
        return render_batch(docs, lambda done, _total: report(done) is None)


@contextmanager
def _frozen_heap() -> Iterator[None]:
    """The objects there are already (the app's, the open books') left out of garbage
    collection while rendering: rendering makes many short-lived objects, and each full
    collection walked the whole heap, about 1 ms a superbill."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
