"""Cycle collection on the UI thread only.

Python's cyclic garbage collector runs in whichever thread happens to cross its
allocation threshold. When that is a worker of the thread pool (an export, an
import's dry run) and the garbage holds a Qt object made on the UI thread (a
closed dialog, a page whose slots refer back to it), Qt destroys that object
from the wrong thread while the UI thread may be painting it, and the process
can crash. So, while the window runs, automatic collection stays off and a
timer on the UI thread collects instead: the same generations, by the same
thresholds, as the automatic collector would have.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_EVERY_MS = 500


class UiThreadCollector(QObject):
    """Turns automatic collection off and collects on the UI thread's timer."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = CHECK_EVERY_MS) -> None:
        super().__init__(parent)
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start()

    def collect_due(self) -> int | None:
        """Collect the oldest generation whose threshold has been passed, if any.

        Returns the generation collected, or None when nothing was due.
        """
        thresholds = gc.get_threshold()
        counts = gc.get_count()
        due = None
        for generation in range(3):
            if counts[generation] > thresholds[generation]:
                due = generation
            else:
                break  # an older generation is only due once the younger one is
        if due is not None:
            gc.collect(due)
        return due
