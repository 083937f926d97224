"""One diagnosis look-up in a fresh process: through the code index vs. parsing the package.

    uv run python benchmarks/icd.py [--runs 3]

Each case runs in its own process (so that nothing is already imported or cached
in memory) and prints the time its work took and the process's peak resident
memory. The floor is a bare interpreter with sqlite3 imported; the baseline is
what every look-up cost before the index: ``import simple_icd_10_cm`` (it parses
the whole code set) and one ``get_description``. The index cases use a fresh
QUIETLEDGER_HOME, so the first one also pays for building the index once.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

_MEASURE = r"""
import json, resource, sys, time, warnings
start = time.perf_counter()
{work}
elapsed = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": elapsed, "peak_mb": peak_kb / 1024,
                   "package_imported": "simple_icd_10_cm" in sys.modules}}))
"""

CASES = {
    "floor: bare interpreter + sqlite3": "import sqlite3",
    "baseline: import simple_icd_10_cm + describe": (
        "warnings.simplefilter('ignore', DeprecationWarning)\n"
        "import simple_icd_10_cm as sic\n"
        "sic.get_description('F43.23'); sic.is_leaf('F43.23')"
    ),
    "index: import desktop.services.clients.icd": "from desktop.services.clients import icd",
    "index: describe('F43.23')": (
        "from desktop.services.clients import icd\nassert icd.describe('F43.23').billable"
    ),
    "index: billability('F43.2') with release": (
        "import datetime\nfrom desktop.services.clients import icd\n"
        "assert icd.billability('F43.2', datetime.date(2026, 5, 1)).known"
    ),
    "index: search('adjustment disorder')": (
        "from desktop.services.clients import icd\nassert icd.search('adjustment disorder')"
    ),
}


def measure(work: str, env: dict[str, str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE.format(work=work)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="ql-icd-"))
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "QUIETLEDGER_HOME": str(home), "PYTHONPATH": root}
    first = measure(CASES["index: describe('F43.23')"], env)
    print(
        f"{'index: first describe, building the index':46} {first['seconds'] * 1000:8.0f} ms"
        f"  {first['peak_mb']:6.0f} MB peak"
    )
    for name, work in CASES.items():
        runs = [measure(work, env) for _ in range(args.runs)]
        ms = statistics.median(r["seconds"] for r in runs) * 1000
        mb = statistics.median(r["peak_mb"] for r in runs)
        note = "  (imported the package)" if runs[0]["package_imported"] else ""
        print(f"{name:46} {ms:8.1f} ms  {mb:6.0f} MB peak{note}")
    size = sum(p.stat().st_size for p in (home / "cache").glob("icd10cm-*.sqlite"))
    print(f"index file: {size / 1e6:.1f} MB; medians of {args.runs} fresh processes")


if __name__ == "__main__":
    main()
