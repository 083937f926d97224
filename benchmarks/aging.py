"""How fast is the aging report on a ten-year practice? Prints figures; asserts answers.

    uv run python -m benchmarks.aging [PRACTICE_FILE] [--as-of DATE] [--runs 15] [--plans]
                                      [--seed 7] [--years 10] [--clients 300]

PRACTICE_FILE is a practice to measure (passphrase from $QUIETLEDGER_PASSPHRASE,
else the demo's); without it a demo practice is generated once and cached (see
``benchmarks.practice``). ``books.aging`` is timed beside a raw SQL query written
independently, straight against ledger_splits, ledger_txns and charges, in the
same run; both must give the same answer, to the cent. Once the books are
closed, ``books.aging`` starts from the balances kept at the close; it is timed
reading the whole history too. As of the file's last
activity unless --as-of says otherwise.

Targets: within 1.5x of the raw query, and under 300 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

if __package__ in (None, ""):  # run as a file rather than with -m
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.practice import add_practice_options, last_activity, practice_for
from db.queries.closed_balances import whole_history
from desktop.domain.money import to_cents
from desktop.services.books import queries as books
from desktop.services.workspace import Workspace

TARGET_MS = 300.0
TARGET_RATIO = 1.5

# Written without looking at db/queries/aging.py: every receivable split of a
# charge, dated by its transaction, summed into the bucket of the charge's age
# (Current on its date of service, then 1-30 days and so on: terms of 0 days).
RAW_AGING = text(
    """
    SELECT c.unit_id,
           SUM(CASE WHEN julianday(:as_of) - julianday(c.service_date) <= 0
                    THEN s.amount_cents ELSE 0 END),
           SUM(CASE WHEN julianday(:as_of) - julianday(c.service_date) BETWEEN 1 AND 30
                    THEN s.amount_cents ELSE 0 END),
           SUM(CASE WHEN julianday(:as_of) - julianday(c.service_date) BETWEEN 31 AND 60
                    THEN s.amount_cents ELSE 0 END),
           SUM(CASE WHEN julianday(:as_of) - julianday(c.service_date) BETWEEN 61 AND 90
                    THEN s.amount_cents ELSE 0 END),
           SUM(CASE WHEN julianday(:as_of) - julianday(c.service_date) > 90
                    THEN s.amount_cents ELSE 0 END),
           SUM(s.amount_cents)
    FROM charges AS c
    JOIN ledger_splits AS s ON s.charge_id = c.id AND s.account = 'receivable'
    JOIN ledger_txns AS t ON t.id = s.txn_id
    WHERE t.txn_date <= :as_of
    GROUP BY c.unit_id
    HAVING SUM(s.amount_cents) <> 0
    """
)


# --- measuring ------------------------------------------------------------------------


def median_ms(action: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    action()  # warm the page cache and the connection pool
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), times


def books_answer(session: Session, as_of: date) -> dict[int, tuple[int, ...]]:
    report = books.aging(session, as_of)
    return {r.unit_id: tuple(to_cents(v) for v in (*r.buckets, r.total)) for r in report.rows}


def aging_of_whole_history(session: Session, as_of: date) -> books.AgingReport:
    with whole_history(session):
        return books.aging(session, as_of)


def raw_answer(session: Session, as_of: date) -> dict[int, tuple[int, ...]]:
    rows = session.execute(RAW_AGING, {"as_of": as_of.isoformat()})
    return {row[0]: tuple(row[1:]) for row in rows}


def counts(session: Session) -> dict[str, int]:
    tables = ("billing_units", "charges", "payments", "ledger_txns", "ledger_splits")
    return {t: session.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one() for t in tables}


def query_plan(session: Session, sql: str, params: dict[str, object]) -> list[str]:
    rows = session.execute(text(f"EXPLAIN QUERY PLAN {sql}"), params)
    return [str(row[-1]) for row in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_practice_options(parser)
    parser.add_argument("--as-of", type=date.fromisoformat, default=None)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--plans", action="store_true", help="print EXPLAIN QUERY PLAN")
    args = parser.parse_args(argv)

    path, passphrase = practice_for(args)
    with Workspace.open(path, passphrase=passphrase) as ws:
        as_of = args.as_of or ws.read(last_activity)
        sizes = ws.read(counts)
        basis = ws.read(lambda s: books.aging(s, as_of).basis.value)
        if basis != "service_date":
            raise SystemExit(f"the raw query ages from the date of service, not {basis}")
        ours, raw = ws.read(books_answer, as_of), ws.read(raw_answer, as_of)
        assert ours == raw, "books.aging and the raw query disagree"
        books_ms, books_runs = median_ms(lambda: ws.read(books.aging, as_of), args.runs)
        whole_ms, _ = median_ms(lambda: ws.read(aging_of_whole_history, as_of), args.runs)
        raw_ms, raw_runs = median_ms(lambda: ws.read(raw_answer, as_of), args.runs)
        if args.plans:
            from db.queries.aging import _ALL_UNITS  # the statement books.aging runs

            params = {"as_of": as_of.isoformat(), "due_days": 0, "terms": 0, "from_service": 1}
            for name, sql in (("books.aging", _ALL_UNITS), ("raw", RAW_AGING.text)):
                print(f"\nQuery plan, {name}:")
                for line in ws.read(query_plan, sql, params):
                    print(f"  {line}")

    total = sum(row[-1] for row in ours.values())
    ratio = books_ms / raw_ms
    print(f"\nPractice: {path}")
    print("  " + ", ".join(f"{n} {t}" for t, n in sizes.items()))
    print(f"Aging as of {as_of}: {len(ours)} clients owe {total / 100:,.2f} (both answers equal)")
    print(f"  books.aging  median {books_ms:7.1f} ms  (min {min(books_runs):.1f}, n={args.runs})")
    print(f"  raw SQL      median {raw_ms:7.1f} ms  (min {min(raw_runs):.1f}, n={args.runs})")
    print(f"  books.aging, ignoring the balances kept at the last close: median {whole_ms:.1f} ms")
    ok_ratio, ok_time = ratio <= TARGET_RATIO, books_ms < TARGET_MS
    verdict = {True: "met", False: "MISSED"}
    print(f"  ratio {ratio:.2f}x (target <= {TARGET_RATIO}x): {verdict[ok_ratio]}")
    print(f"  time {books_ms:.1f} ms (target < {TARGET_MS:.0f} ms): {verdict[ok_time]}")
    return 0 if ok_ratio and ok_time else 1


if __name__ == "__main__":
    raise SystemExit(main())
