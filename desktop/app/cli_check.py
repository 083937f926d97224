"""``quietledger check``: verify a practice file (database, encryption, guards, audit chain,
the books against the audit log, the ledger), and optionally that its audit chain still
passes through the head a backup or month-end workbook recorded.

It says what it proved: every page's authentication code and every table's structure by
default; with ``--full``, also that every index matches its table (SQLite's whole
integrity check, as backups and restores run it)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.app.cli_common import (
    EXIT_FAILED,
    EXIT_OK,
    CliError,
    Subparsers,
    add_command,
    expand_path,
    open_workspace,
    say,
    unlock_file,
)

if TYPE_CHECKING:
    from desktop.services.audit.anchors import Anchor

_ZIP = b"PK\x03\x04"  # an XLSX workbook is a zip file


def register(subparsers: Subparsers) -> None:
    parser = add_command(
        subparsers,
        "check",
        help="verify the practice file",
        description=(
            "Verify the practice file: encrypted pages, database integrity, foreign keys, "
            "the protective triggers and constraints, the audit chain, the books against the "
            "audit log and the ledger's balances. With --against, also prove the audit chain "
            "still passes through the head a backup or month-end workbook recorded. Exit "
            "status 1 if anything is wrong."
        ),
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help=(
            "also prove that every index matches its table (SQLite's whole integrity check, "
            "about twice as long); without it, every page's authentication code and every "
            "table's structure are checked"
        ),
    )
    parser.add_argument(
        "--against",
        type=expand_path,
        metavar="BACKUP_OR_WORKBOOK",
        help="a .qlbak backup or a month-end workbook (.xlsx) whose audit chain head to prove",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from concurrent.futures import ThreadPoolExecutor

    from desktop.services.audit.file_checks import start_file_checks

    anchor = read_anchor(args.against) if args.against is not None else None
    unlocked = unlock_file(args)
    # SQLite's own checks of the file, the longest part, start at once on a connection of
    # their own; the books, and the modules that read them, load meanwhile.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="file-check") as pool:
        file_checks = start_file_checks(pool, unlocked, full=args.full)
        from desktop.services.audit.checks import check_against, checks_done, run_checks

        with open_workspace(args, unlocked) as workspace:
            name = workspace.path.name
            if anchor is None:
                problems = run_checks(workspace, full=args.full, file_checks=file_checks)
            else:
                problems = check_against(workspace, anchor, full=args.full, file_checks=file_checks)
    if not problems:
        done = ", ".join(checks_done(full=args.full))
        proved = _PROVED_FULL if args.full else _PROVED_QUICK
        say(f"OK: {name} passed every check ({done}): {proved}.")
        if anchor is not None:
            say(
                f"OK: its audit chain still passes through entry {anchor.entry_id}, the last "
                f"one {anchor.source} saw."
            )
        return EXIT_OK
    for problem in problems:
        say(problem)
    return EXIT_FAILED


# What each mode proved, said on the OK line (one line, as every command's result).
_PROVED = (
    "every page's authentication code verified (a byte changed anywhere would be found), "
    "every audit entry's keyed hash recomputed, every session, payment, document and claim "
    "compared with the audit log, every issued PDF compared with its fingerprint"
)
_PROVED_QUICK = (
    f"{_PROVED}, and every table and index well-formed (SQLite's quick check; "
    "'check --full' also proves every index holds exactly its table's rows)"
)
_PROVED_FULL = f"{_PROVED}, and every index holding exactly its table's rows (SQLite's full check)"


def read_anchor(path: Path) -> Anchor:
    """The audit chain head a backup or month-end workbook recorded."""
    from desktop.services.audit.anchors import Anchor

    try:
        with path.open("rb") as handle:
            start = handle.read(8)
    except FileNotFoundError:
        raise CliError(f"There is no file at {path}; name a backup or a workbook.") from None
    if start.startswith(_ZIP):
        head, source = _workbook_head(path), f"the workbook {path.name}"
    else:
        head, source = _backup_head(path), f"the backup {path.name}"
    if head is None:
        raise CliError(
            f"{path.name} records no audit chain head (it was written by an older version); "
            "check against a newer backup or workbook."
        )
    return Anchor(head[0], head[1], source)


def _backup_head(path: Path) -> tuple[int, str] | None:
    from desktop.services.backups.container import DamagedBackup, read_header

    try:
        return read_header(path).audit_head
    except DamagedBackup as exc:
        raise CliError(
            f"{exc} To check against a month-end workbook instead, name its .xlsx file."
        ) from None


def _workbook_head(path: Path) -> tuple[int, str] | None:
    from desktop.services.month_end.workbook import recorded_chain_head

    head = recorded_chain_head(path)
    if head is None:
        raise CliError(
            f"{path.name} is not a month-end workbook with an audit chain head; name a "
            "workbook written by 'quietledger month-end', or a backup."
        )
    return head
