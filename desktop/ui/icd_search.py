"""ICD-10-CM searches off the UI thread.

The first search loads the code set (seconds), so every search runs in the
global QThreadPool and reports back through a signal. Each request carries a
number; answers to superseded requests are dropped, so fast typing never shows
stale results.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from desktop.services.clients import icd
from desktop.services.clients.icd import IcdHit


class _Bridge(QObject):
    # Emitted from a pool thread; Qt queues it to the receiver's (UI) thread.
    done = Signal(int, list)
    failed = Signal(int, str)


class _Search(QRunnable):
    def __init__(self, bridge: _Bridge, serial: int, text: str, limit: int) -> None:
        super().__init__()
        self._bridge = bridge  # a Python reference keeps it alive until the search ends
        self._serial = serial
        self._text = text
        self._limit = limit

    def run(self) -> None:
        try:
            hits = icd.search(self._text, self._limit) if self._text.strip() else []
        except Exception as exc:  # an unreadable code set must not end the program
            self._bridge.failed.emit(self._serial, f"The diagnosis codes could not be read: {exc}")
            return
        self._bridge.done.emit(self._serial, hits)


class _Warm(QRunnable):
    def run(self) -> None:
        icd.warm()


class IcdSearcher(QObject):
    results = Signal(list)  # list[IcdHit], for the latest request only
    failed = Signal(str)
    busy = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, delay_ms: int = 200) -> None:
        super().__init__(parent)
        self._bridge = _Bridge()
        self._bridge.done.connect(self._done)
        self._bridge.failed.connect(self._failed)
        self._serial = 0
        self._pending = ""
        self._limit = 50
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._start)

    @staticmethod
    def warm_up() -> None:
        """Start loading the code set in the background, before anyone searches."""
        if not icd.is_loaded():
            QThreadPool.globalInstance().start(_Warm())

    def search(self, text: str, limit: int = 50) -> None:
        """Search after a short pause in typing."""
        self._pending = text
        self._limit = limit
        self._timer.start()

    def search_now(self, text: str, limit: int = 50) -> None:
        self._pending = text
        self._limit = limit
        self._start()

    def _start(self) -> None:
        self._timer.stop()
        self._serial += 1
        self.busy.emit(True)
        QThreadPool.globalInstance().start(
            _Search(self._bridge, self._serial, self._pending, self._limit)
        )

    def _done(self, serial: int, hits: list[IcdHit]) -> None:
        if serial == self._serial:
            self.busy.emit(False)
            self.results.emit(hits)

    def _failed(self, serial: int, message: str) -> None:
        if serial == self._serial:
            self.busy.emit(False)
            self.failed.emit(message)
