"""Creating the demo practice file: made-up clients, passphrase ``demo``."""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path

from desktop.demo.defaults import DEFAULT_CLIENTS, DEFAULT_YEARS
from desktop.demo.practice import DEMO_PASSPHRASE, DemoSummary, Progress, generate_demo
from desktop.services.workspace import Workspace


def create_demo_file(
    path: Path,
    *,
    seed: int = 7,
    years: int = DEFAULT_YEARS,
    clients: int = DEFAULT_CLIENTS,
    end: date | None = None,
    progress: Progress | None = None,
) -> DemoSummary:
    """Write a new demo practice at ``path``; a failure or cancel (``progress`` returning
    False: ``DemoCancelled``) leaves no file behind."""
    partial = path.with_name(f".{path.name}.creating")
    for leftover in (partial, partial.with_name(partial.name + ".keys")):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
    try:
        with Workspace.create(partial, DEMO_PASSPHRASE, allow_weak=True) as ws:
            summary = generate_demo(
                ws, seed=seed, years=years, clients=clients, end=end, progress=progress
            )
        # The key file names the database it belongs beside; move both, key file last.
        partial.rename(path)
        partial.with_name(partial.name + ".keys").rename(path.with_name(path.name + ".keys"))
    except BaseException:
        for leftover in (
            partial,
            partial.with_name(partial.name + ".keys"),
            partial.with_name(partial.name + ".lock"),
        ):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        raise
    with contextlib.suppress(FileNotFoundError):
        partial.with_name(partial.name + ".lock").unlink()
    return summary
