"""How fast is ``quietledger check`` on a ten-year practice, and how much memory does it take?

    uv run python -m benchmarks.check [PRACTICE_FILE] [--runs 3] [--years 10] [--clients 300]

PRACTICE_FILE is a practice to measure (passphrase from $QUIETLEDGER_PASSPHRASE,
else the demo's); without it a demo practice is generated once and cached (see
``benchmarks.practice``). Prints the command itself, end to end (``quietledger
check`` in a fresh process: its median wall time and peak memory), then the whole
check inside one process (``run_checks``, as ``check`` and as ``check --full`` run
it) and its parts, wall and CPU time, beside a floor measured in the same run:
SQLite's own checks of the same mode on a raw connection, side by side with
every audit row fetched and HMAC'd in a bare loop (as the check runs its two
halves), which is the least any check of the same things must do. The machine
may be shared: the load is printed, and the ratio to the floor is the fairer
figure.

Memory: the command's peak resident size, and inside one process how far the
peak rose during the check (the peak is reset first; unlocking the file, whose
key derivation alone takes 46 MiB by design, is not the check's), and the peak
of Python's own allocations.

Targets: ``quietledger check`` under 5 s and 150 MB.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

if __package__ in (None, ""):  # run as a file rather than with -m
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.practice import add_practice_options, practice_for
from db import keys
from desktop.services.audit import checks
from desktop.services.audit.file_checks import file_problems
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


def sqlite_floor(workspace: Workspace, *, full: bool) -> None:
    """SQLite's and SQLCipher's own checks of one mode, on a raw connection."""
    structure = "integrity_check" if full else "quick_check"
    conn = workspace.practice_file.raw_connection()
    try:
        for pragma in ("cipher_integrity_check", structure, "foreign_key_check"):
            conn.execute(f"PRAGMA {pragma}").fetchall()
    finally:
        conn.close()


def hmac_floor(workspace: Workspace) -> None:
    """Every audit row fetched and HMAC'd in a bare loop: no checks, no sentences."""
    key = keys.chain_key(keys.parse_recovery_key(workspace.recovery_key()))
    conn = workspace.practice_file.raw_connection()
    try:
        cursor = conn.execute("SELECT * FROM audit_log ORDER BY id")
        while batch := cursor.fetchmany(2000):
            for row in batch:
                hmac.new(key, json.dumps(list(row[1:10])).encode(), hashlib.sha256).hexdigest()
    finally:
        conn.close()


def floor(workspace: Workspace, *, full: bool) -> None:
    """The two floors side by side, as the check runs its two halves."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        sqlite_side = pool.submit(sqlite_floor, workspace, full=full)
        hmac_floor(workspace)
        sqlite_side.result()


def _status_mb(field: str) -> float | None:
    try:
        with open("/proc/self/status") as status:
            found = re.search(rf"^{field}:\s+(\d+) kB", status.read(), re.MULTILINE)
    except OSError:
        return None
    return int(found.group(1)) / 1024 if found else None


def peak_growth_mb(work: Callable[[], object]) -> float:
    """How far the resident peak rose above the size before ``work`` (Linux: the peak is
    reset through /proc; elsewhere the process's lifetime peak is all there is)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")  # resets VmHWM, the resident peak
    except OSError:
        pass
    before = _status_mb("VmRSS") or 0.0
    work()
    peak = _status_mb("VmHWM")
    if peak is None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return peak - before


def database(workspace: Workspace, *, full: bool) -> None:
    file_problems(workspace.practice_file.raw_connection, full=full)


def command(path: Path, passphrase: str, runs: int) -> tuple[float, float]:
    """``quietledger check`` in fresh processes: median wall seconds and peak MB."""
    env = {**os.environ, "QUIETLEDGER_PASSPHRASE": passphrase}
    argv = [sys.executable, "-m", "desktop", "check", "--db", str(path)]
    walls, peaks = [], []
    for _ in range(runs):
        start = time.perf_counter()
        child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL)
        _pid, status, usage = os.wait4(child.pid, 0)
        walls.append(time.perf_counter() - start)
        peaks.append(usage.ru_maxrss / 1024)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"quietledger check found problems in {path}")
    return statistics.median(walls), max(peaks)


def load() -> str:
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_practice_options(parser)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    path, passphrase = practice_for(args)
    load_before = load()
    whole, whole_peak = command(path, passphrase, max(args.runs, 5))
    with Workspace.open(path, passphrase=passphrase) as ws:
        entries = ws.read(
            lambda s: s.connection().exec_driver_sql("SELECT count(*) FROM audit_log").scalar_one()
        )
        unlock_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        found: list[str] = []
        growth = peak_growth_mb(lambda: found.extend(checks.run_checks(ws, full=False)))
        assert found == [], found
        tracemalloc.start()
        checks.run_checks(ws, full=False)
        python_peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        rows = {
            "check": best(lambda: checks.run_checks(ws, full=False), args.runs),
            "  its floor": best(lambda: floor(ws, full=False), args.runs),
            "check --full": best(lambda: checks.run_checks(ws, full=True), args.runs),
            "  its floor ": best(lambda: floor(ws, full=True), args.runs),
        }
        parts = {
            "SQLite and SQLCipher, quick": best(lambda: database(ws, full=False), 1),
            "SQLite and SQLCipher, full": best(lambda: database(ws, full=True), 1),
            "audit chain, replay and closes": best(lambda: ws.read(checks.log_problems), 1),
            "ledger balances": best(lambda: ws.read(ledger_problems), 1),
            "floor: bare HMAC of every entry": best(lambda: hmac_floor(ws), 1),
        }
    print(f"{path.name}: {entries} audit entries, best of {args.runs}")
    print(f"  load average    {load_before} before, {load()} after (2 or more: a busy machine)")
    print(
        f"  quietledger check (the command, median of {max(args.runs, 5)}): {whole:.2f} s wall, "
        f"peak {whole_peak:.0f} MB"
    )
    for name, (wall, cpu) in rows.items():
        print(f"  {name:<15} {wall:6.2f} s wall  {cpu:6.2f} s CPU")
    quick, quick_floor = rows["check"], rows["  its floor"]
    full, full_floor = rows["check --full"], rows["  its floor "]
    print(
        f"  ratio to floor  {quick[0] / quick_floor[0]:6.2f}x wall (check), "
        f"{full[0] / full_floor[0]:.2f}x (check --full)"
    )
    print("  parts, one run each, one after another:")
    for name, (wall, cpu) in parts.items():
        print(f"    {name:<34} {wall:6.2f} s wall  {cpu:6.2f} s CPU")
    print(
        f"  memory          {growth:6.1f} MB resident peak above the start of the check, "
        f"{python_peak:.1f} MB Python peak"
    )
    print(f"{'':18}(the process's peak before it, opening the file: {unlock_peak:.0f} MB)")
    ok = whole < TARGET_SECONDS and whole_peak < TARGET_MB
    print(
        f"  target          quietledger check < {TARGET_SECONDS:.0f} s and < {TARGET_MB:.0f} MB: "
        f"{'met' if ok else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
