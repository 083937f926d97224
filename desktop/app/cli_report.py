"""``quietledger report NAME``: the books' reports as CSV or XLSX.

Every report takes the same output options: without ``--out`` the CSV goes to
standard output; ``--format`` defaults from the ``--out`` extension, else CSV;
an XLSX needs ``--out``. Dates are YYYY-MM-DD.

Adding a report is one decorated function that asks the services for a table,
imported when the report runs (the parser is built without them)::

    @report("payers", help="...", options=(period,))
    def payers(ws: Workspace, args: argparse.Namespace) -> Table:
        from desktop.services.claims.tables import payers_table

        return ws.read(payers_table, args.start, args.end)

A report whose table is read with plain SQL only (its query takes a
``db.queries.reader.Source``, and neither it nor its module imports SQLAlchemy)
says ``plain=True``: it is then read on a raw connection (``PlainBooks``), without
the ORM's start-up.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.app.cli_common import (
    EXIT_OK,
    Subparsers,
    UsageError,
    add_command,
    db_path,
    expand_path,
    open_plain_books,
    open_workspace,
    say,
)

if TYPE_CHECKING:
    from desktop.reports.tabular import Table
    from desktop.services.plain_books import PlainBooks
    from desktop.services.workspace import Workspace

    Books = Workspace | PlainBooks

FORMATS = ("csv", "xlsx")
# A plain report's function is also given PlainBooks, which reads the same way.
Build = Callable[["Workspace", argparse.Namespace], "Table"]
Option = Callable[[argparse.ArgumentParser], None]


@dataclass(frozen=True)
class ReportCommand:
    name: str
    help: str
    options: tuple[Option, ...]
    build: Build
    plain: bool = False


REPORTS: list[ReportCommand] = []


def report(
    name: str, *, help: str, options: Sequence[Option] = (), plain: bool = False
) -> Callable[[Build], Build]:
    """Declare ``quietledger report NAME``; the function builds its table (``plain``:
    with plain SQL only, see the module's docstring)."""

    def declare(build: Build) -> Build:
        REPORTS.append(ReportCommand(name, help, tuple(options), build, plain))
        return build

    return declare


# --- options --------------------------------------------------------------------------

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_date(text: str) -> date:
    """YYYY-MM-DD only (``date.fromisoformat`` would also take 20260331 and week dates)."""
    if _ISO_DATE.fullmatch(text.strip()):
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            pass
    raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD, such as 2026-03-31")


def _as_of(required: bool) -> Option:
    def add(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--as-of",
            dest="as_of",
            type=iso_date,
            required=required,
            metavar="DATE",
            help="count only activity dated on or before this day (YYYY-MM-DD)"
            + ("" if required else "; default: everything"),
        )

    return add


as_of = _as_of(required=True)
as_of_optional = _as_of(required=False)


def period(parser: argparse.ArgumentParser) -> None:
    day = {"type": iso_date, "required": True, "metavar": "DATE"}
    parser.add_argument("--from", dest="start", help="first day of the period", **day)
    parser.add_argument("--to", dest="end", help="last day of the period, included", **day)


def _client(required: bool) -> Option:
    def add(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--client",
            dest="client_ref",
            required=required,
            default=None,
            metavar="REF",
            help="the client's reference, as shown on the client's page"
            + ("" if required else "; default: every client"),
        )

    return add


client = _client(required=True)
client_optional = _client(required=False)


def _output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="csv or xlsx (default: from the --out extension, else csv)",
    )
    parser.add_argument(
        "--out",
        type=expand_path,
        default=None,
        metavar="FILE",
        help="write to FILE (default: CSV to standard output)",
    )


# --- the reports ----------------------------------------------------------------------


@report(
    "aging",
    options=(as_of,),
    help="what each client owes by days past due (current, 1-30, 31-60, 61-90, 91+), "
    "then unapplied credit; the total is net A/R",
    plain=True,
)
def aging(ws: Books, args: argparse.Namespace) -> Table:
    from desktop.services.books.aging import aging_table

    return ws.read(aging_table, args.as_of)


@report(
    "rollforward", options=(period,), help="opening A/R, charges, payments, write-offs, closing A/R"
)
def rollforward(ws: Workspace, args: argparse.Namespace) -> Table:
    from desktop.services.books.report_tables import rollforward_table

    return ws.read(rollforward_table, args.start, args.end)


@report(
    "income", options=(period,), help="money received by day and method: gross, fee, net, refunds"
)
def income(ws: Workspace, args: argparse.Namespace) -> Table:
    from desktop.services.books.report_tables import income_table

    return ws.read(income_table, args.start, args.end)


