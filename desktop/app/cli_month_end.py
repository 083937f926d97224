"""``quietledger month-end``, ``close-month`` and ``reopen``: the bookkeeper's month.

``month-end`` writes the workbook and prints the roll-forward tie-out;
``close-month`` prints each check and closes only when all pass (exit 1 when
one fails); ``reopen`` moves the closed-through date back, with a reason.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.app.cli_common import (
    EXIT_FAILED,
    EXIT_OK,
    Subparsers,
    UsageError,
    add_command,
    db_path,
    expand_path,
    open_workspace,
    say,
)
from desktop.app.cli_report import iso_date
from desktop.domain.dates import us_date
from desktop.services.errors import InvalidInput

if TYPE_CHECKING:
    from desktop.services.month_end.workbook import Period


def _month(text: str) -> Period:
    # Called only while parsing month-end or close-month, which load the workbook anyway.
    from desktop.services.month_end.workbook import month

    try:
        return month(text)
    except InvalidInput as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(subparsers: Subparsers) -> None:
    parser = add_command(
        subparsers,
        "month-end",
        help="write the month-end workbook (XLSX) and print the A/R tie-out",
        description=(
            "Write the month-end workbook: a cover sheet whose A/R roll-forward ties out, "
            "then aging, roll-forward, income, charges by service, write-offs, client "
            "credit and refunds. Clients appear by reference and initials unless "
            "--full-names is given."
        ),
    )
    parser.add_argument(
        "--month", type=_month, required=True, metavar="YYYY-MM", help="the month, e.g. 2026-03"
    )
    parser.add_argument(
        "--out", type=expand_path, required=True, metavar="FILE.xlsx", help="the workbook"
    )
    parser.add_argument(
        "--full-names",
        action="store_true",
        help="name clients in full (riskier: a lost copy shows who is in therapy)",
    )
    parser.set_defaults(handler=run_month_end)

    parser = add_command(
        subparsers,
        "close-month",
        help="check the month and close the books through its last day",
        description=(
            "Run the month-end checks (the roll-forward ties, the file check passes, every "
            "unapplied payment is client credit) and, only when all pass, close the books "
            "through the month's last day: nothing dated in it can be posted afterwards."
        ),
    )
    parser.add_argument(
        "--month", type=_month, required=True, metavar="YYYY-MM", help="the month, e.g. 2026-03"
    )
    parser.set_defaults(handler=run_close_month)

    parser = add_command(
        subparsers,
        "reopen",
        help="reopen closed books back to a date, with a reason",
        description="Move the closed-through date back (or open everything); the reason is "
        "kept in the audit trail.",
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument(
        "--to", type=iso_date, metavar="DATE", help="keep the books closed through this day"
    )
    where.add_argument("--all", action="store_true", help="open every period")
    parser.add_argument("--reason", required=True, help="why the books are reopened")
    parser.set_defaults(handler=run_reopen)


def _check_out(args: argparse.Namespace) -> None:
    out: Path = args.out
    if out.suffix.lower() != ".xlsx":
        raise UsageError("The month-end workbook is an XLSX file: name it FILE.xlsx.")
    if not out.parent.is_dir():
        raise UsageError(f"The folder {out.parent} does not exist; create it or choose another.")
    practice = db_path(args)
    # The practice file's companions (key file, lock) share its name: never write over one.
    if out.parent.resolve() == practice.parent.resolve() and out.name.startswith(practice.name):
        raise UsageError(f"--out would overwrite {out.name}; choose another file name.")


def run_month_end(args: argparse.Namespace) -> int:
    from desktop.services.month_end.workbook import export_month_end

    _check_out(args)  # before the passphrase is asked for, so a typo costs nothing
    period: Period = args.month
    with open_workspace(args) as ws:
        done = export_month_end(ws, period, args.out, full_names=args.full_names)
    say(done.tie_out)
    say(
        f"Wrote the month-end workbook for {period.title} "
        f"({len(done.sheets)} sheets) to {args.out}."
    )
    if args.full_names:
        print(
            "This workbook names clients in full; keep it as private as the practice file.",
            file=sys.stderr,
            flush=True,
        )
    return EXIT_OK if done.ties else EXIT_FAILED


def run_close_month(args: argparse.Namespace) -> int:
    from desktop.services.month_end.close import close_month

    period: Period = args.month
    with open_workspace(args) as ws:
        result = close_month(ws, period)
    for check in result.checks:
        say(f"{'PASS' if check.passed else 'FAIL'}  {check.name}: {check.sentence}")
    if not result.closed:
        say(f"{period.title} was not closed; fix what failed and run close-month again.")
        return EXIT_FAILED
    assert result.closed_through is not None
    say(f"Closed the books through {us_date(result.closed_through)}.")
    if result.chain_head is not None:
        number, digest = result.chain_head
        say(f"Audit chain head recorded with the close: entry {number}, {digest}.")
    return EXIT_OK


def run_reopen(args: argparse.Namespace) -> int:
    from desktop.services.month_end.close import reopen

    if not args.reason.strip():
        raise UsageError("Say why the books are reopened with --reason.")
    with open_workspace(args) as ws:
        through = reopen(ws, None if args.all else args.to, args.reason)
    say(
        f"The books are now closed through {us_date(through)}."
        if through
        else "Every period is open."
    )
    return EXIT_OK
