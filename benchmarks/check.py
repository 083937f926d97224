"""How fast is ``quietledger check`` on a ten-year practice, and how much memory does it take?

    uv run python -m benchmarks.check [PRACTICE_FILE] [--runs 3] [--years 10] [--clients 300]

PRACTICE_FILE is a practice to measure (passphrase from $QUIETLEDGER_PASSPHRASE,
else the demo's); without it a demo practice is generated once and cached (see
``benchmarks.practice``). Prints the whole check (``run_checks``) and its parts,
wall and CPU time (the machine may be shared: CPU time is the fairer figure),
beside a floor measured in the same run: SQLite's own three checks on a raw
connection, plus every audit row fetched and HMAC'd in a bare loop, which is the
least any check of the same things must do. Memory: the process's peak resident
size over its size before the check, and the peak of Python's own allocations.

Targets: under 5 s and 150 MB.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a file rather than with -m
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.practice import add_practice_options, practice_for
from db import keys
from desktop.services.audit import checks
from desktop.services.books.queries import ledger_problems
from desktop.services.workspace import Workspace

TARGET_SECONDS = 5.0
TARGET_MB = 150.0


def timed(work: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def best(work: Callable[[], object], runs: int) -> tuple[float, float]:
    results = [timed(work) for _ in range(runs)]
    return min(r[0] for r in results), min(r[1] for r in results)


def floor(workspace: Workspace) -> None:
    """The pragmas and a bare HMAC over every audit row: no replay, no sentences."""
    conn = workspace.practice_file.raw_connection()
    try:
        for pragma in ("cipher_integrity_check", "integrity_check", "foreign_key_check"):
            conn.execute(f"PRAGMA {pragma}").fetchall()
        key = keys.chain_key(keys.parse_recovery_key(workspace.recovery_key()))
        cursor = conn.execute("SELECT * FROM audit_log ORDER BY id")
        while batch := cursor.fetchmany(2000):
            for row in batch:
                hmac.new(key, json.dumps(list(row[1:10])).encode(), hashlib.sha256).hexdigest()
    finally:
        conn.close()


def resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_practice_options(parser)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    path, passphrase = practice_for(args)
    with Workspace.open(path, passphrase=passphrase) as ws:
        entries = ws.read(
            lambda s: s.connection().exec_driver_sql("SELECT count(*) FROM audit_log").scalar_one()
        )
        before = resident_mb()
        problems = checks.run_checks(ws)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before
        assert problems == [], problems
        tracemalloc.start()
        checks.run_checks(ws)
        python_peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        whole = best(lambda: checks.run_checks(ws), args.runs)
        parts = {
            "database (pages, integrity, keys, guards)": best(
                lambda: checks.database_problems(ws), args.runs
            ),
            "audit chain, replay and closes": best(lambda: ws.read(checks.log_problems), args.runs),
            "ledger balances": best(lambda: ws.read(ledger_problems), args.runs),
        }
        bare = best(lambda: floor(ws), args.runs)
    print(f"{path.name}: {entries} audit entries, best of {args.runs}")
    print(f"  check            {whole[0]:6.2f} s wall  {whole[1]:6.2f} s CPU")
    for name, (wall, cpu) in parts.items():
        print(f"    {name:<40} {wall:6.2f} s wall  {cpu:6.2f} s CPU")
    print(f"  floor            {bare[0]:6.2f} s wall  {bare[1]:6.2f} s CPU")
    print(f"  ratio to floor   {whole[1] / bare[1]:6.2f}x (CPU)")
    print(
        f"  memory           {peak:6.1f} MB resident above start, {python_peak:.1f} MB Python peak"
    )
    ok = whole[0] < TARGET_SECONDS and peak < TARGET_MB
    print(
        f"  target           < {TARGET_SECONDS:.0f} s and < {TARGET_MB:.0f} MB: "
        f"{'met' if ok else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
