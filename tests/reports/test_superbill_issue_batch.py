"""A month rendered for issuing: each superbill's own PDF, the same bytes whether it comes
from a worker process or from this one, and the PDF to print, the same pages as the month
laid out as one document."""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys

import pytest

from desktop.reports.documents import (
    Cancelled,
    render_batch,
    render_for_issue,
    render_superbill,
)
from desktop.reports.documents.issue_batch import MAX_WORKERS, MIN_FOR_WORKERS, worker_count
from tests.reports.test_superbill_pdf import client, lines, pages_text, superbill

NAMES = ["Ana Ruiz", "Олег Петров", "Μαρία Νίκου", "Katherine Anne Doyle", "Aoife O'Connor"]


def month(count: int) -> list:
    return [
        superbill(
            number=f"SB-2026-{n:04d}",
            client=client(legal_name=NAMES[n % len(NAMES)]),
            lines=lines(1 + n % 5),
        )
        for n in range(1, count + 1)
    ]


@pytest.mark.parametrize(("count", "workers"), [(3, None), (24, 0), (24, 2)])
def test_each_and_all_are_what_rendering_one_by_one_gives(count: int, workers: int) -> None:
    docs = month(count)
    calls: list[tuple[int, int]] = []
    children: list[int] = []
    frozen: list[int] = []

    def progress(done: int, total: int) -> bool:
        calls.append((done, total))
        children.append(len(multiprocessing.active_children()))
        frozen.append(gc.get_freeze_count())
        return True

    singles, combined = render_for_issue(docs, progress, workers=workers)
    assert max(children) == (workers or 0)
    assert min(frozen) > 0  # the heap there was is left out of collections while rendering
    assert gc.get_freeze_count() == 0
    assert singles == [render_superbill(doc) for doc in docs]
    assert pages_text(combined) == pages_text(render_batch(docs))
    assert calls[0] == (0, 2 * count)
    assert calls[-1] == (2 * count, 2 * count)
    done = [d for d, _ in calls]
    assert done == sorted(done)
    for doc, pdf in zip(docs, singles, strict=True):
        assert f"{doc.number}, version 2 · {doc.client.legal_name}" in pages_text(pdf)[0]
    assert multiprocessing.active_children() == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork on Linux only")
def test_workers_only_for_a_month_and_only_on_idle_cores() -> None:
    assert worker_count(MIN_FOR_WORKERS - 1) == 0
    idle = int(len(os.sched_getaffinity(0)) - os.getloadavg()[0])
    assert worker_count(100) == (min(MAX_WORKERS, idle) if idle >= 2 else 0)


@pytest.mark.parametrize("stop_at", [1, 5, 40])
def test_cancel_stops_the_workers_and_returns_nothing(stop_at: int) -> None:
    docs = month(3 * MIN_FOR_WORKERS)
    seen: list[int] = []

    def progress(done: int, _total: int) -> bool:
        seen.append(done)
        return done < stop_at

    with pytest.raises(Cancelled):
        render_for_issue(docs, progress, workers=2)
    assert seen[-1] == stop_at
    assert multiprocessing.active_children() == []


def test_nothing_to_render_is_refused() -> None:
    with pytest.raises(ValueError, match="no superbills"):
        render_for_issue([])
