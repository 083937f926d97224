"""A month's superbills rendered for issuing: each as its own PDF (the bytes stored and
reprinted) and all of them in one PDF to print.

Rendering each superbill is nearly all of the work, and each is independent of
the others, so with enough of them they are rendered in worker processes. The
workers are forked once everything is imported and the first superbill has filled
the font and image caches, so they start ready: superbill rows go in, PDF bytes
come out, in order. A worker runs the same ``render_superbill``, so the bytes are
the ones this process would make.

The PDF to print is the single PDFs joined (``joined.py``), not the month laid out
a second time: the same pages, in a tenth of the time. Should a single PDF ever
be one the joiner does not take apart, the month is laid out again instead.

Workers are only forked where forking is how the platform starts processes
(Linux), and only onto cores that are idle: on a busy machine they would only
take turns with this process. Windows and macOS start a fresh interpreter per worker (spawn), which
would import the app again in each; there everything is rendered here, one
superbill after another.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from . import layout
from .batch import Cancelled, Progress, batch_title, render_batch
from .joined import NotJoinable, join_pdfs
from .rows import SuperbillDoc
from .superbill import render_superbill

MIN_FOR_WORKERS = 8  # fewer: forking costs more than it saves
MAX_WORKERS = 4
_CHUNK = 4  # superbills a worker takes at a time: fewer round trips, prompt cancel


def render_for_issue(
    docs: Sequence[SuperbillDoc], progress: Progress | None = None, *, workers: int | None = None
) -> tuple[list[bytes], bytes]:
    """Each of ``docs`` as its own PDF, in order, and all of them as one PDF.

    ``workers`` processes render the single PDFs (0: this one; None: as many as
    ``worker_count`` finds room for). ``progress(done, total)`` counts each single PDF
    made and each joined into the one to print (``total`` is twice the superbills);
    when it returns False, ``Cancelled`` is raised and the workers are stopped.
    """
    if not docs:
        raise ValueError("There are no superbills to print.")
    count, total = len(docs), 2 * len(docs)

    def report(done: int) -> None:
        if progress is not None and progress(done, total) is False:
            raise Cancelled(f"Stopped after {min(done, count)} of {count} superbills.")

    with _frozen_heap():
        report(0)
        singles = _singles(docs, workers, report)
        return singles, _to_print(docs, singles, lambda joined: report(count + joined))


def _singles(
    docs: Sequence[SuperbillDoc], workers: int | None, report: Callable[[int], None]
) -> list[bytes]:
    singles = [render_superbill(docs[0])]  # fills the caches the workers inherit
    report(1)
    rest = docs[1:]
    if workers is None:
        workers = worker_count(len(rest))
    if workers == 0 or not rest or not fork_is_native():
        for doc in rest:
            singles.append(render_superbill(doc))
            report(len(singles))
        return singles
    with _workers(workers) as pool:
        with layout.build_lock:  # no document is half built here when the workers fork
            pending = pool.map(render_superbill, rest, chunksize=_CHUNK)
        for pdf in pending:
            singles.append(pdf)
            report(len(singles))
    return singles


def worker_count(superbills: int) -> int:
    """How many processes render ``superbills`` single PDFs (0: this one does).

    Workers pay for themselves only on cores nobody else is using: with fewer than
    two idle (by the load over the last minute), this process renders alone.
    """
    if superbills < MIN_FOR_WORKERS or not fork_is_native():
        return 0
    idle = int(len(os.sched_getaffinity(0)) - os.getloadavg()[0])
    workers = min(MAX_WORKERS, idle, superbills // MIN_FOR_WORKERS)
    return workers if workers >= 2 else 0


def fork_is_native() -> bool:
    """Whether processes start by forking this one here (Linux), not by a fresh import."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


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
    collection walked the whole heap, about 1 ms a superbill. A forked worker inherits
    the frozen heap, so its collections do not touch (and copy) the pages it shares."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextmanager
def _workers(count: int) -> Iterator[ProcessPoolExecutor]:
    """Forked workers; on leaving (cancel or error too) work not started is dropped."""
    pool = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork"))
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
