"""A month rendered for issuing: each superbill's own PDF, the same bytes as rendering it
alone, and the PDF to print, the same pages as the month laid out as one document."""

from __future__ import annotations

import gc

import pytest

from desktop.reports.documents import (
    Cancelled,
    render_batch,
    render_for_issue,
    render_superbill,
)
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


@pytest.mark.parametrize("count", [3, 24])
def test_each_and_all_are_what_rendering_one_by_one_gives(count: int) -> None:
    docs = month(count)
    calls: list[tuple[int, int]] = []
    frozen: list[int] = []

    def progress(done: int, total: int) -> bool:
        calls.append((done, total))
        frozen.append(gc.get_freeze_count())
        return True

    singles, combined = render_for_issue(docs, progress)
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


@pytest.mark.parametrize("stop_at", [1, 5, 40])
def test_cancel_stops_and_returns_nothing(stop_at: int) -> None:
    docs = month(24)
    seen: list[int] = []

    def progress(done: int, _total: int) -> bool:
        seen.append(done)
        return done < stop_at

    with pytest.raises(Cancelled):
        render_for_issue(docs, progress)
    assert seen[-1] == stop_at
    assert gc.get_freeze_count() == 0


def test_nothing_to_render_is_refused() -> None:
    with pytest.raises(ValueError, match="no superbills"):
        render_for_issue([])
