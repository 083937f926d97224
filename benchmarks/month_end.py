"""How fast is the month-end workbook? One month at 3 and at 10 years; the busiest month and
a whole year beside openpyxl's floor.

    uv run python -m benchmarks.month_end [PRACTICE_FILE] [--short FILE] [--month YYYY-MM]
                                          [--runs 5] [--seed 7] [--years 10] [--clients 300]

PRACTICE_FILE is a practice to measure; without it a demo practice is generated
once and cached (see ``benchmarks.practice``). ``--short`` is the same practice
over fewer years (default: the cached 3-year demo of the same seed and clients).

First, reading the month-end reports of one month (``--month``, default the
month after the long practice's closed-through date, the month a bookkeeper
closes next) on both files, alternately: the short file is the floor, since a
month's reports should cost what the month holds, not what the years before it
hold. Then, for the busiest month and the busiest whole calendar year, reading
the reports and writing the workbook beside a floor: openpyxl writing the very
same cell values into the same sheets with no styling, no formats and a plain
save. Each figure is the best of several alternating runs, so other work on the
machine inflates it less; the comparison with the floor uses CPU time, which a
busy machine disturbs far less than wall time (the month target is wall time:
it is what the bookkeeper waits for).

Targets: the month read at 10 years within 1.25x of the same month at 3 years;
a month's whole export (read and write) under 2 s; a year's workbook within 1.5x
the floor.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a file rather than with -m
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import Workbook, load_workbook
from sqlalchemy import text
from sqlalchemy.orm import Session

from benchmarks.practice import (
    add_practice_options,
    cached_practice,
    last_activity,
    practice_for,
)
from desktop.services.books import periods
from desktop.services.month_end import workbook as month_end
from desktop.services.workspace import Workspace

MONTH_TARGET_S = 2.0
YEAR_TARGET_RATIO = 1.5
FLAT_TARGET_RATIO = 1.25
SHORT_YEARS = 3


# --- what to time ---------------------------------------------------------------------

_BUSIEST = text(
    """
    SELECT substr(txn_date, 1, {width}) AS span, COUNT(*) AS n FROM ledger_txns
    WHERE txn_date BETWEEN :first AND :last GROUP BY span ORDER BY n DESC, span LIMIT 1
    """
)


_FIRST = text("SELECT MIN(txn_date) FROM ledger_txns")


def busiest(session: Session, width: int, first: date, last: date) -> str:
    """The month (width 7) or year (width 4) with the most ledger transactions."""
    sql = text(_BUSIEST.text.format(width=width))
    return session.execute(sql, {"first": first.isoformat(), "last": last.isoformat()}).one()[0]


def floor_writer(workbook_path: Path) -> tuple[Callable[[Path], None], int]:
    """openpyxl writing the same cells as ``workbook_path``, unstyled; and the cell count."""
    loaded = load_workbook(workbook_path)
    sheets = [
        (
            ws.title,
            [
                (c.row, c.column, c.value)
                for row in ws.iter_rows()
                for c in row
                if c.value is not None
            ],
        )
        for ws in loaded
    ]

    def write(path: Path) -> None:
        workbook = Workbook()
        workbook.remove(workbook.active)
        for title, cells in sheets:
            ws = workbook.create_sheet(title)
            for row, column, value in cells:
                ws.cell(row=row, column=column, value=value)
        workbook.save(path)

    return write, sum(len(cells) for _, cells in sheets)


def best(runs: int, *timed: Callable[[], None]) -> list[tuple[float, float]]:
    """The best (wall, CPU) seconds of each function, run alternately ``runs`` times."""
    walls = [float("inf")] * len(timed)
    cpus = [float("inf")] * len(timed)
    for _ in range(runs):
        for index, function in enumerate(timed):
            wall, cpu = time.perf_counter(), time.process_time()
            function()
            walls[index] = min(walls[index], time.perf_counter() - wall)
            cpus[index] = min(cpus[index], time.process_time() - cpu)
    return list(zip(walls, cpus, strict=True))


def measure(ws: Workspace, period: month_end.Period, folder: Path, runs: int) -> dict[str, float]:
    ours, floor = folder / "ours.xlsx", folder / "floor.xlsx"
    pack = month_end.read_month_end(ws, period)
    month_end.write_month_end(pack, ours)
    write_floor, cells = floor_writer(ours)
    read, write, floor_time = best(
        runs,
        lambda: month_end.read_month_end(ws, period),
        lambda: month_end.write_month_end(pack, ours),
        lambda: write_floor(floor),
    )
    return {
        "cells": cells,
        "read": read[0],
        "write": write[0],
        "floor": floor_time[0],
        "write_cpu": write[1],
        "floor_cpu": floor_time[1],
    }


def month_to_compare(ws: Workspace) -> month_end.Period:
    """The month after the closed-through date (the next to close), else the last whole one."""
    closed = ws.read(periods.closed_through)
    if closed is not None:
        return month_end.month_of(closed + timedelta(days=1))
    last = ws.read(last_activity)
    return month_end.month_of(last.replace(day=1) - timedelta(days=1))


def flat(long: Workspace, short: Workspace, period: month_end.Period, runs: int) -> list[float]:
    """Best wall seconds reading ``period``'s reports on the long file, then the short."""
    timed = best(
        runs,
        lambda: month_end.read_month_end(long, period),
        lambda: month_end.read_month_end(short, period),
    )
    return [wall for wall, _cpu in timed]


