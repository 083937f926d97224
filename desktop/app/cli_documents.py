"""``quietledger superbill|superbills|statement|receipt``: issue a document and save its PDF;
``quietledger reprint``: save an issued document's PDF again, exactly as it was issued.

Each command issues a numbered document, keeps it in the practice file and
writes the same bytes to ``--out`` (0600, written whole or not at all). The
file is written inside the issuing transaction, so a document is never issued
without its file, nor a file written for a document that was not kept.

A superbill with checker errors (or warnings, without ``--acknowledge-warnings``)
is not issued: each problem goes on its own line of stderr and the exit status
is 1. The monthly batch issues what it can and lists every client it skipped.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.app.cli_common import (
    EXIT_FAILED,
    EXIT_OK,
    CliError,
    Subparsers,
    UsageError,
    add_command,
    db_path,
    expand_path,
    open_workspace,
    say,
)
from desktop.app.cli_report import iso_date

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop.services.documents.store import IssuedDocument

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


def month(text: str) -> tuple[int, int]:
    """YYYY-MM as (year, month)."""
    match = _MONTH.fullmatch(text.strip())
    if match and 1 <= int(match[2]) <= 12:
        return int(match[1]), int(match[2])
    raise argparse.ArgumentTypeError(f"{text!r} is not a month; use YYYY-MM, such as 2026-02")


def register(subparsers: Subparsers) -> None:
    parser = add_command(
        subparsers,
        "superbill",
        help="issue a superbill for a client over a period",
        description=(
            "Check, issue and save a superbill for a client (for a couple or family, the "
            "identified patient) over a period. Problems found by the check are listed one "
            "per line and nothing is issued (exit status 1)."
        ),
    )
    _client(parser)
    day = {"type": iso_date, "required": True, "metavar": "DATE"}
    parser.add_argument("--from", dest="start", help="first day of the period", **day)
    parser.add_argument("--to", dest="end", help="last day of the period, included", **day)
    _acknowledge(parser)
    _out(parser)
    parser.set_defaults(handler=run_superbill)

    parser = add_command(
        subparsers,
        "superbills",
        help="issue the month's superbills as one PDF",
        description=(
            "Issue a superbill for every superbill client with sessions in the month, all in "
            "one PDF. Clients whose superbill has problems are skipped and listed on stderr; "
            "the exit status is 1 only when nothing was issued."
        ),
    )
    parser.add_argument("--month", type=month, required=True, metavar="YYYY-MM")
    _acknowledge(parser)
    _out(parser)
    parser.set_defaults(handler=run_superbills)

    parser = add_command(
        subparsers,
        "statement",
        help="issue a statement of account for a client",
        description=(
            "Issue a statement as of a date: every open charge with what is still owed, "
            "activity since the last statement (a first statement: since the oldest open "
            "charge; or since --from), an aging line, closing balance and amount due."
        ),
    )
    _client(parser)
    parser.add_argument(
        "--as-of", dest="as_of", type=iso_date, required=True, metavar="DATE", help="last day"
    )
    parser.add_argument(
        "--from",
        dest="start",
        type=iso_date,
        default=None,
        metavar="DATE",
        help="first day of activity shown (default: the day after the last statement, or "
        "for a first statement the date of the oldest open charge)",
    )
    _out(parser)
    parser.set_defaults(handler=run_statement)

    parser = add_command(subparsers, "receipt", help="issue a receipt for a payment")
    parser.add_argument(
        "--payment",
        type=int,
        required=True,
        metavar="ID",
        help="the payment's id, as 'quietledger report payments' lists it",
    )
    _out(parser)
    parser.set_defaults(handler=run_receipt)

    parser = add_command(
        subparsers,
        "reprint",
        help="save an issued document's PDF again, exactly as issued",
        description=(
            "Write the stored PDF of an issued superbill, statement, receipt or Good Faith "
            "Estimate, byte for byte as it was issued. Nothing new is issued."
        ),
    )
    parser.add_argument("number", metavar="NUMBER", help="the document's number, e.g. SB-2026-0001")
    parser.add_argument(
        "--version",
        type=int,
        default=None,
        metavar="N",
        help="an earlier version of a corrected document (default: the current one)",
    )
    _out(parser)
    parser.set_defaults(handler=run_reprint)


def _client(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--client",
        dest="client_ref",
        required=True,
        metavar="REF",
        help="the client's (or couple's) reference, as shown on the client's page",
    )


def _acknowledge(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--acknowledge-warnings",
        action="store_true",
        help="issue despite warnings (they are kept with the document); errors still block",
    )


def _out(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", type=expand_path, required=True, metavar="FILE.pdf", help="the PDF to write"
    )


def _check_out(args: argparse.Namespace) -> None:
    """Refuse a bad --out before the passphrase is asked for, so a typo costs nothing."""
    out: Path = args.out
    if not out.parent.is_dir():
        raise UsageError(f"The folder {out.parent} does not exist; create it or choose another.")
    if out.is_dir():
        raise UsageError(f"{out} is a folder; --out needs a file name.")
    practice = db_path(args)
    if out.parent.resolve() == practice.parent.resolve() and out.name.startswith(practice.name):
        raise UsageError(
            f"--out would overwrite the practice file or its companion {out.name}; "
            "choose another file name."
        )


def _write(out: Path, pdf: bytes) -> None:
    from desktop.reports.atomic import atomic_output

    with atomic_output(out) as handle:
        handle.write(pdf)


def _issue_to_file(args: argparse.Namespace, issue: Callable[[Session], IssuedDocument]) -> int:
    """Issue in one transaction that also writes the file; a failed check, line by line."""
    from desktop.services.documents.blocks import CheckFailed
    from desktop.services.documents.store import reprint

    def issue_and_write(session: Session) -> IssuedDocument:
        issued = issue(session)
        _write(args.out, reprint(session, issued.id))
        return issued

    _check_out(args)
    with open_workspace(args) as ws:
        try:
            issued = ws.run(issue_and_write)
        except CheckFailed as failed:
            for problem in failed.problems:
                print(problem, file=sys.stderr, flush=True)
            return EXIT_FAILED
    kind = issued.kind.value.replace("_", " ")
    say(f"Issued {kind} {issued.label} for {issued.client_name}; saved to {args.out}.")
    for warning in issued.acknowledged_warnings:
        say(f"Acknowledged: {warning}")
    return EXIT_OK


def run_superbill(args: argparse.Namespace) -> int:
    from desktop.services.clients.lookups import unit_by_ref
    from desktop.services.documents.superbills import issue_superbill

    if args.start > args.end:
        raise UsageError("--to is before --from; the period ends before it starts.")

    def issue(session: Session) -> IssuedDocument:
        unit = unit_by_ref(session, args.client_ref)
        return issue_superbill(
            session, unit.id, args.start, args.end, acknowledge=args.acknowledge_warnings
        )

    return _issue_to_file(args, issue)


def run_superbills(args: argparse.Namespace) -> int:
    from desktop.services.documents.superbills import SuperbillBatch, issue_month

    _check_out(args)
    year, number = args.month

    def issue_and_write(session: Session) -> SuperbillBatch:
        batch = issue_month(session, year, number, acknowledge=args.acknowledge_warnings)
        if batch.pdf is not None:
            _write(args.out, batch.pdf)
        return batch

    with open_workspace(args) as ws:
        batch = ws.run(issue_and_write)
    for skipped in batch.skipped:
        for reason in skipped.reasons:
            print(f"Skipped {skipped.unit_ref} ({skipped.name}): {reason}", file=sys.stderr)
    if not batch.issued:
        raise CliError(
            f"No superbill was issued for {year}-{number:02d}"
            + ("; see the reasons above." if batch.skipped else ": nobody had sessions to bill.")
        )
    first, last = batch.issued[0].number, batch.issued[-1].number
    span = first if first == last else f"{first} to {last}"
    say(f"Issued {len(batch.issued)} superbills ({span}); saved to {args.out}.")
    if batch.skipped:
        say(f"Skipped {len(batch.skipped)} clients; the reasons are on stderr.")
    return EXIT_OK


def run_statement(args: argparse.Namespace) -> int:
    from desktop.services.clients.lookups import unit_by_ref
    from desktop.services.documents.statements import issue_statement

    def issue(session: Session) -> IssuedDocument:
        unit = unit_by_ref(session, args.client_ref)
        return issue_statement(session, unit.id, args.as_of, period_from=args.start)

    return _issue_to_file(args, issue)


def run_receipt(args: argparse.Namespace) -> int:
    from desktop.services.documents.receipts import issue_receipt

    return _issue_to_file(args, lambda session: issue_receipt(session, args.payment))


def run_reprint(args: argparse.Namespace) -> int:
    from desktop.services.documents.store import find_by_number, reprint

    def read(session: Session) -> IssuedDocument:
        found = find_by_number(session, args.number, args.version)
        _write(args.out, reprint(session, found.id))
        return found

    _check_out(args)
    with open_workspace(args) as ws:
        found = ws.read(read)
    version = f" version {found.version}" if found.version > 1 or found.superseded else ""
    say(f"Saved {found.kind.value} {found.number}{version} for {found.client_name} to {args.out}.")
    return EXIT_OK
