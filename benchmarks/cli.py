"""Command start-up: ``--version`` and ``report aging`` beside their floors, in one run.

    uv run python benchmarks/cli.py [PRACTICE_FILE] [--runs 7]

Each command is timed as a user runs it: a fresh process, from spawn to exit, the
median of ``--runs``. The floors are measured in the same run: a bare
``python -c pass``; ``python -c "import sqlalchemy"``, which a command that opens
the books through the workspace must load; and, in this process, the two things
``report aging`` cannot skip: unlocking the file (its key file's passphrase
stretching) and the aging query on a raw connection just opened. ``report aging``
reads on a raw connection without SQLAlchemy (``PlainBooks``); the same report read
through the workspace, as every other report is, is timed beside it for scale.
Targets: ``--version`` under 60 ms, ``report aging`` under 0.3 s.

The practice file (a ten-year demo by default, see ``benchmarks.practice``) is
copied to a scratch folder first: opening a file may rewrap its key file or
upgrade its schema, and the original is never written.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a file rather than with -m
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.practice import add_practice_options, last_activity, practice_for
from db import keys
from desktop.services.books.aging import aging_table
from desktop.services.plain_books import PlainBooks
from desktop.services.unlocking import unlock
from desktop.services.workspace import Workspace

VERSION_TARGET_MS = 60.0
AGING_TARGET_MS = 300.0
# ``report aging`` as it was read before it had a road of its own: through the workspace.
THROUGH_WORKSPACE = """
import sys
from datetime import date
from pathlib import Path
from desktop.reports.tabular import write_csv
from desktop.services.books.report_tables import aging_table
from desktop.services.workspace import Workspace
with Workspace.open(Path(sys.argv[1]), passphrase=sys.argv[2]) as ws:
    table = ws.read(aging_table, date.fromisoformat(sys.argv[3]))
write_csv(table, sys.stdout)
"""


def wall_ms(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000


def median_ms(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_practice_options(parser)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    original, passphrase = practice_for(args)
    scratch = Path(tempfile.mkdtemp(prefix="quietledger-cli-"))
    try:
        practice = scratch / "books.qlb"
        shutil.copyfile(original, practice)
        shutil.copyfile(keys.key_file_for(original), keys.key_file_for(practice))
        return measure(practice, passphrase, scratch, args.runs)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def measure(practice: Path, passphrase: str, scratch: Path, runs: int) -> int:
    env = {**os.environ, "QUIETLEDGER_PASSPHRASE": passphrase}
    env["QUIETLEDGER_HOME"] = str(scratch / "home")
    # As on a user's machine, compiled bytecode is kept after the first start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with Workspace.open(practice, passphrase=passphrase) as ws:  # upgraded once, if it must be
        as_of = ws.read(last_activity)
    python = sys.executable
    script = str(Path(python).with_name("quietledger"))
    commands = {
        "bare": [python, "-c", "pass"],
        "sqlalchemy": [python, "-c", "import sqlalchemy"],
        "version": [python, "-m", "desktop", "--version"],
        "script": [script, "--version"],
        "aging": [
            *(python, "-m", "desktop", "report", "aging"),
            *("--as-of", as_of.isoformat(), "--db", str(practice)),
        ],
        "workspace": [
            *(python, "-c", THROUGH_WORKSPACE),
            *(str(practice), passphrase, as_of.isoformat()),
        ],
    }
    load_before = os.getloadavg()[0]
    for cmd in commands.values():  # write the bytecode, warm the file cache
        wall_ms(cmd, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):  # interleaved, so a burst of load falls on every figure alike
        for name, cmd in commands.items():
            times[name].append(wall_ms(cmd, env))
    ms = {name: statistics.median(values) for name, values in times.items()}

    envelope = keys.read_envelope(practice)

    def stretch_key() -> float:
        start = time.perf_counter()
        envelope.open(passphrase)
        return (time.perf_counter() - start) * 1000

    def query_after_open() -> float:
        with PlainBooks(unlock(practice, passphrase=passphrase)) as books:
            assert books.plain, "the file is not one the raw road reads"
            start = time.perf_counter()
            books.read(aging_table, as_of)
            return (time.perf_counter() - start) * 1000

    unlock_ms = median_ms(runs, stretch_key)
    query_ms = median_ms(runs, query_after_open)
    load_after = os.getloadavg()[0]

    floor_aging = ms["bare"] + unlock_ms + query_ms
    version_ok = ms["version"] < VERSION_TARGET_MS
    aging_ok = ms["aging"] < AGING_TARGET_MS
    size_mb = practice.stat().st_size / 2**20
    print(f"{size_mb:.0f} MB practice file, as of {as_of}; median of {runs} runs")
    print(f"load average {load_before:.1f} before, {load_after:.1f} after")
    print(f"floor: python -c pass                       {ms['bare']:7.1f} ms")
    print(f"floor: python -c 'import sqlalchemy'        {ms['sqlalchemy']:7.1f} ms")
    print(
        f"quietledger --version (python -m desktop)   {ms['version']:7.1f} ms  "
        f"{ms['version'] / ms['bare']:.1f}x bare  target < {VERSION_TARGET_MS:.0f} ms  "
        f"{'OK' if version_ok else 'MISSED'}"
    )
    print(f"quietledger --version (console script)      {ms['script']:7.1f} ms")
    if envelope.kdf == "scrypt":
        stretch = f"scrypt n=2**{envelope.n.bit_length() - 1}, r={envelope.r}"
    else:
        stretch = f"argon2id {envelope.memory_kib // 1024} MiB, t={envelope.iterations}"
    print(f"floor: unlock ({stretch})".ljust(44) + f"{unlock_ms:7.1f} ms")
    print(f"floor: aging query, raw connection opened   {query_ms:7.1f} ms")
    print(f"floor: python + unlock + query              {floor_aging:7.1f} ms")
    print(
        f"quietledger report aging                    {ms['aging']:7.1f} ms  "
        f"{ms['aging'] / floor_aging:.2f}x floor  target < {AGING_TARGET_MS:.0f} ms  "
        f"{'OK' if aging_ok else 'MISSED'}"
    )
    print(
        f"  the same, read through the workspace      {ms['workspace']:7.1f} ms  "
        f"{ms['workspace'] / floor_aging:.2f}x floor"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