def span(ws: Workspace) -> str:
    first = ws.read(lambda s: date.fromisoformat(str(s.execute(_FIRST).scalar_one())))
    closed = ws.read(periods.closed_through)
    shut = f", closed through {closed}" if closed else ", nothing closed"
    return f"{first} to {ws.read(last_activity)}{shut}"


def ratio(figures: dict[str, float]) -> float:
    return figures["write_cpu"] / figures["floor_cpu"]


def report(what: str, figures: dict[str, float]) -> None:
    ms = {key: f"{value * 1000:.0f} ms" for key, value in figures.items() if key != "cells"}
    print(
        f"{what}: {int(figures['cells']):,} cells\n"
        f"  wall: read {ms['read']} + write {ms['write']} = export "
        f"{sum_export(figures) * 1000:.0f} ms; unstyled openpyxl floor {ms['floor']}\n"
        f"  CPU:  write {ms['write_cpu']}; floor {ms['floor_cpu']} "
        f"(write = {ratio(figures):.2f}x floor)"
    )


def sum_export(figures: dict[str, float]) -> float:
    return figures["read"] + figures["write"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_practice_options(parser)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--short", type=Path, default=None, help="the same practice, 3 years")
    parser.add_argument("--month", default=None, help="the month to read on both (YYYY-MM)")
    args = parser.parse_args(argv)
    path, passphrase = practice_for(args)
    short_path = args.short or cached_practice(args.seed, SHORT_YEARS, args.clients)
    with (
        Workspace.open(path, passphrase=passphrase) as long,
        Workspace.open(short_path, passphrase=passphrase) as short,
    ):
        period = month_end.month(args.month) if args.month else month_to_compare(long)
        print(f"Long:  {path}, {span(long)}\nShort: {short_path}, {span(short)}")
        long_s, short_s = flat(long, short, period, args.runs)
    flat_ratio = long_s / short_s
    print(
        f"Month-end read of {period.title}: {long_s * 1000:.0f} ms on the long practice, "
        f"{short_s * 1000:.0f} ms on the short one (the floor): {flat_ratio:.2f}x"
    )
    folder = Path(tempfile.mkdtemp(prefix="quietledger-month-end-"))
    try:
        with Workspace.open(path, passphrase=passphrase) as ws:
            end = ws.read(last_activity)
            first = ws.read(lambda s: date.fromisoformat(str(s.execute(_FIRST).scalar_one())))
            busiest_month = ws.read(busiest, 7, first, end)
            full_years = (first.year + (first != date(first.year, 1, 1)), end.year - 1)
            if full_years[0] > full_years[1]:
                raise SystemExit("the practice has no whole calendar year to export")
            busiest_year = ws.read(
                busiest, 4, date(full_years[0], 1, 1), date(full_years[1], 12, 31)
            )
            print(f"Practice: {path}, {first} to {end}; best of {args.runs} runs")
            month = measure(ws, month_end.month(busiest_month), folder, args.runs)
            year = measure(ws, month_end.year(int(busiest_year)), folder, args.runs)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report(f"Busiest month {busiest_month}", month)
    report(f"Busiest year {busiest_year}", year)
    flat_ok = flat_ratio <= FLAT_TARGET_RATIO
    print(
        f"Target: {period.title} read within {FLAT_TARGET_RATIO}x of the short practice's: "
        f"{'met' if flat_ok else 'MISSED'} ({flat_ratio:.2f}x)"
    )
    month_ok = sum_export(month) < MONTH_TARGET_S
    year_ok = ratio(year) <= YEAR_TARGET_RATIO
    print(
        f"Target: a month's export under {MONTH_TARGET_S:.0f} s: "
        f"{'met' if month_ok else 'MISSED'} ({sum_export(month):.2f} s)"
    )
    print(
        f"Target: a year's workbook within {YEAR_TARGET_RATIO}x the floor: "
        f"{'met' if year_ok else 'MISSED'} ({ratio(year):.2f}x CPU time)"
    )
    return 0 if flat_ok and month_ok and year_ok else 1


if __name__ == "__main__":
    sys.exit(main())
