"""The ``quietledger`` command's entry point: start-up without the cycle collector.

Starting creates a few hundred thousand long-lived objects (SQLAlchemy's and
Qt's classes, the models, the window); the cyclic garbage collector walks them
again and again while they are made and finds no garbage among them. So it is
off while the program starts. Once the window is up (or, for a subcommand, once
everything is imported) the objects made so far are frozen out of its way, as
the CPython documentation suggests for ``gc.freeze``. A subcommand then turns
the collector on again; the window instead collects on its own thread
(``desktop.ui.collector``), because a worker thread must never collect Qt objects.
"""

from __future__ import annotations

import gc
import sys


def main() -> int:
    gc.disable()
    from desktop.app.cli import main as run_command
    from desktop.app.cli import opens_the_window

    if not opens_the_window(sys.argv[1:]):
        collector_on()  # a subcommand may run long; the window collects on its own
    try:
        return run_command()
    finally:
        collector_on()


def collector_on() -> None:
    """Freeze what start-up made and collect cycles again from here on."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
