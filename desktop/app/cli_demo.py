"""``quietledger demo``: write a realistic demo practice of made-up clients."""

from __future__ import annotations

import argparse
import sys

from desktop.app.cli_common import EXIT_OK, CliError, Subparsers, add_command, db_path, say
from desktop.demo.defaults import DEFAULT_CLIENTS, DEFAULT_YEARS
from desktop.domain.dates import us_date


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def register(subparsers: Subparsers) -> None:
    parser = add_command(
        subparsers,
        "demo",
        help="write a demo practice of made-up clients",
        description="Write a new demo practice (passphrase 'demo'): individuals, couples and a "
        "family, weekly and every-other-week sessions with cancellations and no-shows, "
        "payments by several methods, unpaid balances and credit. The same seed "
        "gives the same books.",
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument(
        "--years", type=_positive, default=DEFAULT_YEARS, help=f"years of history ({DEFAULT_YEARS})"
    )
    parser.add_argument(
        "--clients",
        type=_positive,
        default=DEFAULT_CLIENTS,
        help=f"about how many in care at a time, with turnover ({DEFAULT_CLIENTS})",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from desktop.app.demo_file import create_demo_file

    path = db_path(args)
    if path.exists():
        raise CliError(f"{path} already exists; choose another --db path.")
    if args.clients < 2:
        raise CliError("A demo practice needs at least 2 clients.")

    def progress(what: str, done: int, total: int) -> bool:
        if sys.stderr.isatty():
            print(f"\r\033[K{what}: {done} of {total}", end="", file=sys.stderr, flush=True)
        return True

    summary = create_demo_file(
        path, seed=args.seed, years=args.years, clients=args.clients, progress=progress
    )
    if sys.stderr.isatty():
        print(file=sys.stderr)
    say(
        f"Demo practice written to {path} (passphrase: demo): {summary.clients} clients, "
        f"{summary.sessions} sessions and {summary.payments} payments from "
        f"{us_date(summary.start)} to {us_date(summary.end)}."
    )
    return EXIT_OK