@report(
    "ledger",
    options=(client, as_of_optional),
    help="one client's account, line by line, with its balance",
)
def ledger(ws: Workspace, args: argparse.Namespace) -> Table:
    from desktop.services.books.report_tables import ledger_table

    return ws.read(ledger_table, args.client_ref, args.as_of)


@report(
    "payments",
    options=(period, client_optional),
    help="payments received, with the payment id a receipt asks for",
)
def payments(ws: Workspace, args: argparse.Namespace) -> Table:
    from desktop.services.books.report_tables import payments_table

    return ws.read(payments_table, args.start, args.end, args.client_ref)


@report("balances", options=(as_of,), help="each client's amount owed and credit on account")
def balances(ws: Workspace, args: argparse.Namespace) -> Table:
    from desktop.services.books.report_tables import balances_table

    return ws.read(balances_table, args.as_of)


@report("services", help="charges by service code", options=(period,))
def services(ws: Workspace, args: argparse.Namespace) -> Table:
    from desktop.services.books.report_tables import charges_by_service_table

    return ws.read(charges_by_service_table, args.start, args.end)


@report("write-offs", help="write-offs and discounts by reason", options=(period,))
def write_offs(ws: Workspace, args: argparse.Namespace) -> Table:
    from desktop.services.books.report_tables import write_offs_table

    return ws.read(write_offs_table, args.start, args.end)


@report(
    "incomplete",
    help="active clients who lack what a superbill or estimate needs (date of birth, "
    "address, insurer, member ID, diagnosis, legal first name)",
)
def incomplete(ws: Workspace, args: argparse.Namespace) -> Table:
    from desktop.services.clients.readiness import to_complete_table

    return ws.read(to_complete_table)


# --- the command ----------------------------------------------------------------------


def register(subparsers: Subparsers) -> None:
    parser = add_command(
        subparsers,
        "report",
        help="export a report as CSV or XLSX",
        description=(
            "Export one of the books' reports. CSV goes to standard output unless --out "
            "names a file; XLSX needs --out. Dates are YYYY-MM-DD."
        ),
    )
    reports = parser.add_subparsers(dest="report", metavar="REPORT", title="reports")
    reports.required = True
    for command in REPORTS:
        sub = add_command(reports, command.name, help=command.help)
        for add_option in command.options:
            add_option(sub)
        _output(sub)
        sub.set_defaults(handler=run, build=command.build, plain=command.plain)


def output_format(args: argparse.Namespace) -> str:
    """The format asked for, else the one --out's extension names, else CSV."""
    out: Path | None = args.out
    chosen = args.format or ("xlsx" if out and out.suffix.lower() == ".xlsx" else "csv")
    if chosen == "xlsx" and out is None:
        raise UsageError("An XLSX report is a file: name it with --out FILE.xlsx.")
    return chosen


def _check_out(args: argparse.Namespace) -> None:
    out: Path | None = args.out
    if out is None:
        return
    if not out.parent.is_dir():
        raise UsageError(f"The folder {out.parent} does not exist; create it or choose another.")
    if out.is_dir():
        raise UsageError(f"{out} is a folder; --out needs a file name.")
    # The practice file and its companions (key file, lock, journal) share its name;
    # overwriting the key file with a report would lock the user out of their books.
    practice = db_path(args)
    same_folder = out.parent.resolve() == practice.parent.resolve()
    if same_folder and out.name.startswith(practice.name):
        raise UsageError(
            f"--out would overwrite the practice file or its companion {out.name}; "
            "choose another file name."
        )


def run(args: argparse.Namespace) -> int:
    from desktop.reports.tabular import write_csv, write_xlsx

    chosen = output_format(args)
    _check_out(args)  # before the passphrase is asked for, so a typo costs nothing
    with open_plain_books(args) if args.plain else open_workspace(args) as books:
        table = args.build(books, args)
    if args.out is None:
        return _to_stdout(table)
    if chosen == "xlsx":
        write_xlsx([table], args.out)
    else:
        write_csv(table, args.out)
    say(f"Wrote the {args.report} report ({len(table.rows)} rows) to {args.out}.")
    return EXIT_OK


def _to_stdout(table: Table) -> int:
    from desktop.reports.tabular import write_csv

    try:
        write_csv(table, sys.stdout)
    except BrokenPipeError:
        # The reader stopped early (``| head``): not a failure. Point stdout at nothing so
        # the interpreter's last flush does not complain either.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    return EXIT_OK
