"""The practice file a benchmark runs on: one named on the command line, or a demo
practice generated once and cached.

    python -m benchmarks.aging /tmp/ql-10y/demo.qlb     # an existing file (passphrase demo)
    python -m benchmarks.aging --years 10 --clients 300  # a demo generated once, then cached

The cache lives under the temp folder, keyed by the demo's parameters and by the sources
that decide its contents (demo generator, migrations), so later runs start at once. The
dates a benchmark uses (as of, the month to export, the day a payment is received) come
from the file itself, so any practice file will do.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from desktop.app.demo_file import create_demo_file
from desktop.demo.practice import DEMO_PASSPHRASE
from desktop.services.books import dates

ROOT = Path(__file__).resolve().parents[1]
CACHED_END = date(2025, 12, 31)  # fixed, so a cached practice's key does not drift


def add_practice_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "practice",
        nargs="?",
        type=Path,
        default=None,
        help="the practice file to measure (default: a demo practice generated once)",
    )
    parser.add_argument("--practice", dest="practice_flag", type=Path, default=None)
    parser.add_argument(
        "--passphrase",
        default=os.environ.get("QUIETLEDGER_PASSPHRASE", DEMO_PASSPHRASE),
        help="the file's passphrase (default: $QUIETLEDGER_PASSPHRASE, else the demo's)",
    )
    parser.add_argument("--seed", type=int, default=7, help="of the generated demo")
    parser.add_argument("--years", type=int, default=10, help="of the generated demo")
    parser.add_argument("--clients", type=int, default=300, help="of the generated demo")


def practice_for(args: argparse.Namespace) -> tuple[Path, str]:
    """The practice file to open and its passphrase."""
    named = args.practice or args.practice_flag
    if named is not None:
        if not Path(named).exists():
            raise SystemExit(f"{named} does not exist")
        return Path(named), args.passphrase
    return cached_practice(args.seed, args.years, args.clients), DEMO_PASSPHRASE


def _sources_key() -> str:
    """Changes whenever the demo generator or the schema changes."""
    digest = hashlib.sha256()
    sources = sorted((ROOT / "desktop" / "demo").glob("*.py"))
    sources += sorted((ROOT / "db" / "migrations" / "versions").glob("*.py"))
    for source in sources:
        digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


def cached_practice(seed: int, years: int, clients: int) -> Path:
    """The demo practice for these parameters, generated the first time only."""
    cache = Path(tempfile.gettempdir()) / "quietledger-bench"
    key = f"demo-s{seed}-y{years}-c{clients}-{CACHED_END.isoformat()}-{_sources_key()}"
    folder = cache / key
    path = folder / "demo.qlb"
    if path.exists():
        return path
    building = cache / f"{key}.building"
    shutil.rmtree(building, ignore_errors=True)  # a build that was interrupted
    building.mkdir(parents=True)
    print(f"Generating a {years}-year practice of {clients} clients (once)...", file=sys.stderr)
    started = time.perf_counter()
    summary = create_demo_file(
        building / "demo.qlb", seed=seed, years=years, clients=clients, end=CACHED_END
    )
    print(
        f"  {summary.units} units, {summary.sessions} sessions, {summary.payments} payments "
        f"in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    building.rename(folder)  # only a finished build is ever found under the key
    return path


def last_activity(session: Session) -> date:
    """The latest date anything in the books is dated: the practice's "today"."""
    last = session.execute(text("SELECT MAX(txn_date) FROM ledger_txns")).scalar()
    if last is None:
        raise SystemExit("the practice file has no books to measure")
    return date.fromisoformat(str(last))


def first_postable_day(session: Session) -> date:
    """A day a new entry may be dated: the last activity, or the first open day after it."""
    last = last_activity(session)
    opened = dates.first_open_day(session)
    return max(last, opened) if opened else last
