"""How long does posting a payment take on a ten-year practice? Prints figures.

    uv run python -m benchmarks.posting [PRACTICE_FILE] [--runs 50] [--profile]
                                        [--seed 7] [--years 10] [--clients 300]

Each run is one user action as the app does it: ``payments.record_payment``
through ``Workspace.run`` (one transaction, committed and synced to disk),
applying the money oldest charge first. Runs go to a copy of the practice (see
``benchmarks.practice``), so the file stays as it was. Clients who owe money are
used in turn, so every payment is really applied. The floor, in the same run and
on the same copy, is the smallest durable transaction: one row inserted into a
scratch table and committed.

Target: median under 50 ms.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

if __package__ in (None, ""):  # run as a file rather than with -m
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from benchmarks.practice import add_practice_options, first_postable_day, practice_for
from db.models import PaymentMethod
from desktop.services.books import payments
from desktop.services.books import queries as books
from desktop.services.books.payments import PaymentInput
from desktop.services.workspace import Workspace

TARGET_MS = 50.0
AMOUNT = Decimal("40.00")  # less than any fee, so each payment lands on an open charge
WARM_UP = 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_practice_options(parser)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--profile", action="store_true", help="print where the time goes")
    args = parser.parse_args(argv)

    path, passphrase = practice_for(args)
    scratch = Path(tempfile.mkdtemp(prefix="quietledger-posting-"))
    try:
        with Workspace.open(path, passphrase=passphrase) as source:
            source.practice_file.copy_to(scratch / "practice.qlb")
        with Workspace.open(scratch / "practice.qlb", passphrase=passphrase) as ws:
            return _measure(ws, args.runs, args.profile)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _cash(session: Session) -> int:
    cash = select(PaymentMethod.id).where(PaymentMethod.name == "Cash")
    return session.execute(cash).scalar_one()


def _floor_row(session: Session) -> None:
    session.execute(text("CREATE TABLE IF NOT EXISTS benchmark_floor (x INTEGER)"))
    session.execute(text("INSERT INTO benchmark_floor (x) VALUES (1)"))


def _measure(ws: Workspace, runs: int, profile: bool) -> int:
    on = ws.read(first_postable_day)
    owing = [row.unit_id for row in ws.read(books.aging, on).rows]
    if not owing:
        raise SystemExit("nobody owes anything in the practice; nothing to apply")
    cash = ws.read(_cash)
    profiler = cProfile.Profile() if profile else None
    times: list[float] = []
    floor: list[float] = []
    for index in range(WARM_UP + runs):
        data = PaymentInput(owing[index % len(owing)], on, AMOUNT, cash, reference=f"b{index}")
        if profiler and index >= WARM_UP:
            profiler.enable()
        started = time.perf_counter()
        posted = ws.run(payments.record_payment, data)
        elapsed = (time.perf_counter() - started) * 1000
        if profiler:
            profiler.disable()
        assert posted.applied > 0, "the payment was not applied to a charge"
        started = time.perf_counter()
        ws.run(_floor_row)
        floor_elapsed = (time.perf_counter() - started) * 1000
        if index >= WARM_UP:
            times.append(elapsed)
            floor.append(floor_elapsed)
    problems = ws.read(books.ledger_problems)
    assert not problems, problems

    median = statistics.median(times)
    p90 = statistics.quantiles(times, n=10)[-1]
    ok = median < TARGET_MS
    print(f"Posting a payment with its allocation, {runs} runs over {len(owing)} owing clients:")
    low, high = min(times), max(times)
    print(f"  median {median:.1f} ms   p90 {p90:.1f}   min {low:.1f}   max {high:.1f}")
    floor_median = statistics.median(floor)
    print(
        f"  floor (one row committed): median {floor_median:.1f} ms; "
        f"posting = {median / floor_median:.1f}x the floor"
    )
    print(f"  target median < {TARGET_MS:.0f} ms: {'met' if ok else 'MISSED'}")
    print("  the books still hold after the postings (ledger_problems is empty)")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
