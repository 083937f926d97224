"""How long the demo practice takes to write, against the same rows inserted with no logic.

    uv run python benchmarks/demo.py                          # the window's first-launch demo
    uv run python benchmarks/demo.py --years 10 --clients 300  # the ten-year practice

Writes the demo into a temporary folder with ``create_demo_file`` (as ``quietledger
demo`` and the window's first launch do), timing each step it reports. The floor,
measured in the same run, copies every row the demo wrote into a new practice file in
one transaction: the same number of rows through the same encryption, indexes and
triggers, with no rules, no planning and no documents to render. CPU time is the
figure compared: on a shared machine other processes stretch wall time but not the
CPU time this one spends.

Targets: the first-launch demo under 15 s; ten years of 300 clients under 2 minutes.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

if __package__ in (None, ""):  # run as a file rather than with -m
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy.orm import Session

from db.models.base import Base
from desktop.app.demo_file import create_demo_file
from desktop.demo.defaults import DEFAULT_CLIENTS, DEFAULT_YEARS
from desktop.demo.practice import DEMO_PASSPHRASE
from desktop.services.workspace import Workspace

TARGET_DEFAULT_S = 15.0
TARGET_TEN_YEARS_S = 120.0
END = date(2026, 10, 15)  # a fixed day, so every run writes the same books
WRITTEN_BY_TRIGGER = {"unit_balances"}  # kept by a trigger as splits are inserted

Rows = dict[str, tuple[list[str], list[tuple[object, ...]]]]


class Clock:
    """CPU and wall time since it started, and at each step the demo reports."""

    def __init__(self) -> None:
        self.cpu, self.wall = time.process_time(), time.perf_counter()
        self.steps: dict[str, tuple[float, float]] = {}  # step: (cpu, wall) when it began

    def elapsed(self) -> tuple[float, float]:
        return time.process_time() - self.cpu, time.perf_counter() - self.wall

    def heard(self, what: str, _done: int, _total: int) -> bool:
        self.steps.setdefault(what, self.elapsed())
        return True


def build_demo(path: Path, seed: int, years: int, clients: int) -> tuple[Clock, str]:
    clock = Clock()
    summary = create_demo_file(
        path, seed=seed, years=years, clients=clients, end=END, progress=clock.heard
    )
    clock.steps["done"] = clock.elapsed()
    made = (
        f"{summary.clients} clients in {summary.units} units, {summary.sessions} sessions, "
        f"{summary.payments} payments"
    )
    return clock, made


def _read_rows(session: Session) -> Rows:
    """Every table's rows as the driver stores them."""
    rows: Rows = {}
    connection = session.connection()
    for table in Base.metadata.sorted_tables:
        result = connection.exec_driver_sql(f'SELECT * FROM "{table.name}"')
        rows[table.name] = (list(result.keys()), [tuple(row) for row in result])
    return rows


def _insert_rows(session: Session, rows: Rows) -> None:
    connection = session.connection()
    for name, (columns, values) in rows.items():
        if name in WRITTEN_BY_TRIGGER or not values:
            continue
        listed = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        connection.exec_driver_sql(
            f'INSERT INTO "{name}" ({listed}) VALUES ({marks})',
            values,
        )


def floor(demo: Path, copy: Path) -> tuple[float, float, int]:
    """Insert every row of ``demo`` into a new file in one transaction: (cpu, wall, rows)."""
    with Workspace.open(demo, passphrase=DEMO_PASSPHRASE) as ws:
        rows = ws.read(_read_rows)
    count = sum(len(values) for _, values in rows.values())
    with Workspace.create(copy, DEMO_PASSPHRASE, allow_weak=True) as ws:
        cpu, wall = time.process_time(), time.perf_counter()
        ws.run(_insert_rows, rows)
        return time.process_time() - cpu, time.perf_counter() - wall, count


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--years", type=int, default=DEFAULT_YEARS)
    parser.add_argument("--clients", type=int, default=DEFAULT_CLIENTS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="quietledger-demo-bench-") as folder:
        demo = Path(folder) / "demo.qlb"
        clock, made = build_demo(demo, args.seed, args.years, args.clients)
        floor_cpu, floor_wall, rows = floor(demo, Path(folder) / "floor.qlb")
    cpu, wall = clock.steps["done"]
    print(f"demo: {args.years} years, about {args.clients} clients at a time, seed {args.seed}")
    print(f"  {made}; {rows} rows in all")
    print("CPU time (wall time in brackets):")
    marks = list(clock.steps.items())
    for (what, (at_cpu, at_wall)), (_, (next_cpu, next_wall)) in itertools.pairwise(marks):
        print(f"  {what + ':':52s} {next_cpu - at_cpu:6.1f} s  ({next_wall - at_wall:.1f})")
    print(f"  {'creating the encrypted file:':52s} {marks[0][1][0]:6.1f} s")
    print(f"  {'demo, end to end:':52s} {cpu:6.1f} s  ({wall:.1f})")
    print(f"  {'floor, the same rows with no logic:':52s} {floor_cpu:6.1f} s  ({floor_wall:.1f})")
    print(f"  ratio: {cpu / floor_cpu:.1f}x the floor")
    targets = {
        (DEFAULT_YEARS, DEFAULT_CLIENTS): TARGET_DEFAULT_S,
        (10, 300): TARGET_TEN_YEARS_S,
    }
    target = targets.get((args.years, args.clients))
    if target is None:
        print("no target for this size (targets: the default demo, and 10 years of 300)")
    else:
        print(f"target: < {target:.0f} s {'met' if cpu < target else 'MISSED'} (CPU time)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
