"""How fast is an import refused, and how long does moving a whole practice take? Prints
figures beside their floors.

    uv run python -m benchmarks.imports [PRACTICE_FILE] [--rows 100001] [--skip-folder]
                                        [--folder EXPORT_DIR] [--skip-refusal]
                                        [--seed 7] [--years 10] [--clients 300]

1. Refusal: a payments file of ``--rows`` rows whose last row has an impossible date,
   checked as the wizard's Check and ``import --dry-run`` do (``preview_import``) in a
   new practice of 20 clients. Target: under 10 s for 100,001 rows.
2. Moving in: ``export all`` of the practice (a ten-year demo by default, see
   ``benchmarks.practice``), then ``import all`` of that folder into a new file, one
   transaction. Target: under 2 minutes. ``--folder`` imports a folder ``export all``
   wrote already (the export of ten years takes minutes of its own).

Floors, in the same run: plain ``csv`` parsing of the same files, and a bulk SQL
insert of their rows (every cell as text) into a scratch table of the same kind of
file, in one transaction. Each figure is printed with its ratio to the floors, which
hold when the machine is shared and the seconds do not.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a file rather than with -m
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text
from sqlalchemy.orm import Session

from benchmarks.practice import add_practice_options, practice_for
from desktop.services.clients.people import ClientInput, create_client
from desktop.services.practice.settings import Profile, create_practice
from desktop.services.transfer.exporting import export_all
from desktop.services.transfer.importing import ImportKind, preview_import
from desktop.services.transfer.importing.everything import import_folder
from desktop.services.workspace import Workspace

REFUSAL_TARGET_S = 10.0
FOLDER_TARGET_S = 120.0
PASSPHRASE = "benchmark passphrase, not a secret"
CLIENTS = 20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_practice_options(parser)
    parser.add_argument("--rows", type=int, default=100_001)
    parser.add_argument("--skip-folder", action="store_true", help="only the refusal")
    parser.add_argument("--skip-refusal", action="store_true", help="only the folder")
    parser.add_argument("--folder", type=Path, help="an export folder to import (no export)")
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="quietledger-imports-"))
    try:
        ok = True
        if not args.skip_refusal:
            ok = _refusal(scratch, args.rows)
        if args.folder is not None:
            ok = _moving_in(scratch, args.folder) and ok
        elif not args.skip_folder:
            path, passphrase = practice_for(args)
            ok = _folder(scratch, path, passphrase) and ok
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0 if ok else 1


def _new_practice(path: Path) -> Workspace:
    ws = Workspace.create(path, PASSPHRASE)
    ws.run(create_practice, Profile(practice_name="Benchmark"), user_name="Benchmark")
    return ws


def _timed(work) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def _parse(files: list[Path]) -> int:
    rows = 0
    for file in files:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            rows += sum(1 for _ in csv.reader(handle))
    return rows


def _bulk_insert(ws: Workspace, files: list[Path]) -> None:
    """Every data row of every file into one scratch table, cells joined as text."""

    def insert(session: Session) -> None:
        session.execute(text("CREATE TABLE IF NOT EXISTS benchmark_rows (f TEXT, cells TEXT)"))
        for file in files:
            with file.open(encoding="utf-8-sig", newline="") as handle:
                rows = [{"f": file.stem, "cells": "\x1f".join(r)} for r in csv.reader(handle)]
            if rows[1:]:  # a file with its header only (no estimates owed) has nothing
                session.execute(text("INSERT INTO benchmark_rows VALUES (:f, :cells)"), rows[1:])

    ws.run(insert)


def _line(name: str, seconds: float, target: float | None = None) -> None:
    verdict = ""
    if target is not None:
        verdict = f"  (target {target:.0f} s: {'met' if seconds <= target else 'NOT met'})"
    print(f"  {name:<44} {seconds:8.2f} s{verdict}")


def _floors(ws: Workspace, files: list[Path], seconds: float) -> None:
    """The floors, measured now, and the figure as a multiple of each."""
    parsing = _timed(lambda: _parse(files))
    inserting = _timed(lambda: _bulk_insert(ws, files))
    _line("floor: csv parsing", parsing)
    _line("floor: bulk SQL insert", inserting)
    print(f"  {seconds / parsing:.0f}x csv parsing, {seconds / inserting:.1f}x the bulk insert")


def _refusal(scratch: Path, count: int) -> bool:
    print(f"A payments file of {count:,} rows, the last one bad:")
    file = scratch / "payments.csv"
    with file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["client_ref", "date", "amount", "method"])
        for n in range(count - 1):
            writer.writerow([f"B-{n % CLIENTS:03d}", "2025-03-01", "10.00", "Cash"])
        writer.writerow(["B-001", "2025-02-30", "10.00", "Cash"])
    with _new_practice(scratch / "refusal.qlb") as ws:
        for n in range(CLIENTS):
            ws.run(create_client, ClientInput(client_ref=f"B-{n:03d}", legal_last_name=f"B{n}"))
        found: list[int] = []
        seconds = _timed(
            lambda: found.append(len(ws.read(preview_import, ImportKind.PAYMENTS, file).problems))
        )
        _line(f"checked and refused ({found[0]} problem)", seconds, REFUSAL_TARGET_S)
        _floors(ws, [file], seconds)
    return found == [1] and seconds <= REFUSAL_TARGET_S


def _folder(scratch: Path, path: Path, passphrase: str) -> bool:
    out = scratch / "export"
    with Workspace.open(path, passphrase=passphrase) as source:
        exported = _timed(lambda: source.read(export_all, out))
    _line(f"export all of {path.name}", exported)
    return _moving_in(scratch, out)


def _moving_in(scratch: Path, out: Path) -> bool:
    files = sorted(out.glob("*.csv"))
    rows = _parse(files) - len(files)
    print(f"Moving {out} in: {len(files)} files, {rows:,} rows")
    with _new_practice(scratch / "moved.qlb") as ws:
        seconds = _timed(lambda: ws.run(import_folder, out))
        _line("import all, one transaction", seconds, FOLDER_TARGET_S)
        _floors(ws, files, seconds)
    return seconds <= FOLDER_TARGET_S


if __name__ == "__main__":
    raise SystemExit(main())
