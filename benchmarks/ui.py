"""Page opening and typing in the client search, on a large practice beside the 3-year demo.

    uv run python benchmarks/ui.py [--years 6] [--clients 150] [--runs 7] [--large FILE]

With ``--large``, an existing practice file (such as one made with
``quietledger demo --years 10 --clients 300``) is measured as the large one;
``--years``/``--clients`` then only label it.

Opening a page is timed from the navigation click until its first rows are
shown (events processed); a keystroke from the search text changing until the
filtered list is shown. Targets: under 200 ms per page open, 50 ms per keystroke.
Demo files are slow to make, so they are cached in the temp folder, keyed by
their size and today's date (the Sessions page shows this week).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from desktop.app.demo_file import create_demo_file
from desktop.demo.practice import DEMO_PASSPHRASE
from desktop.services.workspace import Workspace


def practice(years: int, clients: int) -> Path:
    folder = Path(tempfile.gettempdir()) / "quietledger-bench"
    folder.mkdir(exist_ok=True)
    path = folder / f"demo-{years}y-{clients}c-{date.today():%Y%m%d}.qlb"
    if not path.exists():
        started = time.perf_counter()
        create_demo_file(path, years=years, clients=clients)
        print(f"  (made {path.name} in {time.perf_counter() - started:.0f} s)")
    return path


def measure(path: Path, runs: int) -> dict[str, float]:
    from desktop.ui.collector import UiThreadCollector
    from desktop.ui.interaction import DialogInteraction
    from desktop.ui.main_window import MainWindow
    from desktop.ui.runner import ActionRunner

    app = QApplication.instance() or QApplication([])
    ws = Workspace.open(path, passphrase=DEMO_PASSPHRASE)
    runner = ActionRunner(ws, DialogInteraction())
    window = MainWindow(
        runner, lambda *_a: ws, str(path), DialogInteraction(), remember_geometry=False
    )
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    # As the window does (desktop.app.gui): cycles are collected by a timer on this
    # thread, and what start-up made is frozen out of the collector's way.
    UiThreadCollector(app)
    gc.freeze()
    results: dict[str, float] = {}
    for page_id in ("clients", "sessions"):
        page = window.page(page_id)
        assert page is not None
        times = []
        for _ in range(runs):
            window.show_page("settings")
            app.processEvents()
            page.mark_stale()
            started = time.perf_counter()
            window.show_page(page_id)
            app.processEvents()
            times.append(time.perf_counter() - started)
            assert page.model.rowCount() > 0, f"{page_id} showed no rows"  # type: ignore[attr-defined]
        results[f"open {page_id}"] = statistics.median(times) * 1000
    clients = window.page("clients")
    window.show_page("clients")
    app.processEvents()
    search = clients.search  # type: ignore[union-attr]
    times = []
    for _ in range(runs):
        search.clear()
        app.processEvents()
        for text in ("a", "an", "ann", "anna", "ann", "an", "a", ""):
            started = time.perf_counter()
            search.setText(text)
            app.processEvents()
            times.append(time.perf_counter() - started)
    results["keystroke"] = statistics.median(times) * 1000
    results["keystroke max"] = max(times) * 1000
    window.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=6)
    parser.add_argument("--clients", type=int, default=150)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--large", type=Path, help="an existing large practice file (passphrase 'demo') to use"
    )
    args = parser.parse_args()
    sizes = [(3, 40), (args.years, args.clients)]
    labels = ["3y/40c", args.large.stem if args.large else f"{args.years}y/{args.clients}c"]
    table = {}
    for years, clients in sizes:
        large = args.large if (years, clients) != (3, 40) else None
        print(f"{large or f'{years}-year practice, {clients} clients'}:")
        table[(years, clients)] = measure(large or practice(years, clients), args.runs)
    print(f"\n{'median ms':<16}" + "".join(label.rjust(12) for label in labels) + "  target")
    targets = {"open clients": 200, "open sessions": 200, "keystroke": 50, "keystroke max": 50}
    for name, target in targets.items():
        cells = "".join(f"{table[size][name]:12.1f}" for size in sizes)
        print(f"{name:<16}{cells}  {target}")


if __name__ == "__main__":
    main()
